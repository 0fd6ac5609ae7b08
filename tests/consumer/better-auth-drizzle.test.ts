// The Better Auth adapter proven from the outside: better-auth-drizzle (Better Auth 1.7 on
// its built-in SQLite support, the app's records read with Drizzle), installed from the
// packed tarball, built and served on Node 24. Users sign up and sign in through the
// running app's own Better Auth endpoints; downloads use Better Auth's session cookie
// (betterAuthSession) on /files and an API key (a generic getSession) on /api/files.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { installConsumerApp, removeConsumerApp, startConsumerApp, type ConsumerApp } from "./support/consumer-app";
import { processTreeExecutables, type RunningServer } from "./support/server";

const PASSWORD = "correct horse battery staple";
const SECRET = "consumer-better-auth-secret-0123456789abcdef";

let app: ConsumerApp | undefined;
let server: RunningServer | undefined;
let databaseFile: string;
let storageRoot: string;
let testsStart: number | undefined;

type User = { id: string; cookie: string };
let alice: User;
let bob: User;
/** Alice's document and the bytes of its file. */
const doc = { id: 1, name: "q3-report.bin", bytes: randomBytes(70_000) };
const aliceKey = randomBytes(24).toString("base64url");

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

/** The `name=value` pairs a response sets, as a Cookie header (cleared ones left out). */
function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

/** A POST to the app's Better Auth endpoints, with the Origin a browser on the app sends. */
function authPost(endpoint: string, body: unknown): Promise<Response> {
  return fetch(`${server!.base}/api/auth/${endpoint}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server!.base },
    body: JSON.stringify(body),
  });
}

async function signUpAndIn(email: string): Promise<User> {
  const signUp = await authPost("sign-up/email", { email, password: PASSWORD, name: email.split("@")[0] });
  expect(signUp.status, await signUp.clone().text()).toBe(200);
  const signIn = await authPost("sign-in/email", { email, password: PASSWORD });
  expect(signIn.status, await signIn.clone().text()).toBe(200);
  const { user } = (await signIn.json()) as { user: { id: string } };
  const cookie = cookiesOf(signIn);
  expect(cookie).toMatch(/^better-auth\.session_token=/);
  return { id: user.id, cookie };
}

beforeAll(async () => {
  app = await installConsumerApp("better-auth-drizzle");
  databaseFile = path.join(app.work, "data", "app.db");
  storageRoot = path.join(app.work, "stored-files");
  fs.mkdirSync(path.dirname(databaseFile), { recursive: true });
  fs.mkdirSync(path.join(storageRoot, "documents"), { recursive: true });
  const env = { DATABASE_FILE: databaseFile, FILES_ROOT: storageRoot, BETTER_AUTH_SECRET: SECRET };
  await app.run("node", ["scripts/migrate.mjs"], { env, timeoutMs: 120_000, phase: "migrations (Better Auth + SQL)" });
  await app.run(app.bin("next"), ["build"], { env, phase: "next build" });
  server = await startConsumerApp(app, (base) => ({ ...env, BETTER_AUTH_URL: base }));

  alice = await signUpAndIn("alice@example.test");
  bob = await signUpAndIn("bob@example.test");
  // The app's records: Alice's document and API key, written as the app's own code would.
  fs.writeFileSync(path.join(storageRoot, "documents", doc.name), doc.bytes);
  const sqlite = new Database(databaseFile);
  try {
    sqlite.prepare("INSERT INTO documents (id, owner_id, title, file) VALUES (?, ?, ?, ?)").run(doc.id, alice.id, "Q3 report", `documents/${doc.name}`);
    sqlite.prepare("INSERT INTO api_keys (user_id, key_hash) VALUES (?, ?)").run(alice.id, sha256(aliceKey));
  } finally {
    sqlite.close();
  }
  testsStart = performance.now();
}, 1_500_000);

afterAll(async () => {
  if (testsStart !== undefined) app?.timer.record("HTTP tests", performance.now() - testsStart);
  await removeConsumerApp(app, server);
}, 60_000);

function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server!.base}${url}`, { redirect: "manual", headers });
}
const fileUrl = `/files/documents/file/${doc.id}/${doc.name}`;
const apiUrl = `/api/files/documents/file/${doc.id}/${doc.name}`;
const bodyOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());

describe("better-auth-drizzle, built from the packed tarball", () => {
  test("next-private-files came from the tarball, and Node 24 serves the app", () => {
    const installed = path.join(app!.dir, "node_modules", "next-private-files");
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed, "dist", "better-auth.js"))).toBe(true);
    expect(app!.node.version).toMatch(/^v24\./);
    const executables = processTreeExecutables(server!.pid);
    expect(executables.length).toBeGreaterThan(0);
    for (const executable of executables) expect(executable).toBe(fs.realpathSync(app!.node.node));
  });

  test("the owner, signed in with Better Auth: 200 with the exact bytes", async () => {
    const response = await get(fileUrl, { cookie: alice.cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(doc.bytes.length));
    expect(sha256(await bodyOf(response))).toBe(sha256(doc.bytes));
  });

  test("another signed-in user: 403, no bytes", async () => {
    const response = await get(fileUrl, { cookie: bob.cookie });
    expect(response.status).toBe(403);
    expect((await bodyOf(response)).length).toBeLessThan(1_000);
  });

  test("anonymous: 401", async () => {
    const response = await get(fileUrl);
    expect(response.status).toBe(401);
    expect((await bodyOf(response)).length).toBeLessThan(1_000);
  });

  test("a forged cookie (Alice's token, another signature): 401", async () => {
    const [name, value] = alice.cookie.split("; ")[0]!.split("=") as [string, string];
    const decoded = decodeURIComponent(value);
    const dot = decoded.lastIndexOf(".");
    const forged = decoded.slice(0, dot + 1) + createHash("sha256").update("forged").digest("base64");
    const response = await get(fileUrl, { cookie: `${name}=${encodeURIComponent(forged)}` });
    expect(response.status).toBe(401);
  });

  test("a session expired in the database: 401 (and the owner's other session still 200)", async () => {
    const second = await signUpAndInAgain("alice@example.test");
    expect((await get(fileUrl, { cookie: second })).status).toBe(200);
    const value = decodeURIComponent(second.split("; ")[0]!.split("=")[1]!);
    const token = value.slice(0, value.lastIndexOf("."));
    const sqlite = new Database(databaseFile);
    try {
      const changed = sqlite.prepare("UPDATE session SET expiresAt = ? WHERE token = ?").run(new Date(Date.now() - 60_000).toISOString(), token);
      expect(changed.changes).toBe(1);
    } finally {
      sqlite.close();
    }
    expect((await get(fileUrl, { cookie: second })).status).toBe(401);
    expect((await get(fileUrl, { cookie: alice.cookie })).status).toBe(200);
  });

  test("a script with Alice's API key (Authorization: Bearer, a generic getSession): 200 with the bytes", async () => {
    const response = await get(apiUrl, { authorization: `Bearer ${aliceKey}` });
    expect(response.status).toBe(200);
    expect(sha256(await bodyOf(response))).toBe(sha256(doc.bytes));
  });

  test("a wrong API key: 401; the session cookie does not open the API route", async () => {
    expect((await get(apiUrl, { authorization: `Bearer ${randomBytes(24).toString("base64url")}` })).status).toBe(401);
    expect((await get(apiUrl, { cookie: alice.cookie })).status).toBe(401);
  });
});

/** A second sign-in of an existing user: a session of its own. */
async function signUpAndInAgain(email: string): Promise<string> {
  const signIn = await authPost("sign-in/email", { email, password: PASSWORD });
  expect(signIn.status).toBe(200);
  return cookiesOf(signIn);
}
