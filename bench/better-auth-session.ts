// `npx tsx bench/better-auth-session.ts`: what betterAuthSession costs per request, in
// process, on a real Better Auth 1.7 instance (better-sqlite3 on a temporary file, its own
// migrations): with the cookie cache off (a session-and-user query each call) and on (the
// signed session_data cookie decoded, no query). No server: the getter alone.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { betterAuthSession } from "next-private-files/better-auth";
// A devDependency of the kit, not of the workspace root (see tests/kit/support/better-auth.ts).
import { betterAuth } from "../lib/private-files/node_modules/better-auth/dist/index.mjs";
import { getMigrations } from "../lib/private-files/node_modules/better-auth/dist/db/get-migration.mjs";

const ROUNDS = Number(process.env.ROUNDS) || 5_000;
const baseURL = "http://127.0.0.1:3000";

async function measure(cookieCache: boolean, disableCookieCache = false): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "npf-bench-better-auth-"));
  const database = new Database(path.join(dir, "auth.db"));
  try {
    const config = {
      baseURL,
      secret: "bench-secret-0123456789abcdef0123456789",
      database,
      emailAndPassword: { enabled: true },
      telemetry: { enabled: false },
      session: { cookieCache: { enabled: cookieCache, maxAge: 300 } },
    };
    await (await getMigrations(config)).runMigrations();
    const auth = betterAuth(config);
    const signUp = await auth.handler(
      new Request(`${baseURL}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: baseURL },
        body: JSON.stringify({ email: "bench@example.test", password: "correct horse battery staple", name: "bench" }),
      }),
    );
    const cookie = signUp.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
    if (cookieCache !== cookie.includes("better-auth.session_data=")) throw new Error(`cookie cache ${cookieCache}, cookies: ${cookie.slice(0, 80)}`);
    const request = new Request(`${baseURL}/files/documents/file/1/a.pdf`, { headers: { cookie } });
    const getSession = betterAuthSession(auth, { disableCookieCache });
    if (!(await getSession(request))) throw new Error("the bench's session did not resolve");
    for (let i = 0; i < 500; i++) await getSession(request);
    const started = process.hrtime.bigint();
    for (let i = 0; i < ROUNDS; i++) await getSession(request);
    return Number(process.hrtime.bigint() - started) / 1000 / ROUNDS;
  } finally {
    database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const off = await measure(false);
  const on = await measure(true);
  const bypassed = await measure(true, true);
  console.log(`betterAuthSession per call (${ROUNDS} rounds, Node ${process.version}):`);
  console.log(`  cookie cache off (database read):        ${off.toFixed(1)} µs`);
  console.log(`  cookie cache on (session_data decoded):   ${on.toFixed(1)} µs`);
  console.log(`  cookie cache on, disableCookieCache:      ${bypassed.toFixed(1)} µs`);
}

void main();
