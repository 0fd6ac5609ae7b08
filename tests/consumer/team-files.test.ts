// The kit proven from the outside: team-files (next-auth 4, Prisma 6.19, SQLite), an app
// that is not the demo, installed from the packed tarball (the project's global setup
// packs it once), built and served on Node 24, then checked over HTTP. Every phase is
// timed and printed.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { decode, encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { installConsumerApp, removeConsumerApp, startConsumerApp, type ConsumerApp } from "./support/consumer-app";
import { downloadsOf, PASSWORD, seed, type Seed } from "./support/seed";
import { processTreeExecutables, type RunningServer } from "./support/server";
import { signIn, type Cookies } from "./support/sign-in";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

let app: ConsumerApp | undefined;
let storageRoot: string;
let databaseFile: string;
let server: RunningServer | undefined;
let data: Seed;
let member: Cookies;
let outsider: Cookies;
let testsStart: number | undefined;

const SECRET = "consumer-test-secret-0123456789abcdef";
const SESSION_COOKIE = "next-auth.session-token";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

beforeAll(async () => {
  app = await installConsumerApp("team-files");
  storageRoot = path.join(app.work, "stored-files"); // outside the app: FILES_ROOT
  databaseFile = path.join(app.work, "data", "team-files.db");
  fs.mkdirSync(path.dirname(databaseFile), { recursive: true });
  const database = { env: { DATABASE_URL: `file:${databaseFile}` }, timeoutMs: 120_000 };
  await app.run(app.bin("prisma"), ["generate"], { ...database, phase: "prisma generate" });
  await app.run(app.bin("prisma"), ["migrate", "deploy"], { ...database, phase: "prisma migrate deploy" });
  await app.run(app.bin("next"), ["build"], { ...database, phase: "next build" });

  data = seed(databaseFile, storageRoot);
  server = await startConsumerApp(app, (base) => ({
    DATABASE_URL: `file:${databaseFile}`,
    FILES_ROOT: storageRoot,
    NEXTAUTH_URL: base,
    NEXTAUTH_SECRET: SECRET,
  }));
  member = await signIn(server.base, data.member.email, PASSWORD);
  outsider = await signIn(server.base, data.outsider.email, PASSWORD);
  testsStart = performance.now();
}, 1_500_000);

afterAll(async () => {
  if (testsStart !== undefined) app?.timer.record("HTTP tests", performance.now() - testsStart);
  await removeConsumerApp(app, server);
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
    const installed = path.join(app!.dir, "node_modules", "next-private-files");
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.lstatSync(installed).isDirectory()).toBe(true);
    expect(fs.realpathSync(installed).startsWith(app!.dir + path.sep)).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as { version: string };
    expect(manifest.version).toBe(app!.kitVersion);
    expect(fs.existsSync(path.join(installed, "dist", "index.js"))).toBe(true);
    expect(path.relative(repo, app!.dir).startsWith("..")).toBe(true);
  });

  test("the app was built and served by Node 24", () => {
    expect(app!.node.version).toMatch(/^v24\./);
    const executables = processTreeExecutables(server!.pid);
    expect(executables.length).toBeGreaterThan(0);
    for (const executable of executables) expect(executable).toBe(fs.realpathSync(app!.node.node));
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

  test("an expired or forged session cookie is anonymous: 401, while the same session made to last gets 200", async () => {
    // The member's real cookie, issued by next-auth's sign-in, re-encoded with next-auth's own
    // encode (next-auth 4 from the workspace) and the app's secret: once valid, once expired.
    const real = new URLSearchParams(member.header.replaceAll("; ", "&")).get(SESSION_COOKIE)!;
    const token = (await decode({ token: real, secret: SECRET }))!;
    expect(token.sub).toBeTruthy();
    const { exp: _exp, iat: _iat, jti: _jti, ...claims } = token;
    const lasting = await encode({ token: claims, secret: SECRET, maxAge: 3600 });
    const expired = await encode({ token: claims, secret: SECRET, maxAge: -3600 });
    const withCookie = (value: string) => ({ header: `${SESSION_COOKIE}=${value}` }) as Cookies;
    expect((await get(data.alpha.url, withCookie(lasting))).status).toBe(200);
    expect((await get(data.alpha.url, withCookie(expired))).status).toBe(401);
    // One character of the ciphertext changed; and a cookie sealed with another secret.
    const at = Math.floor(real.length / 2);
    const tampered = `${real.slice(0, at)}${real[at] === "A" ? "B" : "A"}${real.slice(at + 1)}`;
    const otherSecret = await encode({ token: claims, secret: "another-secret-0123456789abcdef0123", maxAge: 3600 });
    expect((await get(data.alpha.url, withCookie(tampered))).status).toBe(401);
    expect((await get(data.alpha.url, withCookie(otherSecret))).status).toBe(401);
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
