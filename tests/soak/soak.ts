// `npm run soak`: a load test of the file route against a real `next start`.
//
// SOAK_CLIENTS (200) concurrent clients send a weighted mix of requests for
// SOAK_SECONDS (30): whole downloads, ranges, conditional requests, HEAD, a
// signed-in non-owner (403) and anonymous visitors (401). Every answer is
// checked (status, body hash, headers, no file bytes in a denial), and at the end
// the download counters in SQLite must equal what the clients downloaded.
// SQLite only: PostgreSQL is covered by the integration suite (integration-postgres).
// Exit code 1 when any check fails, 130 on Ctrl-C.
//
// SOAK_REUSE_BUILD=1 reuses .next when it has a BUILD_ID (else `next build` runs);
// SOAK_KEEP=1 keeps the temp directory (database, files, server.log).
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { treeCpuSeconds, treeRss } from "../integration/support/process";
import { bin, freePort, ROOT, runAsync, serverEnv, startNext, stopServer } from "../integration/support/server";
import { signInAt } from "../integration/support/sign-in";
import { mib, report, Stats, type CheckResult } from "./stats";
import { check, countedByServer, describe, KINDS, pickKind, plan, sha256, type Answer, type Planned, type Target, type User } from "./workload";

const KiB = 1024;
const MiB = 1024 * KiB;
/** A request unanswered this long after the run's end (or after it was sent, before the run) is a network error. */
const REQUEST_TIMEOUT_MS = 30_000;

function setting(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a positive ${integer ? "integer" : "number"}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

// ---------------------------------------------------------------------------
// Cleanup: the server is stopped and the temp directory removed on every exit path.

const resources: { step?: ChildProcess; server?: ChildProcess; workDir?: string; db?: Database.Database; agent?: http.Agent } = {};
const keep = process.env.SOAK_KEEP === "1";
let cleaning: Promise<void> | undefined;
let interrupted = false;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    resources.step?.kill("SIGTERM");
    resources.db?.close();
    resources.agent?.destroy(); // open keep-alive connections would hold up the server's shutdown
    if (resources.server) await stopServer(resources.server);
    if (resources.workDir) {
      if (keep) console.log(`kept ${resources.workDir} (server.log, soak.db, files/)`);
      else fs.rmSync(resources.workDir, { recursive: true, force: true });
    }
  })();
  return cleaning;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130); // a second Ctrl-C: the exit hooks below still run
    interrupted = true;
    console.error(`\n${signal}: stopping the server and removing the temp directory`);
    void cleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  });
}
// Last resort when the process exits without cleanup (startNext also SIGKILLs the server on exit).
process.on("exit", () => {
  if (resources.workDir && !keep) fs.rmSync(resources.workDir, { recursive: true, force: true });
});

/** Runs a setup command (build, migrate, seed); Ctrl-C stops it (see cleanup). */
const run = (command: string, args: string[], env: NodeJS.ProcessEnv) => runAsync(command, args, env, (child) => (resources.step = child));

// ---------------------------------------------------------------------------
// Fixtures: files of varied sizes, written into the storage root and the database.

const FIXTURES = [
  { model: "FileSubmission", folder: "submissions", name: "notes-1k.txt", size: 1 * KiB },
  { model: "FileSubmission", folder: "submissions", name: "résumé 64k.pdf", size: 64 * KiB },
  { model: "FileSubmission", folder: "submissions", name: "archive-1m.zip", size: 1 * MiB },
  { model: "CountedDownload", folder: "downloadables", name: "price-list-1k.csv", size: 1 * KiB },
  { model: "CountedDownload", folder: "downloadables", name: "dataset 64k.bin", size: 64 * KiB },
  { model: "CountedDownload", folder: "downloadables", name: "installer-1m.bin", size: 1 * MiB },
  { model: "SharedImage", folder: "images", name: "photo-64k.png", size: 64 * KiB },
] as const;

function createFixtures(db: Database.Database, storageRoot: string): Target[] {
  const alice = (db.prepare("SELECT id FROM User WHERE email = ?").get("alice@example.com") as { id: number } | undefined)?.id;
  if (alice === undefined) throw new Error("the seed created no alice@example.com");
  return FIXTURES.map((fixture, index) => {
    const data = randomBytes(fixture.size);
    const stored = `${fixture.folder}/soak-${index}${path.extname(fixture.name)}`;
    fs.mkdirSync(path.join(storageRoot, fixture.folder), { recursive: true });
    fs.writeFileSync(path.join(storageRoot, stored), data);
    const now = Date.now();
    const description = `soak fixture ${index}`;
    const insert =
      fixture.model === "FileSubmission"
        ? db
            .prepare("INSERT INTO FileSubmission (description, ownerId, file, fileName, fileSize, createdAt) VALUES (?, ?, ?, ?, ?, ?)")
            .run(description, alice, stored, fixture.name, data.length, now)
        : fixture.model === "CountedDownload"
          ? db
              .prepare("INSERT INTO CountedDownload (description, file, fileName, fileSize, downloads, createdAt) VALUES (?, ?, ?, ?, 0, ?)")
              .run(description, stored, fixture.name, data.length, now)
          : db
              .prepare("INSERT INTO SharedImage (title, image, imageName, imageSize, createdAt) VALUES (?, ?, ?, ?, ?)")
              .run(description, stored, fixture.name, data.length, now);
    const id = Number(insert.lastInsertRowid);
    const field = fixture.model === "SharedImage" ? "image" : "file";
    return {
      model: fixture.model,
      id,
      name: fixture.name,
      path: `/files/${fixture.model}/${field}/${id}/${encodeURIComponent(fixture.name)}`,
      data,
      sha256: sha256(data),
      ownerOnly: fixture.model === "FileSubmission",
      counted: fixture.model === "CountedDownload",
      inline: fixture.model === "SharedImage",
      etag: "",
      lastModified: "",
    };
  });
}

// ---------------------------------------------------------------------------
// The clients' HTTP: node:http over one keep-alive agent, a socket per client,
// all opened before the clock starts (the warm-up in main). A Node server whose
// event loop is saturated leaves new connections waiting in the kernel's accept
// queue: with a plain http.createServer burning 8 ms a request and 200 clients,
// 30 to 150 established connections sat there for a whole 10 s run in some runs,
// so requests on a connection opened mid-run measure that queue, not the route.
// fetch (undici) opened 10 to 30 % more connections than it had clients during
// such runs, hence node:http with a fixed set of sockets.

/** Sockets the clients' agent has used. */
const sockets = new WeakSet<object>();
let socketCount = 0;

function toHeaders(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
  }
  return headers;
}

/** Sends one request and reads the whole body; `onHead` runs when the status line and headers arrive. */
function send(
  agent: http.Agent,
  url: string,
  method: string,
  headers: Record<string, string>,
  timeoutMs: number,
  onHead: (status: number, headers: Headers) => void = () => undefined,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, agent, signal: AbortSignal.timeout(timeoutMs) }, (response) => {
      const status = response.statusCode ?? 0;
      const head = toHeaders(response.headers);
      onHead(status, head);
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status, headers: head, body: Buffer.concat(chunks) }));
      response.on("error", reject);
      response.on("close", () => {
        if (!response.complete) reject(new Error("the connection closed before the body was complete"));
      });
    });
    request.on("error", reject);
    request.on("socket", (socket) => {
      if (!sockets.has(socket)) socketCount++;
      sockets.add(socket);
    });
    request.end();
  });
}

/** The events the audit trail holds, by outcome (denied, completed, aborted, failed): refusals alike share a row with their count. */
function auditCounts(db: Database.Database): Map<string, number> {
  const rows = db.prepare("SELECT outcome, SUM(count) AS n FROM DownloadEvent GROUP BY outcome").all() as { outcome: string; n: number }[];
  return new Map(rows.map((row) => [row.outcome, row.n]));
}

const downloadsOf = (db: Database.Database, id: number) =>
  (db.prepare("SELECT downloads FROM CountedDownload WHERE id = ?").get(id) as { downloads: number }).downloads;

// ---------------------------------------------------------------------------
// Server measurements from /proc.

// ---------------------------------------------------------------------------

async function main(): Promise<number> {
  const seconds = setting("SOAK_SECONDS", 30, false);
  const clients = setting("SOAK_CLIENTS", 200, true);

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "private-files-soak-"));
  resources.workDir = workDir;
  const databasePath = path.join(workDir, "soak.db");
  const storageRoot = path.join(workDir, "files");
  const logFile = path.join(workDir, "server.log");
  const port = await freePort();
  const env = serverEnv(port, `file:${databasePath}`, storageRoot);

  const reuse = process.env.SOAK_REUSE_BUILD === "1" && fs.existsSync(path.join(ROOT, ".next", "BUILD_ID"));
  const step = async (label: string, command: string, args: string[]) => {
    const started = Date.now();
    process.stdout.write(`${label}… `);
    await run(command, args, env);
    console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  if (reuse) console.log("next build: reusing .next (SOAK_REUSE_BUILD=1)");
  else {
    await step("kit build (lib/private-files/dist)", process.execPath, ["lib/private-files/scripts/build.mjs"]);
    await step("next build", bin("next"), ["build"]);
  }
  await step("migrate (prisma migrate deploy)", bin("tsx"), ["scripts/migrate.ts"]);
  await step("seed", bin("tsx"), ["scripts/seed.ts"]);

  const db = new Database(databasePath, { timeout: 10_000 });
  resources.db = db;
  const targets = createFixtures(db, storageRoot);

  const server = await startNext(port, env, logFile);
  resources.server = server;
  const pid = server.pid!;
  const base = `http://127.0.0.1:${port}`;
  console.log(`next start: ${base}, pid ${pid}, log ${logFile}`);

  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  resources.agent = agent;
  const cookies: Record<User, string> = {
    alice: (await signInAt(base, "alice@example.com")).header,
    bob: (await signInAt(base, "bob@example.com")).header,
  };

  // Validators of each file, read as an allowed user (HEAD counts no download).
  for (const target of targets) {
    const response = await send(agent, `${base}${target.path}`, "HEAD", { Cookie: cookies.alice }, REQUEST_TIMEOUT_MS);
    const etag = response.headers.get("etag");
    const lastModified = response.headers.get("last-modified");
    if (response.status !== 200 || !etag || !lastModified) {
      throw new Error(`HEAD ${target.path} as alice: ${response.status}, ETag ${etag}, Last-Modified ${lastModified}`);
    }
    target.etag = etag;
    target.lastModified = lastModified;
  }

  // Warm-up: every client opens its connection with one HEAD, all at once, before the clock starts.
  const warmUpStarted = performance.now();
  const warmUp = await Promise.all(
    Array.from({ length: clients }, () => send(agent, `${base}${targets[0]!.path}`, "HEAD", { Cookie: cookies.alice }, 2 * REQUEST_TIMEOUT_MS)),
  );
  const notOk = warmUp.filter((answer) => answer.status !== 200);
  if (notOk.length > 0) throw new Error(`warm-up: ${notOk.length} of ${clients} HEAD requests got ${notOk[0]!.status}`);
  const warmSockets = socketCount;
  console.log(`warm-up: ${clients} HEAD requests on ${warmSockets} connections in ${((performance.now() - warmUpStarted) / 1000).toFixed(1)} s`);

  const countedTargets = targets.filter((t) => t.counted);
  const downloadsBefore = new Map(countedTargets.map((t) => [t.id, downloadsOf(db, t.id)]));
  const countedByClients = new Map(countedTargets.map((t) => [t.id, 0]));
  const auditBefore = auditCounts(db);
  // What the trail must gain: a "denied" row per 401/403, a "completed" row per GET body.
  const auditExpected = { denied: 0, completed: 0 };
  const stats = new Stats();

  const cpuBefore = treeCpuSeconds(pid);
  const clientCpuBefore = process.cpuUsage();
  const rssBefore = treeRss(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, treeRss(pid))), 1000);
  const progressEvery = Math.max(5, Math.round(seconds / 6));
  const startedAt = performance.now();
  const progress = setInterval(() => {
    const elapsed = (performance.now() - startedAt) / 1000;
    console.log(`  ${elapsed.toFixed(0).padStart(4)} s: ${stats.total} requests, ${stats.failures} problems, server RSS ${mib(treeRss(pid))}`);
  }, progressEvery * 1000);
  const deadline = startedAt + seconds * 1000;

  const one = async (planned: Planned) => {
    const headers: Record<string, string> = { ...planned.headers };
    if (planned.user) headers.Cookie = cookies[planned.user];
    const started = performance.now();
    try {
      const timeout = Math.ceil(deadline - started) + REQUEST_TIMEOUT_MS;
      const answer = await send(agent, `${base}${planned.target.path}`, planned.method, headers, timeout, (status, head) => {
        // Counted as soon as the head arrives: the listener ran before the first byte.
        if (countedByServer(planned, { status, headers: head })) {
          countedByClients.set(planned.target.id, countedByClients.get(planned.target.id)! + 1);
        }
      });
      stats.record(planned, answer.status, performance.now() - started, answer.body.length);
      if (answer.status === 401 || answer.status === 403) auditExpected.denied++;
      else if (planned.method === "GET" && (answer.status === 200 || answer.status === 206)) auditExpected.completed++;
      if (answer.status >= 500) stats.checked.fiveXx++;
      if (planned.kind === "denied" || planned.kind === "anonymous") stats.checked.denials++;
      else if (planned.method === "HEAD" || answer.status === 304) stats.checked.empty++;
      else stats.checked.hashed++;
      for (const problem of await check(planned, answer)) stats.fail(problem, describe(planned));
    } catch (error) {
      stats.record(planned, "error", performance.now() - started, 0);
      stats.fail({ check: "statuses", detail: `network error: ${String(error)}` }, describe(planned));
    }
  };

  console.log(`soak: ${clients} clients for ${seconds} s…`);
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (!interrupted && performance.now() < deadline) await one(plan(pickKind(), targets));
    }),
  );
  const elapsed = (performance.now() - startedAt) / 1000;
  clearInterval(progress);
  clearInterval(sampler);
  if (interrupted) return 130;
  const rssEnd = treeRss(pid);
  const serverCpu = treeCpuSeconds(pid) - cpuBefore;
  const clientUsage = process.cpuUsage(clientCpuBefore);
  const clientCpu = (clientUsage.user + clientUsage.system) / 1e6;

  // The counters: every download the clients saw counted, and nothing else.
  const counters: string[] = ["download counters (CountedDownload):"];
  let countedTotal = 0;
  for (const target of countedTargets) {
    const expected = countedByClients.get(target.id)!;
    const delta = downloadsOf(db, target.id) - downloadsBefore.get(target.id)!;
    countedTotal += expected;
    counters.push(`  #${target.id} ${target.name} (${target.data.length} bytes): clients downloaded ${expected}, database +${delta}`);
    if (delta !== expected) {
      stats.fail({ check: "counters", detail: `database +${delta}, clients counted ${expected}` }, `CountedDownload #${target.id}`);
    }
  }
  // The audit trail: finished downloads are recorded in the background, so give them a moment.
  const auditDelta = (outcome: string) => (auditCounts(db).get(outcome) ?? 0) - (auditBefore.get(outcome) ?? 0);
  for (let i = 0; i < 100 && auditDelta("completed") < auditExpected.completed; i++) await new Promise((r) => setTimeout(r, 100));
  const audit = { denied: auditDelta("denied"), completed: auditDelta("completed"), other: auditDelta("aborted") + auditDelta("failed") };
  counters.push(
    "audit trail (DownloadEvent):",
    `  denied: ${auditExpected.denied} refusals answered, +${audit.denied} counted; completed: ${auditExpected.completed} bodies sent, +${audit.completed} rows; aborted or failed: +${audit.other}`,
  );
  if (audit.denied !== auditExpected.denied || audit.completed !== auditExpected.completed || audit.other !== 0) {
    stats.fail({ check: "audit", detail: `rows ${JSON.stringify(audit)}, expected ${JSON.stringify({ ...auditExpected, other: 0 })}` }, "DownloadEvent");
  }

  const missing = KINDS.filter((kind) => stats.byKind.get(kind)!.count === 0);
  if (missing.length > 0) stats.fail({ check: "coverage", detail: `no ${missing.join(", ")} request was sent` }, "the mix");

  const serverLines = [
    `server: RSS ${mib(rssBefore)} before the run, ${mib(rssPeak)} peak, ${mib(rssEnd)} at the end; ` +
      `CPU ${serverCpu.toFixed(1)} s (${(serverCpu / elapsed).toFixed(2)} cores); client CPU ${clientCpu.toFixed(1)} s (${(clientCpu / elapsed).toFixed(2)} cores)`,
    `connections: ${warmSockets} opened in the warm-up, ${socketCount - warmSockets} more during the run`,
  ];
  const checks: CheckResult[] = [
    stats.result("coverage", "every kind of request sent", `${KINDS.length} kinds`),
    stats.result("no5xx", "no 5xx answers", `${stats.checked.fiveXx} in ${stats.total} answers`),
    stats.result("statuses", "no network errors or unexpected statuses", `${stats.total} answers`),
    stats.result("bodies", "bodies exact", `${stats.checked.hashed} 200/206 bodies hashed, ${stats.checked.empty} HEAD/304 bodies empty`),
    stats.result("headers", "file headers", "ETag, Content-Length, Content-Range, Content-Disposition"),
    stats.result("denials", "denials carry no file bytes", `${stats.checked.denials} 401/403: generic text under 100 bytes, not in the file, no file headers`),
    stats.result("counters", "download counters exact", `${countedTotal} counted downloads on ${countedTargets.length} files`),
    stats.result("audit", "audit trail exact", `${audit.denied} denials and ${audit.completed} completed downloads recorded`),
  ];
  console.log(report({ clients, seconds: elapsed, base, stats, server: serverLines, counters, checks }));

  const passed = checks.every((c) => c.passed);
  if (!passed) {
    const log = fs.readFileSync(logFile, "utf8").trimEnd().split("\n");
    console.log(`\nlast lines of ${logFile}${keep ? "" : " (SOAK_KEEP=1 keeps it)"}:\n${log.slice(-30).join("\n")}`);
  }
  return passed ? 0 : 1;
}

main()
  .catch((error: unknown) => {
    if (interrupted) return 130; // the server went away because we stopped it
    console.error(`\nsoak failed to run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  })
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  });
