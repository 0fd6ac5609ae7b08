import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import type { Env } from "./run";

// `next start` of the consumer app, on 127.0.0.1 only, stopped even when a test fails.

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface RunningServer {
  base: string;
  pid: number;
  child: ChildProcess;
}

/** Starts `node <next bin> start` and waits until it answers HTTP. */
export async function startNext(options: { node: string; nextBin: string; cwd: string; env: Env; log: string; port: number }): Promise<RunningServer> {
  const { node, nextBin, cwd, env, log, port } = options;
  const out = fs.openSync(log, "a");
  const child = spawn(node, [nextBin, "start", "-H", "127.0.0.1", "-p", String(port)], { cwd, env: env as NodeJS.ProcessEnv, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  const base = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once("exit", () => (exited = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !exited) {
    try {
      await fetch(`${base}/api/auth/csrf`);
      return { base, pid: child.pid!, child };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await stopNext({ base, pid: child.pid!, child });
  throw new Error(`next start did not answer on ${base}:\n${fs.readFileSync(log, "utf8").slice(-4000)}`);
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
export async function stopNext(server: RunningServer): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await gone;
  clearTimeout(timer);
}

/** The executables of a process and its descendants, from /proc. */
export function processTreeExecutables(pid: number): string[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    for (const task of safe(() => fs.readdirSync(`/proc/${pids[i]}/task`), [])) {
      const children = safe(() => fs.readFileSync(`/proc/${pids[i]}/task/${task}/children`, "utf8").trim(), "");
      if (children) pids.push(...children.split(/\s+/).map(Number));
    }
  }
  return pids.map((p) => safe(() => fs.readlinkSync(`/proc/${p}/exe`), `(pid ${p} gone)`));
}

function safe<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
