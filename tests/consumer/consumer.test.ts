// The kit proven from the outside: `npm pack` of lib/private-files, installed from that
// tarball into a temporary copy of tests/consumer/team-files (an app that is not the
// demo), built and served on Node 24 from the npm registry, then checked over HTTP.
// Every phase is timed and printed; the whole file should stay within a few minutes.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { node24, type NodeDist } from "./support/node24";
import { cleanEnv, PhaseTimer, run } from "./support/run";
import { downloadsOf, PASSWORD, seed, type Seed } from "./support/seed";
import { freePort, processTreeExecutables, startNext, stopNext, type RunningServer } from "./support/server";
import { signIn, type Cookies } from "./support/sign-in";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const kitDir = path.join(repo, "lib", "private-files");
const fixture = path.join(repo, "tests", "consumer", "team-files");
const kitVersion = (JSON.parse(fs.readFileSync(path.join(kitDir, "package.json"), "utf8")) as { version: string }).version;
/** Everything the commands printed, kept after the run (tests/.tmp is git-ignored). */
const log = path.join(repo, "tests", ".tmp", "consumer.log");

const timer = new PhaseTimer();
let work: string; // one temporary folder outside the repository, removed at the end
let app: string;
let storageRoot: string;
let databaseFile: string;
let node: NodeDist;
let server: RunningServer | undefined;
let data: Seed;
let member: Cookies;
let outsider: Cookies;
let testsStart: number | undefined;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The fixture's own files: none of a previous local run's output. */
function copyFixture(to: string): void {
  const skip = new Set(["node_modules", ".next", "next-env.d.ts", "generated"]);
  fs.cpSync(fixture, to, { recursive: true, filter: (source) => !skip.has(path.basename(source)) && !source.endsWith(".tsbuildinfo") });
}

beforeAll(async () => {
  fs.mkdirSync(path.dirname(log), { recursive: true });
  fs.writeFileSync(log, `consumer test ${new Date().toISOString()}\n`);
  // Outside the repository, so that Node's module resolution can never climb up to the
  // workspace's node_modules (where next-private-files is a symlink to lib/private-files).
  work = fs.mkdtempSync(path.join(os.tmpdir(), "npf-consumer-"));
  app = path.join(work, "team-files");
  storageRoot = path.join(work, "stored-files"); // outside the app: FILES_ROOT
  databaseFile = path.join(work, "data", "team-files.db");
  fs.mkdirSync(path.dirname(databaseFile), { recursive: true });

  node = await timer.time("fetch Node 24", () => node24(log));
  const appEnv = cleanEnv(node.bin, { DATABASE_URL: `file:${databaseFile}` });
  const inApp = { cwd: app, env: appEnv, log };

  const packDir = path.join(work, "pack");
  fs.mkdirSync(packDir);
  await timer.time("npm pack (kit build)", () =>
    run("npm", ["pack", "--pack-destination", packDir, "--silent"], { cwd: kitDir, env: cleanEnv(path.dirname(process.execPath)), log, timeoutMs: 300_000 }),
  );
  const tarball = path.join(packDir, `next-private-files-${kitVersion}.tgz`);
  expect(fs.existsSync(tarball), `npm pack made ${tarball}`).toBe(true);

  copyFixture(app);
  // Scripts off here, so that the native build is its own timed phase below.
  await timer.time("npm install", () =>
    run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", tarball], { ...inApp, timeoutMs: 600_000 }),
  );
  // No prebuilt binary can be downloaded here: better-sqlite3 compiles against Node 24's headers.
  await timer.time("native build (better-sqlite3)", () =>
    run("npm", ["rebuild", "better-sqlite3", "--build-from-source", `--nodedir=${node.dir}`], { ...inApp, env: { ...appEnv, JOBS: "2" }, timeoutMs: 900_000 }),
  );
  const bin = (name: string) => path.join(app, "node_modules", ".bin", name);
  await timer.time("prisma generate + migrate", async () => {
    await run(bin("prisma"), ["generate"], { ...inApp, timeoutMs: 120_000 });
    await run(bin("prisma"), ["migrate", "deploy"], { ...inApp, timeoutMs: 120_000 });
  });
  await timer.time("next build", () => run(bin("next"), ["build"], { ...inApp, timeoutMs: 600_000 }));

  data = seed(databaseFile, storageRoot);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  server = await timer.time("next start", () =>
    startNext({
      node: node.node,
      nextBin: path.join(app, "node_modules", "next", "dist", "bin", "next"),
      cwd: app,
      env: { ...appEnv, NODE_ENV: "production", FILES_ROOT: storageRoot, NEXTAUTH_URL: base, NEXTAUTH_SECRET: "consumer-test-secret-0123456789abcdef" },
      log,
      port,
    }),
  );
  member = await signIn(base, data.member.email, PASSWORD);
  outsider = await signIn(base, data.outsider.email, PASSWORD);
  testsStart = performance.now();
}, 1_500_000);

afterAll(async () => {
  if (testsStart !== undefined) timer.record("HTTP tests", performance.now() - testsStart);
  try {
    if (server) await stopNext(server);
  } finally {
    if (work) fs.rmSync(work, { recursive: true, force: true });
    console.log(timer.report());
  }
}, 60_000);

/** A request to the running app, with a session's cookies when given. */
function get(url: string, cookies?: Cookies, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${server!.base}${url}`, {
    redirect: "manual",
    ...init,
    headers: { ...(cookies ? { Cookie: cookies.header } : {}), ...init.headers },
  });
}

const bodyOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());

describe("team-files, built from the packed tarball", () => {
  test("next-private-files came from the tarball: a real directory, not a link to the workspace", () => {
    const installed = path.join(app, "node_modules", "next-private-files");
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.lstatSync(installed).isDirectory()).toBe(true);
    expect(fs.realpathSync(installed).startsWith(app + path.sep)).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as { version: string };
    expect(manifest.version).toBe("0.2.0");
    expect(fs.existsSync(path.join(installed, "dist", "index.js"))).toBe(true);
    expect(path.relative(repo, app).startsWith("..")).toBe(true);
  });

  test("the app was built and served by Node 24", () => {
    expect(node.version).toMatch(/^v24\./);
    const executables = processTreeExecutables(server!.pid);
    expect(executables.length).toBeGreaterThan(0);
    for (const executable of executables) expect(executable).toBe(fs.realpathSync(node.node));
    // better-sqlite3 was compiled for Node 24's ABI, or the server could not have read
    // the database at all (the signed-in requests below need it).
  });

  test("anonymous: 401, no bytes of the file", async () => {
    const response = await get(data.alpha.url);
    expect(response.status).toBe(401);
    const body = await bodyOf(response);
    expect(body.length).toBeLessThan(1_000);
  });

  test("a member of the document's team: 200 with the exact bytes, Content-Length and the file name", async () => {
    const response = await get(data.alpha.url, member);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(data.alpha.bytes.length));
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="Roadmap 2027.pdf"');
    expect(sha256(await bodyOf(response))).toBe(sha256(data.alpha.bytes));
  });

  test("a signed-in user outside the team: 403; the same user gets their own team's document", async () => {
    const refused = await get(data.alpha.url, outsider);
    expect(refused.status).toBe(403);
    expect((await bodyOf(refused)).length).toBeLessThan(1_000);
    const own = await get(data.beta.url, outsider);
    expect(own.status).toBe(200);
    expect(sha256(await bodyOf(own))).toBe(sha256(data.beta.bytes));
    expect((await get(data.beta.url, member)).status).toBe(403);
  });

  test("Range: 206 with exactly the bytes asked for", async () => {
    const response = await get(data.alpha.url, member, { headers: { Range: "bytes=1000-1999" } });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes 1000-1999/${data.alpha.bytes.length}`);
    expect(response.headers.get("content-length")).toBe("1000");
    expect(Buffer.from(await bodyOf(response)).equals(data.alpha.bytes.subarray(1000, 2000))).toBe(true);
  });

  test("If-None-Match with the ETag: 304, no body", async () => {
    const first = await get(data.alpha.url, member, { method: "HEAD" });
    const etag = first.headers.get("etag");
    expect(etag).toBeTruthy();
    const response = await get(data.alpha.url, member, { headers: { "If-None-Match": etag! } });
    expect(response.status).toBe(304);
    expect((await bodyOf(response)).length).toBe(0);
  });

  test("an unsatisfiable range: 416 with the size", async () => {
    const response = await get(data.alpha.url, member, { headers: { Range: `bytes=${data.alpha.bytes.length + 10}-` } });
    expect(response.status).toBe(416);
    expect(response.headers.get("content-range")).toBe(`bytes */${data.alpha.bytes.length}`);
  });

  test("HEAD: the GET's headers, an empty body", async () => {
    const response = await get(data.alpha.url, member, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(data.alpha.bytes.length));
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("etag")).toMatch(/^"/);
    expect((await bodyOf(response)).length).toBe(0);
  });

  test("POST to the file route: 405", async () => {
    const response = await get(data.alpha.url, member, { method: "POST", body: "x" });
    expect(response.status).toBe(405);
  });

  test("the download counter in the database counts GETs exactly, and nothing else", async () => {
    const before = downloadsOf(databaseFile, data.alpha.id);
    const betaBefore = downloadsOf(databaseFile, data.beta.id);
    const etag = (await get(data.alpha.url, member, { method: "HEAD" })).headers.get("etag")!;
    const counted = 3;
    for (let i = 0; i < counted; i++) {
      const response = await get(data.alpha.url, member);
      expect(response.status).toBe(200);
      await bodyOf(response);
    }
    // None of these is a download: HEAD, 304, 416, a refusal, and a resumed range.
    const uncounted: Array<[Cookies | undefined, RequestInit & { headers?: Record<string, string> }, number]> = [
      [member, { method: "HEAD" }, 200],
      [member, { headers: { "If-None-Match": etag } }, 304],
      [member, { headers: { Range: `bytes=${data.alpha.bytes.length}-` } }, 416],
      [member, { headers: { Range: "bytes=5000-5999" } }, 206],
      [outsider, {}, 403],
      [undefined, {}, 401],
    ];
    for (const [cookies, init, status] of uncounted) {
      const response = await get(data.alpha.url, cookies, init);
      expect(response.status).toBe(status);
      await bodyOf(response);
    }
    expect(downloadsOf(databaseFile, data.alpha.id)).toBe(before + counted);
    expect(downloadsOf(databaseFile, data.beta.id)).toBe(betaBefore);
  });
});
