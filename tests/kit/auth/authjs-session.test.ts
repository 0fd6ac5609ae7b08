import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import { authjsSession, type AuthjsConfig } from "next-private-files/authjs";
import { nextAuthSession } from "next-private-files/next-auth";
import { Auth } from "../../../lib/private-files/node_modules/@auth/core/index.js";
import { encode, type AuthConfig } from "./support/auth-core-jwt";

// Tokens made by Auth.js itself (@auth/core/jwt's encode, with the cookie name as salt,
// as its session action does), read by the kit's getter.

const secret = "authjs-unit-test-secret-0123456789";
const COOKIE = "authjs.session-token";
const SECURE_COOKIE = "__Secure-authjs.session-token";

/** A token as Auth.js writes it into the cookie `salt` names. */
function token(claims: Record<string, unknown>, options: { salt?: string; secret?: string | string[]; maxAge?: number } = {}): Promise<string> {
  return encode({ token: claims, secret: options.secret ?? secret, salt: options.salt ?? COOKIE, maxAge: options.maxAge });
}

function requestWith(cookie: string | undefined, url = "http://notes.test/files/n/1", headers: Record<string, string> = {}): Request {
  return new Request(url, { headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers } });
}

const saved = { ...process.env };
afterEach(() => {
  for (const name of ["AUTH_URL", "NEXTAUTH_URL", "AUTH_SECRET", "NEXTAUTH_SECRET", "AUTH_SECRET_1", "AUTH_SECRET_2"]) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const config = (callbacks?: AuthjsConfig["callbacks"], more: Partial<AuthjsConfig> = {}): AuthjsConfig => ({ secret, callbacks, ...more });

describe("authjsSession on Auth.js's own tokens", () => {
  it("gives the session the jwt and session callbacks make, with the callback's user.id", async () => {
    const getSession = authjsSession(
      config({
        jwt: ({ token }) => ({ ...token, role: "editor" }),
        session: ({ session, token }) => ({ ...session, user: { ...session.user, id: `user-${String(token.sub)}`, role: token.role } }),
      }),
    );
    const session = await getSession(requestWith(`${COOKIE}=${await token({ sub: "7", name: "Ada", email: "ada@notes.test" })}`));
    expect(session).toMatchObject({ user: { id: "user-7", name: "Ada", email: "ada@notes.test", role: "editor" } });
    expect(typeof (session as { expires?: unknown } | null)?.expires).toBe("string");
  });

  it("without callbacks: user.id is the token's sub, the user Auth.js's default session has", async () => {
    const getSession = authjsSession(config());
    const session = await getSession(requestWith(`${COOKIE}=${await token({ sub: "42", name: "Bo", picture: "https://i.test/b.png" })}`));
    expect(session?.user).toEqual({ id: "42", name: "Bo", email: undefined, image: "https://i.test/b.png" });
  });

  it("is the session Auth.js's own /session endpoint answers for the same cookie", async () => {
    // Typed as Auth.js types them, and taken by the kit's getter as they are.
    const callbacks: NonNullable<AuthConfig["callbacks"]> = {
      jwt: ({ token }) => ({ ...token, plan: "pro" }),
      session: ({ session, token }) => {
        const user = { ...session.user, id: String(token.sub), plan: token.plan };
        return { ...session, user };
      },
    };
    const cookie = `${COOKIE}=${await token({ sub: "9", name: "Cy", email: "cy@notes.test" })}`;
    const authConfig: AuthConfig = { secret, providers: [], basePath: "/api/auth", trustHost: true, callbacks };
    const response = await Auth(new Request("http://notes.test/api/auth/session", { headers: { Cookie: cookie } }), authConfig);
    const fromAuthjs = (await response.json()) as { user: object; expires: string };
    expect(fromAuthjs.user).toEqual({ id: "9", name: "Cy", email: "cy@notes.test", plan: "pro" });
    const ours = await authjsSession(config(callbacks))(requestWith(cookie));
    expect(ours?.user).toEqual(fromAuthjs.user);
  });

  it("is anonymous without a cookie, and with an empty one", async () => {
    const getSession = authjsSession(config());
    expect(await getSession(requestWith(undefined))).toBeNull();
    expect(await getSession(requestWith(`${COOKIE}=`))).toBeNull();
  });

  it("is anonymous with an expired token (past the 15 s of clock tolerance), signed-in 10 s past exp", async () => {
    const getSession = authjsSession(config());
    expect(await getSession(requestWith(`${COOKIE}=${await token({ sub: "7" }, { maxAge: -60 })}`))).toBeNull();
    expect(await getSession(requestWith(`${COOKIE}=${await token({ sub: "7" }, { maxAge: -10 })}`))).toMatchObject({ user: { id: "7" } });
  });

  it("is anonymous with a forged token, another secret's, or one made for another cookie name (salt)", async () => {
    const getSession = authjsSession(config());
    expect(await getSession(requestWith(`${COOKIE}=not-a-jwe`))).toBeNull();
    expect(await getSession(requestWith(`${COOKIE}=${await token({ sub: "7" }, { secret: "some-other-secret-0123456789abcdef" })}`))).toBeNull();
    expect(await getSession(requestWith(`${COOKIE}=${await token({ sub: "7" }, { salt: SECURE_COOKIE })}`))).toBeNull();
    // A well-formed token with one byte of its ciphertext changed.
    const real = await token({ sub: "7" });
    const parts = real.split(".");
    const cipher = parts[3]!;
    parts[3] = (cipher[0] === "A" ? "B" : "A") + cipher.slice(1);
    expect(await getSession(requestWith(`${COOKIE}=${parts.join(".")}`))).toBeNull();
  });

  it("does not read next-auth 4's cookie name, and the next-auth 4 getter does not read Auth.js's", async () => {
    // Decoders that take any value, so that the cookie's name alone decides.
    const authjs = authjsSession(config(undefined, { jwt: { decode: () => ({ sub: "7" }) } }));
    expect(await authjs(requestWith("next-auth.session-token=anything"))).toBeNull();
    expect(await authjs(requestWith(`${COOKIE}=anything`))).toMatchObject({ user: { id: "7" } });
    const v4 = nextAuthSession({ secret, providers: [], jwt: { decode: async () => ({ sub: "7" }) } });
    expect(await v4(requestWith(`${COOKIE}=anything`))).toBeNull();
    expect(await v4(requestWith("next-auth.session-token=anything"))).toMatchObject({ user: { id: "7" } });
    // And with the real decoders: a v4-named cookie holding an Auth.js token.
    expect(await authjsSession(config())(requestWith(`next-auth.session-token=${await token({ sub: "7" }, { salt: "next-auth.session-token" })}`))).toBeNull();
  });

  it("reads the __Secure- cookie (and only it) when AUTH_URL is https, the proxy says https, or useSecureCookies", async () => {
    const secure = `${SECURE_COOKIE}=${await token({ sub: "7" }, { salt: SECURE_COOKIE })}`;
    const plain = `${COOKIE}=${await token({ sub: "7" })}`;
    const getSession = authjsSession(config());
    expect(await getSession(requestWith(secure))).toBeNull(); // http: the plain name
    expect(await getSession(requestWith(secure, "https://notes.test/files/n/1"))).toMatchObject({ user: { id: "7" } });
    expect(await getSession(requestWith(secure, undefined, { "X-Forwarded-Proto": "https" }))).toMatchObject({ user: { id: "7" } });
    process.env.AUTH_URL = "https://notes.test";
    expect(await getSession(requestWith(secure))).toMatchObject({ user: { id: "7" } });
    expect(await getSession(requestWith(plain))).toBeNull();
    delete process.env.AUTH_URL;
    expect(await authjsSession(config(undefined, { useSecureCookies: true }))(requestWith(secure))).toMatchObject({ user: { id: "7" } });
    expect(await authjsSession(config(undefined, { cookies: { sessionToken: { name: "notes.sid" } } }))(requestWith(`notes.sid=${await token({ sub: "8" }, { salt: "notes.sid" })}`))).toMatchObject({ user: { id: "8" } });
  });

  it("joins a chunked cookie (name.0, name.1…, in any order in the header)", async () => {
    const value = await token({ sub: "7", bio: "x".repeat(6_000) });
    const chunks = [value.slice(0, 3_000), value.slice(3_000, 6_000), value.slice(6_000)];
    const header = [`${COOKIE}.2=${chunks[2]}`, `${COOKIE}.0=${chunks[0]}`, `${COOKIE}.1=${chunks[1]}`].join("; ");
    expect(await authjsSession(config())(requestWith(header))).toMatchObject({ user: { id: "7" } });
  });

  it("decodes a token of any secret of a rotation, not one of a secret no longer listed", async () => {
    const old = "the-old-secret-0123456789abcdef";
    const fresh = "the-new-secret-0123456789abcdef";
    const oldToken = `${COOKIE}=${await token({ sub: "old" }, { secret: old })}`;
    const newToken = `${COOKIE}=${await token({ sub: "new" }, { secret: [fresh, old] })}`;
    const rotated = authjsSession(config(undefined, { secret: [fresh, old] }));
    expect(await rotated(requestWith(oldToken))).toMatchObject({ user: { id: "old" } });
    expect(await rotated(requestWith(newToken))).toMatchObject({ user: { id: "new" } });
    expect(await authjsSession(config(undefined, { secret: [fresh] }))(requestWith(oldToken))).toBeNull();
  });

  it("reads AUTH_SECRET when the config has none, and rejects (503) without any secret", async () => {
    const cookie = `${COOKIE}=${await token({ sub: "7" })}`;
    delete process.env.AUTH_SECRET;
    delete process.env.NEXTAUTH_SECRET;
    const getSession = authjsSession({});
    await expect(getSession(requestWith(cookie))).rejects.toThrow("no secret");
    process.env.AUTH_SECRET = secret;
    expect(await getSession(requestWith(cookie))).toMatchObject({ user: { id: "7" } });
  });

  it("is anonymous when the jwt callback returns null (a revoked session), without calling the session callback", async () => {
    let sessionCalls = 0;
    const getSession = authjsSession(config({ jwt: () => null, session: ({ session }) => (sessionCalls++, session) }));
    expect(await getSession(requestWith(`${COOKIE}=${await token({ sub: "7" })}`))).toBeNull();
    expect(sessionCalls).toBe(0);
  });

  it("lets a callback's own error through (the route answers 503)", async () => {
    const cookie = `${COOKIE}=${await token({ sub: "7" })}`;
    const failingJwt = authjsSession(
      config({
        jwt: () => {
          throw new Error("database down");
        },
      }),
    );
    await expect(failingJwt(requestWith(cookie))).rejects.toThrow("database down");
    const failingSession = authjsSession(config({ session: () => Promise.reject(new Error("profile service down")) }));
    await expect(failingSession(requestWith(cookie))).rejects.toThrow("profile service down");
  });

  it("uses a custom jwt.decode, with the cookie name as salt", async () => {
    const seen: unknown[] = [];
    const getSession = authjsSession(config(undefined, { jwt: { decode: (params) => (seen.push(params.salt), params.token === "plain-7" ? { sub: "7" } : null) } }));
    expect(await getSession(requestWith(`${COOKIE}=plain-7`))).toMatchObject({ user: { id: "7" } });
    expect(await getSession(requestWith(`${COOKIE}=plain-8`))).toBeNull();
    expect(seen).toEqual([COOKIE, COOKIE]);
  });
});

describe("authjsSession with database sessions", () => {
  it("refuses at start-up without the app's auth function", () => {
    expect(() => authjsSession(config(undefined, { adapter: {} }))).toThrow("authjsSession(config, { auth })");
    expect(() => authjsSession(config(undefined, { session: { strategy: "database" } }))).toThrow("database sessions");
    // An adapter with JWT sessions (as Credentials needs) is the fast path.
    expect(() => authjsSession(config(undefined, { adapter: {}, session: { strategy: "jwt" } }))).not.toThrow();
  });

  it("calls the app's auth() and hands conditions its session with a string user.id", async () => {
    let calls = 0;
    const getSession = authjsSession(config(undefined, { adapter: {} }), {
      auth: async () => (calls++, { user: { id: 12, name: "Db" }, expires: "2099-01-01T00:00:00.000Z" }),
    });
    expect(await getSession(requestWith(undefined))).toEqual({ user: { id: "12", name: "Db" }, expires: "2099-01-01T00:00:00.000Z" });
    expect(calls).toBe(1);
    expect(await authjsSession(config(undefined, { adapter: {} }), { auth: async () => null })(requestWith(undefined))).toBeNull();
  });
});

describe("authjsSession's types", () => {
  it("takes an Auth.js config object as it is, and the app's session type as a parameter", () => {
    // @auth/core's AuthConfig is what next-auth 5's NextAuthConfig extends.
    expectTypeOf<AuthConfig>().toMatchTypeOf<AuthjsConfig>();
    interface NotesSession {
      user: { id: string; plan: "free" | "pro" };
    }
    const getSession = authjsSession<NotesSession>(config());
    expectTypeOf(getSession).returns.resolves.toEqualTypeOf<NotesSession | null>();
  });
});
