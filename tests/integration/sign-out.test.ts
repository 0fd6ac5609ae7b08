import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { baseUrl, databaseUrl, storageRoot, workDir } from "./support/context";
import { deleteUser, insertSubmission, insertUser, setStaff, writeStored } from "./support/fixtures";
import { eventually } from "./support/process";
import { freePort, serverEnv, startNext, stopServer } from "./support/server";
import { signInAt, type CookieJar } from "./support/sign-in";

// Sessions are JWT cookies. Sign-out (issue 12, item 8) used to clear the browser's cookie
// only: a copy kept working for its 30 days, and the staff flag stayed frozen inside it.
// Now every decode checks the user's sessionVersion and staff flag, cached per process
// for SESSION_CHECK_TTL_MS (1 s on test servers, support/server.ts; 30 s by default,
// never more than 60). Two instances on one database: the one that did not see the
// sign-out must stop honouring the cookie too.

let other: { base: string; child?: ChildProcess };
const emails: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  other = { base: `http://127.0.0.1:${port}` };
  other.child = await startNext(port, serverEnv(port, databaseUrl(), storageRoot()), path.join(workDir(), "server-second.log"));
});

afterAll(async () => {
  if (other?.child) await stopServer(other.child);
  for (const email of emails) await deleteUser(email);
});

async function fixtureUser(email: string): Promise<{ email: string; fileUrl: string }> {
  emails.push(email);
  await insertUser({ email, passwordHash: await hashPassword("its-password") });
  const name = `${email.split("@")[0]}.txt`;
  const stored = await writeStored(`submissions/${name}`, new TextEncoder().encode("mine\n"));
  const id = await insertSubmission({ owner: email, file: stored, fileName: name, fileSize: 5 });
  return { email, fileUrl: `/files/FileSubmission/file/${id}/${name}` };
}

const statusAt = async (base: string, pathname: string, cookie: string) =>
  (await fetch(`${base}${pathname}`, { headers: { Cookie: cookie }, redirect: "manual" })).status;

/** Signs out as the sign-out button does: POST /api/auth/signout with the CSRF token. */
async function signOut(base: string, jar: CookieJar): Promise<void> {
  const csrf = await fetch(`${base}/api/auth/csrf`, { headers: { Cookie: jar.header } });
  jar.store(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/signout`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: jar.header },
    body: new URLSearchParams({ csrfToken, callbackUrl: "/signin" }),
  });
  expect(response.status).toBe(302);
  // next-auth clears the browser's cookie; the copy below is what an attacker kept.
  expect(response.headers.getSetCookie().some((line) => /^next-auth\.session-token=;/.test(line))).toBe(true);
}

describe("sign-out", () => {
  it("ends a copied session cookie on every instance within the cache TTL: 401 on a file and on /api/files", async () => {
    const { email, fileUrl } = await fixtureUser("sign-out@example.com");
    const jar = await signInAt(baseUrl(), email, "its-password");
    const copied = jar.header;
    // Both instances honour it (and have it cached).
    for (const base of [baseUrl(), other.base]) {
      expect(await statusAt(base, fileUrl, copied)).toBe(200);
      expect(await statusAt(base, "/api/files", copied)).toBe(200);
    }

    await signOut(baseUrl(), jar);
    const signedOutAt = Date.now();
    // The instance that signed out forgets at once.
    expect(await statusAt(baseUrl(), fileUrl, copied)).toBe(401);
    expect(await statusAt(baseUrl(), "/api/files", copied)).toBe(401);
    // The other one within its TTL (1 s here; the promise is 60 s).
    const ended = await eventually(async () => (await statusAt(other.base, fileUrl, copied)) === 401 && (await statusAt(other.base, "/api/files", copied)) === 401, 15_000);
    const after = Date.now() - signedOutAt;
    console.log(`copied cookie refused by the other instance ${after} ms after sign-out`);
    expect(ended).toBe(true);
    expect(after).toBeLessThan(60_000);

    // next-auth's own session endpoint (getServerSession's path) agrees, and clears the cookie.
    const session = await fetch(`${other.base}/api/auth/session`, { headers: { Cookie: copied } });
    expect(await session.json()).toEqual({});
    expect(session.headers.getSetCookie().some((line) => /^next-auth\.session-token=;/.test(line))).toBe(true);

    // Signing in again works at once, on both instances (their caches are behind, not the new cookie).
    const again = await signInAt(baseUrl(), email, "its-password");
    expect(await statusAt(other.base, fileUrl, again.header)).toBe(200);
    expect(await statusAt(baseUrl(), fileUrl, again.header)).toBe(200);
    expect(await statusAt(other.base, fileUrl, copied)).toBe(401);
  });
});

describe("a staff change", () => {
  it("takes effect in an existing session within the cache TTL, on every instance", async () => {
    const { email } = await fixtureUser("promoted@example.com");
    const jar = await signInAt(baseUrl(), email, "its-password");
    for (const base of [baseUrl(), other.base]) expect(await statusAt(base, "/staff", jar.header)).toBe(403);

    await setStaff(email, true);
    const both = (status: number) => async () => (await statusAt(baseUrl(), "/staff", jar.header)) === status && (await statusAt(other.base, "/staff", jar.header)) === status;
    expect(await eventually(both(200), 15_000)).toBe(true);

    await setStaff(email, false);
    expect(await eventually(both(403), 15_000)).toBe(true);
  });
});
