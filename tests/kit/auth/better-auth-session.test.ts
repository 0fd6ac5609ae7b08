// betterAuthSession against a real Better Auth 1.7 instance: better-sqlite3 on a temporary
// file, its tables made by Better Auth's own migrations, users signed up and signed in
// through its HTTP endpoints (auth.handler), its own signed session cookie.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { intId, withSession, type SessionOf, type UserOf } from "next-private-files";
import { betterAuthSession } from "next-private-files/better-auth";
import { betterAuth, getMigrations, type BetterAuthOptions } from "../support/better-auth";

const baseURL = "http://127.0.0.1:3000";
const password = "correct horse battery staple";

function options(database: Database.Database, session?: BetterAuthOptions["session"]) {
  return {
    baseURL,
    secret: "kit-test-secret-0123456789abcdef0123456789",
    database,
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    // A failing database is logged by Better Auth itself; keep the test output quiet.
    logger: { disabled: true },
    user: { additionalFields: { role: { type: "string", required: false, defaultValue: "member", input: false } } },
    ...(session ? { session } : {}),
  } satisfies BetterAuthOptions;
}

/** A Better Auth instance on a fresh temporary SQLite file, migrated. */
async function makeAuth(session?: BetterAuthOptions["session"]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "npf-better-auth-"));
  const database = new Database(path.join(dir, "auth.db"));
  const config = options(database, session);
  const { runMigrations } = await getMigrations(config);
  await runMigrations();
  const auth = betterAuth(config);
  return { auth, database, remove: () => (database.close(), fs.rmSync(dir, { recursive: true, force: true })) };
}
type Auth = Awaited<ReturnType<typeof makeAuth>>["auth"];

/** A POST to Better Auth's HTTP endpoints, as a browser on the app's origin sends it. */
function post(auth: Auth, endpoint: string, body: unknown, cookie?: string): Promise<Response> {
  return auth.handler(
    new Request(`${baseURL}/api/auth/${endpoint}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: baseURL, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    }),
  );
}

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
function cookieHeader(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

async function signUpAndIn(auth: Auth, email: string): Promise<{ id: string; cookie: string }> {
  const signUp = await post(auth, "sign-up/email", { email, password, name: email.split("@")[0] });
  expect(signUp.status, await signUp.clone().text()).toBe(200);
  const signIn = await post(auth, "sign-in/email", { email, password });
  expect(signIn.status, await signIn.clone().text()).toBe(200);
  const { user } = (await signIn.json()) as { user: { id: string } };
  const cookie = cookieHeader(signIn);
  expect(cookie).toMatch(/^better-auth\.session_token=/);
  return { id: user.id, cookie };
}

/** The session token a cookie carries: `better-auth.session_token=<token>.<signature>`. */
function tokenOf(cookie: string): string {
  const value = decodeURIComponent(cookie.split("; ")[0]!.split("=")[1]!);
  return value.slice(0, value.lastIndexOf("."));
}

/** A date as Better Auth stores it in SQLite: ISO 8601 text. */
const isoDate = (ms: number) => new Date(ms).toISOString();

const download = (cookie?: string) => new Request(`${baseURL}/files/documents/file/1/a.pdf`, { headers: cookie ? { cookie } : {} });

describe("betterAuthSession on a real Better Auth instance", () => {
  let made: Awaited<ReturnType<typeof makeAuth>>;
  let alice: { id: string; cookie: string };

  beforeAll(async () => {
    made = await makeAuth();
    alice = await signUpAndIn(made.auth, "alice@example.test");
  });
  afterAll(() => made?.remove());

  it("resolves the signed-in user's session: Better Auth's user (its id and email, the additional field) and session", async () => {
    const session = await betterAuthSession(made.auth)(download(alice.cookie));
    expect(session?.user).toMatchObject({ id: alice.id, email: "alice@example.test", role: "member" });
    expect(typeof session?.user.id).toBe("string");
    expect(session?.session).toMatchObject({ userId: alice.id });
  });

  it("is anonymous without a cookie", async () => {
    expect(await betterAuthSession(made.auth)(download())).toBeNull();
  });

  it("is anonymous with a forged cookie (the token kept, its signature changed)", async () => {
    // better-auth.session_token=<token>.<HMAC signature, base64, URL-encoded>
    const [name, value] = alice.cookie.split("; ")[0]!.split("=") as [string, string];
    const decoded = decodeURIComponent(value);
    const dot = decoded.lastIndexOf(".");
    const signature = decoded.slice(dot + 1);
    const changed = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
    const forged = `${name}=${encodeURIComponent(decoded.slice(0, dot + 1) + changed)}`;
    expect(forged).not.toBe(alice.cookie.split("; ")[0]);
    expect(await betterAuthSession(made.auth)(download(forged))).toBeNull();
    // The same token with its real signature still signs in: only the signature was wrong.
    expect(await betterAuthSession(made.auth)(download(`${name}=${value}`))).not.toBeNull();
  });

  it("is anonymous when the session expired in the database", async () => {
    const bob = await signUpAndIn(made.auth, "bob@example.test");
    const getSession = betterAuthSession(made.auth);
    expect((await getSession(download(bob.cookie)))?.user.id).toBe(bob.id);
    made.database.prepare("UPDATE session SET expiresAt = ? WHERE token = ?").run(isoDate(Date.now() - 60_000), tokenOf(bob.cookie));
    expect(await getSession(download(bob.cookie))).toBeNull();
  });

  it("is anonymous after signing out (POST /api/auth/sign-out)", async () => {
    const carol = await signUpAndIn(made.auth, "carol@example.test");
    const getSession = betterAuthSession(made.auth);
    expect((await getSession(download(carol.cookie)))?.user.id).toBe(carol.id);
    const signOut = await post(made.auth, "sign-out", {}, carol.cookie);
    expect(signOut.status).toBe(200);
    expect(await getSession(download(carol.cookie))).toBeNull();
  });

  it("never refreshes the session (a download cannot set the cookie): the database expiry stays", async () => {
    const dave = await signUpAndIn(made.auth, "dave@example.test");
    // Older than updateAge (a day by default): getSession would extend it by a week.
    const old = isoDate(Date.now() + 2 * 24 * 60 * 60 * 1000);
    made.database.prepare("UPDATE session SET expiresAt = ? WHERE token = ?").run(old, tokenOf(dave.cookie));
    expect((await betterAuthSession(made.auth)(download(dave.cookie)))?.user.id).toBe(dave.id);
    const row = made.database.prepare("SELECT expiresAt FROM session WHERE token = ?").get(tokenOf(dave.cookie)) as { expiresAt: string };
    expect(row.expiresAt).toBe(old);
  });
});

describe("betterAuthSession when Better Auth itself fails", () => {
  it("rejects when the database is down (the route answers 503), instead of an anonymous null", async () => {
    const made = await makeAuth();
    try {
      const erin = await signUpAndIn(made.auth, "erin@example.test");
      made.database.close();
      await expect(betterAuthSession(made.auth)(download(erin.cookie))).rejects.toThrow();
    } finally {
      made.remove();
    }
  });
});

describe("betterAuthSession with Better Auth's cookie cache", () => {
  it("by default trusts the signed cache cookie (the app's choice); disableCookieCache reads the database", async () => {
    const made = await makeAuth({ cookieCache: { enabled: true, maxAge: 300 } });
    try {
      const frank = await signUpAndIn(made.auth, "frank@example.test");
      expect(frank.cookie).toContain("better-auth.session_data=");
      made.database.prepare("UPDATE session SET expiresAt = ? WHERE token = ?").run(isoDate(Date.now() - 60_000), tokenOf(frank.cookie));
      expect((await betterAuthSession(made.auth)(download(frank.cookie)))?.user.id).toBe(frank.id);
      expect(await betterAuthSession(made.auth, { disableCookieCache: true })(download(frank.cookie))).toBeNull();
    } finally {
      made.remove();
    }
  });
});

describe("betterAuthSession's types", () => {
  it("carries the instance's user type, additional fields included, into a Condition's request.user", async () => {
    const made = await makeAuth();
    try {
      const getSession = betterAuthSession(made.auth);
      type User = SessionOf<typeof getSession>["user"];
      expectTypeOf<User["id"]>().toEqualTypeOf<string>();
      expectTypeOf<User["email"]>().toEqualTypeOf<string>();
      expectTypeOf<User>().toHaveProperty("role");
      expectTypeOf<User["role"]>().toEqualTypeOf<string | null | undefined>();
      // What a condition sees as request.user (UserOf): the field reads without a cast.
      const isStaff = (user: UserOf<SessionOf<typeof getSession>> | null) => user?.role === "staff";
      expectTypeOf(isStaff).parameter(0).toEqualTypeOf<User | null>();
      // And inline, through withSession: the condition's request.user is Better Auth's user.
      withSession(getSession)
        .privateModel({ id: intId, load: async (id: number) => ({ id, file: "a.txt" as string | null }) })
        .fields({
          file: {
            condition: ({ user }) => {
              expectTypeOf(user).toEqualTypeOf<User | null>();
              return user?.role === "staff";
            },
          },
        });
      const user = (await getSession(download((await signUpAndIn(made.auth, "gina@example.test")).cookie)))!.user;
      expect(user.role).toBe("member");
    } finally {
      made.remove();
    }
  });
});
