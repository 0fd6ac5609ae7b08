import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";

// The bench's clients: wrk for request rates, curl for throughput, node:http for
// downloads aborted after their first bytes. Each runs in its own process where speed
// matters, so the Node process that orchestrates the bench is never the bottleneck.

export interface RateResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly seconds: number;
  /**
   * CPU time the server's processes spent per answered request (user + system, ms), when
   * the measurement named the server: a cost, not a rate, so it moves far less with the
   * machine's other load than req/s does.
   */
  readonly cpuMsPerRequest?: number;
}

export interface ThroughputResult {
  /** 10^6 bytes per second, all concurrent downloads together. */
  readonly mbPerSecond: number;
  readonly bytes: number;
  readonly seconds: number;
}

/** Child processes the bench started that are still running: stopped on Ctrl-C. */
export const runningClients = new Set<import("node:child_process").ChildProcess>();

/** Runs a client to its end (stopped on Ctrl-C with the bench), with what it printed. */
export function capture(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    runningClients.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      runningClients.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function latencyMs(output: string, percentile: string): number {
  const match = new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(output);
  if (!match) throw new Error(`wrk printed no ${percentile}% latency:\n${output}`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/**
 * `wrk -t1 -c<connections> -d<seconds>s --latency`: keep-alive connections, each sending
 * its next request as soon as the answer is in. Throws when any answer was not 2xx/3xx
 * or a socket failed: a rate of errors is not a rate of downloads.
 */
export async function wrk(url: string, options: { connections: number; seconds: number; headers?: readonly string[]; script?: string; serverPid?: number }): Promise<RateResult> {
  const cpuBefore = options.serverPid === undefined ? 0 : processTreeCpuMs(options.serverPid);
  const args = ["-t1", `-c${options.connections}`, `-d${options.seconds}s`, "--latency", "--timeout", "10s"];
  for (const header of options.headers ?? []) args.push("-H", header);
  if (options.script) args.push("-s", options.script);
  const { code, stdout, stderr } = await capture("wrk", [...args, url]);
  if (code !== 0) throw new Error(`wrk ${url} failed (${code}): ${stderr}${stdout}`);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
  if (non2xx) throw new Error(`wrk ${url}: ${non2xx[1]} answers were not 2xx/3xx:\n${stdout}`);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  if (socketErrors && socketErrors.slice(1).some((n) => Number(n) > 0)) throw new Error(`wrk ${url}: socket errors:\n${stdout}`);
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(stdout);
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (!total || !rate) throw new Error(`could not read wrk's output:\n${stdout}`);
  const cpuMs = options.serverPid === undefined ? undefined : processTreeCpuMs(options.serverPid) - cpuBefore;
  return {
    ...(cpuMs === undefined ? {} : { cpuMsPerRequest: cpuMs / Number(total[1]) }),
    requestsPerSecond: Number(rate[1]),
    p50Ms: latencyMs(stdout, "50"),
    p99Ms: latencyMs(stdout, "99"),
    requests: Number(total[1]),
    seconds: (Number(total[2]) * UNIT_MS[total[3]!]!) / 1000,
  };
}

/** Linux's clock ticks per second (USER_HZ), in which /proc/<pid>/stat counts CPU time. */
const TICKS_PER_SECOND = 100;

/**
 * User + system CPU time of a process and its descendants (`next start` serves from a
 * child `next-server`), in ms, from /proc. Threads are counted in their process's figure.
 */
export function processTreeCpuMs(pid: number): number {
  let ticks = 0;
  for (const member of processTree(pid)) {
    try {
      // Fields after the command's closing parenthesis: state is 3, utime 14, stime 15.
      const stat = readFileSync(`/proc/${member}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Ended meanwhile: its time is lost to the count, which only ever undercounts.
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const task of safeReaddir(`/proc/${tree[i]}/task`)) {
      const children = safeRead(`/proc/${tree[i]}/task/${task}/children`).trim();
      if (children) tree.push(...children.split(" ").map(Number));
    }
  }
  return tree;
}

const safeReaddir = (dir: string) => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};
const safeRead = (file: string) => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
};

/**
 * `concurrency` simultaneous downloads of the whole file with `curl -o /dev/null` (read
 * and discarded in C; see docs/performance.md for the check that it is not the bottleneck), timed
 * from the first spawn to the last exit. Every download must answer 200 with exactly
 * `size` bytes.
 */
export async function download(url: string, options: { concurrency: number; size: number; headers?: readonly string[] }): Promise<ThroughputResult> {
  const args = ["-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download}"];
  for (const header of options.headers ?? []) args.push("-H", header);
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: options.concurrency }, () => capture("curl", [...args, url])));
  const seconds = (performance.now() - started) / 1000;
  let bytes = 0;
  for (const { code, stdout, stderr } of results) {
    const [status, size] = stdout.trim().split(" ").map(Number);
    if (code !== 0 || status !== 200 || size !== options.size) {
      throw new Error(`curl ${url}: exit ${code}, status ${status}, ${size} of ${options.size} bytes ${stderr}`);
    }
    bytes += size;
  }
  return { mbPerSecond: bytes / 1e6 / seconds, bytes, seconds };
}

/**
 * A wrk Lua script that asks for `paths` in turn (each connection takes the next), so
 * that a rate covers many different files rather than one. Written to `file`.
 */
export function rotatingPathsScript(file: string, paths: readonly string[]): string {
  const list = paths.map((p) => JSON.stringify(p)).join(",\n  ");
  writeFileSync(file, `local paths = {\n  ${list}\n}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i])\nend\n`);
  return file;
}

/**
 * One POST whose answer is downloaded with `curl -o /dev/null`, timed from spawn to
 * exit: a 200 is required, and its size is what was sent (the zip's length).
 */
export async function postDownload(url: string, body: string, headers: readonly string[] = []): Promise<ThroughputResult> {
  const args = ["-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body];
  for (const header of headers) args.push("-H", header);
  const started = performance.now();
  const { code, stdout, stderr } = await capture("curl", [...args, url]);
  const seconds = (performance.now() - started) / 1000;
  const [status, size] = stdout.trim().split(" ").map(Number);
  if (code !== 0 || status !== 200 || !size) throw new Error(`curl -X POST ${url}: exit ${code}, status ${status}, ${size} bytes ${stderr}`);
  return { mbPerSecond: size / 1e6 / seconds, bytes: size, seconds };
}

/** Starts a download, takes its first bytes, hangs up (a new connection each time). */
function abortOne(url: string, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, agent: false }, (response) => {
      if (response.statusCode !== 200) {
        request.destroy();
        reject(new Error(`aborted download of ${url}: status ${response.statusCode}`));
        return;
      }
      response.once("data", () => {
        request.destroy();
        resolve();
      });
    });
    request.on("error", () => undefined);
  });
}

/** `total` downloads aborted after their first bytes, `concurrency` at a time. */
export async function abortMany(url: string, headers: Record<string, string>, total: number, concurrency = 16): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total) {
        started++;
        await abortOne(url, headers);
      }
    }),
  );
}
