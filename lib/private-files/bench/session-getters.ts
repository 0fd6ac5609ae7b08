// The session getters' cost per request, in process: what each adapter adds to B1's
// authorized download, next to the next-auth 4 getter B1's kit case runs with. Each
// getter reads a real session made by its real library (a cookie encoded by next-auth 4
// and by @auth/core, a Better Auth instance on an in-memory SQLite database signed up
// through its API), and the bearer-token getter of docs/sessions.md over a Map.
// Run by bench/bench.ts (here, inside the package folder, so that the adapters' libraries
// resolve from its node_modules); prints one JSON line. `ROUNDS=` sets the calls per run.
import { createHash } from "node:crypto";
import { encode as encodeAuthjs } from "@auth/core/jwt";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import Database from "better-sqlite3";
import type { AuthOptions } from "next-auth";
import { encode as encodeNextAuth } from "next-auth/jwt";
import type { SessionGetter } from "next-private-files";
import { authjsSession } from "next-private-files/authjs";
import { betterAuthSession } from "next-private-files/better-auth";
import { nextAuthSession } from "next-private-files/next-auth";

const ROUNDS = Number(process.env.ROUNDS) || 5_000;
const RUNS = 5;
const secret = "bench-secret-0123456789abcdef0123456789";
const url = "http://127.0.0.1/files/x";

/** µs per call of one getter, over ROUNDS calls after a warm-up; throws if it finds no session. */
async function measure(getSession: SessionGetter<{ user: { id: string } }>, request: Request): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) {
    const session = await getSession(request);
    if (!session?.user.id) throw new Error("no session");
  }
  return Number(process.hrtime.bigint() - started) / 1000 / ROUNDS;
}

async function betterAuthCase(cookieCache: boolean) {
  const auth = betterAuth({
    database: new Database(":memory:"),
    secret,
    baseURL: "http://127.0.0.1:3000",
    emailAndPassword: { enabled: true },
    session: cookieCache ? { cookieCache: { enabled: true, maxAge: 300 } } : {},
    telemetry: { enabled: false },
    logger: { disabled: true },
  });
  await (await getMigrations(auth.options)).runMigrations();
  const signedUp = await auth.api.signUpEmail({ body: { email: "bench@example.com", password: "bench-password-1", name: "Bench" }, asResponse: true });
  const cookie = signedUp.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
  return { getSession: betterAuthSession(auth), request: new Request(url, { headers: { cookie } }) };
}

async function main() {
  const callbacks: AuthOptions["callbacks"] = {
    jwt: ({ token }) => token,
    session: ({ session, token }) => ({ ...session, user: { ...session.user, id: token.sub } }),
  };
  const v4Cookie = await encodeNextAuth({ token: { sub: "1", name: "Alice", email: "alice@example.com" }, secret });
  const v5Cookie = await encodeAuthjs({ token: { sub: "1", name: "Alice", email: "alice@example.com" }, secret, salt: "authjs.session-token" });
  const keys = new Map([[createHash("sha256").update("key-1").digest("hex"), "1"]]);
  const bearer: SessionGetter<{ user: { id: string } }> = async (request) => {
    const header = request.headers.get("authorization");
    if (!header?.startsWith("Bearer ")) return null;
    const id = keys.get(createHash("sha256").update(header.slice(7)).digest("hex"));
    return id ? { user: { id } } : null;
  };
  const cases: Record<string, { getSession: SessionGetter<{ user: { id: string } }>; request: Request }> = {
    "next-auth 4": { getSession: nextAuthSession({ secret, providers: [], callbacks }), request: new Request(url, { headers: { cookie: `next-auth.session-token=${v4Cookie}` } }) },
    "Auth.js 5": { getSession: authjsSession({ secret, callbacks: { jwt: ({ token }) => token } }), request: new Request(url, { headers: { cookie: `authjs.session-token=${v5Cookie}` } }) },
    "Better Auth (database)": await betterAuthCase(false),
    "Better Auth (cookie cache)": await betterAuthCase(true),
    "bearer token (own getter)": { getSession: bearer, request: new Request(url, { headers: { authorization: "Bearer key-1" } }) },
  };
  for (const { getSession, request } of Object.values(cases)) for (let i = 0; i < 1000; i++) await getSession(request);
  const runs: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  // Interleaved, so the machine's load falls on every getter alike.
  for (let run = 0; run < RUNS; run++) {
    for (const [name, { getSession, request }] of Object.entries(cases)) runs[name]!.push(await measure(getSession, request));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const micros = Object.fromEntries(Object.entries(runs).map(([name, values]) => [name, median(values)]));
  console.log(JSON.stringify({ rounds: ROUNDS, runs: RUNS, microsPerCall: micros }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
