import type { AuthOptions } from "next-auth";
import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { nextAuthSession } from "next-private-files/next-auth";

const secret = "unit-test-secret";

async function requestWith(token: Record<string, unknown>): Promise<Request> {
  const value = await encode({ token, secret });
  return new Request("http://app.test/files/x", { headers: { Cookie: `next-auth.session-token=${value}` } });
}

const options = (callbacks: AuthOptions["callbacks"]): AuthOptions => ({ secret, providers: [], session: { strategy: "jwt" }, callbacks });

describe("nextAuthSession and the jwt callback", () => {
  it("gives the session the callbacks make", async () => {
    const getSession = nextAuthSession(
      options({
        jwt: ({ token }) => ({ ...token, role: "x" }),
        session: ({ session, token }) => ({ ...session, user: { ...session.user, id: String(token.sub), role: token.role } }),
      }),
    );
    expect(await getSession(await requestWith({ sub: "7", name: "Alice" }))).toEqual({ user: { id: "7", name: "Alice", role: "x" } });
  });

  it("is anonymous when the jwt callback returns null (a revoked session), without calling the session callback", async () => {
    let sessionCalls = 0;
    const getSession = nextAuthSession(
      options({
        jwt: () => null as never,
        session: ({ session }) => (sessionCalls++, session),
      }),
    );
    expect(await getSession(await requestWith({ sub: "7", name: "Alice" }))).toBeNull();
    expect(sessionCalls).toBe(0);
  });

  it("is anonymous when the jwt callback returns an empty token", async () => {
    const getSession = nextAuthSession(options({ jwt: () => ({}) }));
    expect(await getSession(await requestWith({ sub: "7" }))).toBeNull();
  });

  it("lets a callback's own error through (the route answers 503), but a cookie that does not decode is anonymous", async () => {
    const getSession = nextAuthSession(
      options({
        jwt: () => {
          throw new Error("database down");
        },
      }),
    );
    await expect(getSession(await requestWith({ sub: "7" }))).rejects.toThrow("database down");
    const forged = new Request("http://app.test/", { headers: { Cookie: "next-auth.session-token=not-a-jwe" } });
    expect(await getSession(forged)).toBeNull();
  });
});
