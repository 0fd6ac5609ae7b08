// next-private-files/authjs proven from the outside: authjs-notes (Auth.js v5 =
// next-auth 5.0.0-beta.32, Prisma 7.10 with the better-sqlite3 driver adapter), installed
// from the packed tarball, built and served on Node 24. Users sign in through Auth.js's
// own endpoints; the file route reads that cookie with authjsSession(authConfig).
import Database from "better-sqlite3";
import { createHash, randomBytes, scryptSync } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { installConsumerApp, removeConsumerApp, startConsumerApp, type ConsumerApp } from "./support/consumer-app";
import type { RunningServer } from "./support/server";
import { Cookies } from "./support/sign-in";

const SECRET = "authjs-notes-consumer-secret-0123456789abcdef";
const PASSWORD = "authjs-notes-password";
const COOKIE = "authjs.session-token";

interface SeededNote {
  id: number;
  bytes: Buffer;
  url: string;
}

let app: ConsumerApp | undefined;
let server: RunningServer | undefined;
let databaseFile: string;
let storageRoot: string;
let engineCalls: string;
let ada: { id: string; email: string; cookies: Cookies; note: SeededNote };
let bo: { id: string; email: string; cookies: Cookies; note: SeededNote };
let testsStart: number | undefined;

/** The app's own copy of Auth.js's JWT module (what its next-auth 5 signs cookies with). */
type Encode = (params: { token: Record<string, unknown>; secret: string; salt: string; maxAge?: number }) => Promise<string>;
let encode: Encode;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The tables (schema.sql), two users, a note with an attachment each. Node 20's better-sqlite3, in this process. */
function seed() {
  const db = new Database(databaseFile);
  try {
    db.exec(fs.readFileSync(path.join(app!.dir, "schema.sql"), "utf8"));
    const user = (name: string) => {
      const id = `user-${randomBytes(6).toString("hex")}`;
      const email = `${name.toLowerCase()}@notes.test`;
      const salt = randomBytes(16);
      const hash = `scrypt:${salt.toString("hex")}:${scryptSync(PASSWORD, salt, 32).toString("hex")}`;
      db.prepare(`INSERT INTO "User" ("id", "email", "name", "passwordHash") VALUES (?, ?, ?, ?)`).run(id, email, name, hash);
      return { id, email };
    };
    const note = (ownerId: string, fileName: string, size: number): SeededNote => {
      const bytes = randomBytes(size);
      const stored = `${ownerId}/${randomBytes(4).toString("hex")}.bin`;
      fs.mkdirSync(path.join(storageRoot, ownerId), { recursive: true });
      fs.writeFileSync(path.join(storageRoot, stored), bytes);
      const { lastInsertRowid } = db
        .prepare(`INSERT INTO "Note" ("title", "ownerId", "attachment", "attachmentName") VALUES (?, ?, ?, ?)`)
        .run(`${fileName} notes`, ownerId, stored, fileName);
      return { id: Number(lastInsertRowid), bytes, url: `/files/Note/attachment/${lastInsertRowid}/${encodeURIComponent(fileName)}` };
    };
    const a = user("Ada");
    const b = user("Bo");
    return { a: { ...a, note: note(a.id, "lecture.pdf", 200_000) }, b: { ...b, note: note(b.id, "sketch.png", 5_000) } };
  } finally {
    db.close();
  }
}

/** Signs in as a browser form does, through Auth.js's endpoints: csrf, then the credentials callback. */
async function signIn(email: string, password: string): Promise<{ cookies: Cookies; status: number }> {
  const cookies = new Cookies();
  const csrf = await fetch(`${server!.base}/api/auth/csrf`);
  cookies.keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const callback = await fetch(`${server!.base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies.header },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: server!.base }),
  });
  cookies.keep(callback);
  return { cookies, status: callback.status };
}

beforeAll(async () => {
  app = await installConsumerApp("authjs-notes");
  databaseFile = path.join(app.work, "data", "notes.db");
  storageRoot = path.join(app.work, "stored-files");
  fs.mkdirSync(path.dirname(databaseFile), { recursive: true });
  // Prisma 7's CLI insists on a native schema engine before any command, and downloads
  // it from binaries.prisma.sh, which this machine cannot reach. `prisma generate` never
  // runs it (the client is made by the CLI's wasm): a stand-in that records any call and
  // fails satisfies the check, and the test below proves it was never called.
  engineCalls = path.join(app.work, "schema-engine-calls.log");
  const standIn = path.join(app.work, "no-schema-engine.sh");
  fs.writeFileSync(standIn, `#!/bin/sh\necho "$@" >> '${engineCalls}'\necho "no schema engine here (see README.md)" >&2\nexit 1\n`, { mode: 0o755 });
  const database = { env: { DATABASE_URL: `file:${databaseFile}`, PRISMA_SCHEMA_ENGINE_BINARY: standIn }, timeoutMs: 120_000 };
  await app.run(app.bin("prisma"), ["generate"], { ...database, phase: "prisma generate" });
  await app.timer.time("tables (schema.sql) + seed", async () => {
    const seeded = seed();
    ada = { ...seeded.a, cookies: new Cookies() };
    bo = { ...seeded.b, cookies: new Cookies() };
  });
  await app.run(app.bin("next"), ["build"], { ...database, phase: "next build" });
  encode = ((await import(pathToFileURL(path.join(app.dir, "node_modules", "@auth", "core", "jwt.js")).href)) as { encode: Encode }).encode;

  server = await startConsumerApp(app, (base) => ({
    DATABASE_URL: `file:${databaseFile}`,
    FILES_ROOT: storageRoot,
    AUTH_URL: base,
    AUTH_SECRET: SECRET,
  }));
  ada.cookies = (await signIn(ada.email, PASSWORD)).cookies;
  bo.cookies = (await signIn(bo.email, PASSWORD)).cookies;
  testsStart = performance.now();
}, 1_500_000);

afterAll(async () => {
  if (testsStart !== undefined) app?.timer.record("HTTP tests", performance.now() - testsStart);
  await removeConsumerApp(app, server);
  // Removing the app's 700 MB of node_modules (Prisma 7 brings its dev tooling) took
  // over a minute once on a loaded machine.
}, 180_000);

function get(url: string, cookie?: string): Promise<Response> {
  return fetch(`${server!.base}${url}`, { redirect: "manual", headers: cookie ? { Cookie: cookie } : {} });
}

const bodyOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());

/** A session cookie as the app's Auth.js writes it, for Ada, expiring `maxAge` seconds from now. */
async function adaToken(maxAge: number, secret = SECRET): Promise<string> {
  return encode({ token: { sub: ada.id, name: "Ada", email: ada.email }, secret, salt: COOKIE, maxAge });
}

describe("authjs-notes: Auth.js v5 + Prisma 7, built from the packed tarball", () => {
  test("next-private-files came from the tarball, with next-auth 5 and Prisma 7 beside it, generated without a schema engine", () => {
    const installed = path.join(app!.dir, "node_modules", "next-private-files");
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed, "dist", "authjs.js"))).toBe(true);
    const version = (name: string) => (JSON.parse(fs.readFileSync(path.join(app!.dir, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
    expect(version("next-auth")).toBe("5.0.0-beta.32");
    expect(version("@auth/core")).toBe("0.41.3");
    expect(version("@prisma/client")).toBe("7.10.0");
    expect(fs.existsSync(path.join(app!.dir, "lib", "generated", "prisma", "client.ts"))).toBe(true);
    expect(fs.existsSync(engineCalls)).toBe(false);
    expect(app!.node.version).toMatch(/^v24\./);
  });

  test("Auth.js's own sign-in set its v5 session cookie, and its /api/auth/session knows the user", async () => {
    expect(ada.cookies.has(COOKIE)).toBe(true);
    expect(ada.cookies.has("next-auth.session-token")).toBe(false);
    const session = (await (await get("/api/auth/session", ada.cookies.header)).json()) as { user?: { id?: string; email?: string } };
    expect(session.user).toMatchObject({ id: ada.id, email: ada.email });
    const wrong = await signIn(ada.email, "not-the-password");
    expect(wrong.cookies.has(COOKIE)).toBe(false);
  });

  test("the owner: 200 with the exact bytes, Content-Length and the file name", async () => {
    const response = await get(ada.note.url, ada.cookies.header);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(ada.note.bytes.length));
    expect(response.headers.get("content-disposition")).toBe("attachment; filename=lecture.pdf");
    expect(sha256(await bodyOf(response))).toBe(sha256(ada.note.bytes));
  });

  test("another signed-in user: 403, no bytes; their own note: 200", async () => {
    const refused = await get(ada.note.url, bo.cookies.header);
    expect(refused.status).toBe(403);
    expect((await bodyOf(refused)).length).toBeLessThan(1_000);
    const own = await get(bo.note.url, bo.cookies.header);
    expect(own.status).toBe(200);
    expect(sha256(await bodyOf(own))).toBe(sha256(bo.note.bytes));
  });

  test("anonymous: 401, no bytes", async () => {
    const response = await get(ada.note.url);
    expect(response.status).toBe(401);
    expect((await bodyOf(response)).length).toBeLessThan(1_000);
  });

  test("an expired session cookie (made with the app's secret) is anonymous: 401; the same made to last is 200", async () => {
    const lasting = await get(ada.note.url, `${COOKIE}=${await adaToken(60)}`);
    expect(lasting.status).toBe(200);
    await bodyOf(lasting);
    const expired = await get(ada.note.url, `${COOKIE}=${await adaToken(-120)}`);
    expect(expired.status).toBe(401);
  });

  test("forged cookies are anonymous: 401 (tampered ciphertext, another secret, next-auth 4's name)", async () => {
    const real = ada.cookies.header.match(new RegExp(`${COOKIE.replace(".", "\\.")}=([^;]+)`))?.[1];
    expect(real).toBeTruthy();
    const parts = real!.split(".");
    parts[3] = (parts[3]![0] === "A" ? "B" : "A") + parts[3]!.slice(1);
    expect((await get(ada.note.url, `${COOKIE}=${parts.join(".")}`)).status).toBe(401);
    expect((await get(ada.note.url, `${COOKIE}=${await adaToken(60, "someone-elses-secret-0123456789abcdef")}`)).status).toBe(401);
    expect((await get(ada.note.url, `next-auth.session-token=${real}`)).status).toBe(401);
  });
});
