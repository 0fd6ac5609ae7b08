import { hkdfSync } from "node:crypto";
import type { AnySession, Session, SessionGetter } from "../config/types.js";
import { sessionCookieValue } from "./cookies.js";
import { decryptDirJwe, octKeyThumbprint, type ContentEncryption } from "./jwe.js";
import { withStringUserId } from "./user-id.js";

/** What an Auth.js app sets when no id reaches the session (a database session). */
const AUTHJS_HINT = "set session.user.id in the Auth.js session callback";

/** An Auth.js token: the decoded session cookie, with the app's own claims. */
export type AuthjsToken = Record<string, unknown> & { sub?: string; name?: string | null; email?: string | null; picture?: string | null };

/**
 * The fields of an Auth.js v5 configuration (`NextAuthConfig`, as passed to `NextAuth()`)
 * that `authjsSession` reads: your config object is assignable to it as it is. Typed here
 * by shape, so that the kit needs no `next-auth` v5 installed (nor its types).
 */
export interface AuthjsConfig {
  /** A secret, or several for rotation (the first one signs, all decode). Default: `AUTH_SECRET`. */
  secret?: string | string[];
  /** `strategy` (jwt, or database with an adapter) and `maxAge` (seconds, for `expires`). */
  session?: { strategy?: "jwt" | "database"; maxAge?: number };
  /** A session cookie name of your own; else Auth.js's default names. */
  cookies?: { sessionToken?: { name?: string } };
  /** Forces the `__Secure-` cookie name on (or off); else https decides. */
  useSecureCookies?: boolean;
  /** Present with a database adapter: database sessions unless `session.strategy` is "jwt". */
  adapter?: unknown;
  /** A custom `decode`, used instead of Auth.js's (called as Auth.js calls it). */
  jwt?: {
    // Method syntax on purpose: an app's callback, typed with Auth.js's own (wider)
    // parameter types, stays assignable.
    decode?(params: { token?: string; secret: string | string[]; salt: string; maxAge: number }): unknown;
  };
  /** Your `jwt` and `session` callbacks, run on each request as `auth()` runs them. */
  callbacks?: {
    jwt?(params: { token: AuthjsToken; session?: unknown }): unknown;
    session?(params: { session: { user: { name?: string | null; email?: string | null; image?: string | null }; expires: string }; token: AuthjsToken }): unknown;
  };
}

/** Options of `authjsSession`. */
export interface AuthjsSessionOptions {
  /**
   * The app's `auth` from `NextAuth(config)`: needed for database sessions only, where
   * the session lives in the database and only Auth.js's adapter can read it.
   * Unset: database sessions throw at start-up; JWT sessions never call it.
   */
  auth?: () => Promise<unknown>;
}

/**
 * The session getter for Auth.js v5 (`next-auth@5`, on `@auth/core`) in App Router route
 * handlers. A cookie that does not decode (forged, expired, another secret) is an
 * anonymous request.
 *
 * With JWT sessions (the default without an adapter) it reads the session cookie itself
 * (`authjs.session-token`, or `__Secure-authjs.session-token` on https, or chunks of it),
 * decodes it as `@auth/core/jwt` does (a JWE, `dir` + `A256CBC-HS512`, the key derived by
 * HKDF with the cookie name as salt, 15 s of clock tolerance, every secret of a rotation
 * tried), with the keys derived once per secret instead of on every request, then runs
 * your `jwt` and `session` callbacks as `auth()` does. It skips what a route cannot use:
 * Auth.js's request handling and re-encrypting the token to extend its expiry.
 *
 * The `__Secure-` name is used when `useSecureCookies` says so, else when `AUTH_URL`
 * (or `NEXTAUTH_URL`) is https, else when the request came over https
 * (`X-Forwarded-Proto`, then its URL), as Auth.js decides. The secret is `config.secret`,
 * else `AUTH_SECRET` (or `NEXTAUTH_SECRET`), else `AUTH_SECRET_1`…`_3`, as next-auth 5 reads
 * them; none at all rejects (the route answers 503), as Auth.js refuses to run.
 *
 * Database sessions (an `adapter` without `session: { strategy: "jwt" }`) have no token
 * to decode: pass your `auth` function, `authjsSession(config, { auth })`, and each
 * request calls it: Auth.js's full path, a database query per download. Without it the
 * call throws at start-up rather than treat every request as anonymous.
 *
 * A jwt callback may end a session by returning null (a revocation check): the request
 * is then anonymous; so it is when the session callback returns null. An error thrown by
 * a callback is not swallowed (Auth.js would log it and answer "signed out"): the route
 * answers 503, as it does when the record lookup fails.
 *
 * Conditions see `user.id` as a string: the session callback's `session.user.id` when
 * it sets one, else the token's `sub` (Auth.js puts the user's id there at sign-in).
 *
 * The session type is yours: Auth.js apps augment their own `Session`; pass it as the
 * type parameter, `authjsSession<MySession>(config)`, and conditions and hooks see it.
 * It defaults to the kit's `Session`.
 *
 * @example
 * ```ts
 * import { authjsSession, type AuthjsConfig } from "next-private-files/authjs";
 *
 * declare const authConfig: AuthjsConfig; // yours: the NextAuthConfig you pass to NextAuth()
 * interface NotesSession {
 *   user: { id: string; role: "admin" | "member" };
 * }
 * const getSession = authjsSession<NotesSession>(authConfig);
 * ```
 */
export function authjsSession<S extends AnySession = Session>(config: AuthjsConfig, options: AuthjsSessionOptions = {}): SessionGetter<S> {
  // Auth.js's rule: an adapter means database sessions unless the strategy says "jwt".
  const strategy = config.session?.strategy ?? (config.adapter ? "database" : "jwt");
  if (strategy === "database") {
    const { auth } = options;
    if (!auth) {
      throw new Error(
        'authjsSession: this config uses database sessions (an adapter without session.strategy "jwt"): ' +
          "pass your auth function from NextAuth(config): authjsSession(config, { auth })",
      );
    }
    return async () => withStringUserId(await auth(), undefined, AUTHJS_HINT) as S | null;
  }
  const maxAge = config.session?.maxAge ?? 30 * 24 * 60 * 60;

  return async (request) => {
    const cookieName = sessionCookieName(config, request);
    const secret = configuredSecret(config);
    if (secret.length === 0) throw new Error("Auth.js has no secret (AUTH_SECRET)");
    const value = sessionCookieValue(request.headers.get("cookie"), cookieName);
    if (!value) return null;
    let decoded: unknown;
    try {
      const customDecode = config.jwt?.decode;
      decoded = customDecode
        ? await customDecode.call(config.jwt, { token: value, secret, salt: cookieName, maxAge })
        : await decodeSessionToken(value, typeof secret === "string" ? [secret] : secret, cookieName);
    } catch {
      return null;
    }
    if (!decoded || typeof decoded !== "object") return null;
    const { callbacks = {} } = config;
    // The callbacks' own failures (a database lookup in the jwt callback, say) are not
    // "anonymous": they propagate, and the route answers 503 instead of a wrong 401.
    const token = (callbacks.jwt ? await callbacks.jwt({ token: decoded as AuthjsToken, session: undefined }) : decoded) as AuthjsToken | null | undefined;
    // null ends the session (a revoked or signed-out one), as in Auth.js.
    if (!token || typeof token !== "object") return null;
    // What Auth.js hands the session callback; auth() then puts the token under `user`
    // when the callback's answer has no user of its own.
    const fresh = {
      user: { name: token.name, email: token.email, image: token.picture },
      expires: new Date(Date.now() + maxAge * 1000).toISOString(),
    };
    const session = callbacks.session ? await callbacks.session({ session: fresh, token }) : fresh;
    if (!session || typeof session !== "object") return null;
    return withStringUserId({ user: token, ...session }, typeof token.sub === "string" ? token.sub : undefined, AUTHJS_HINT) as S | null;
  };
}

/** The secret(s) as next-auth 5 settles them (its setEnvDefaults, then @auth/core's). */
function configuredSecret(config: AuthjsConfig): string | string[] {
  const env = process.env;
  const secret = config.secret ?? env.AUTH_SECRET ?? env.NEXTAUTH_SECRET;
  if (secret?.length) return secret;
  return [env.AUTH_SECRET_3, env.AUTH_SECRET_2, env.AUTH_SECRET_1].filter((value): value is string => !!value);
}

/** The session cookie's name: `config.cookies`, else `__Secure-` when the site is https. */
function sessionCookieName(config: AuthjsConfig, request: Request): string {
  const configured = config.cookies?.sessionToken?.name;
  if (configured) return configured;
  const secure = config.useSecureCookies ?? siteProtocol(request) === "https:";
  return `${secure ? "__Secure-" : ""}authjs.session-token`;
}

/** The protocol Auth.js's auth() sees: AUTH_URL's, else the proxy's header, else the request's. */
function siteProtocol(request: Request): string {
  const url = process.env.AUTH_URL ?? process.env.NEXTAUTH_URL;
  if (url) {
    try {
      return new URL(url).protocol;
    } catch {
      // an unparsable AUTH_URL: Auth.js falls back to the request too
    }
  }
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if (forwarded) return forwarded.endsWith(":") ? forwarded : `${forwarded}:`;
  return new URL(request.url).protocol;
}

interface DerivedKey {
  key: Uint8Array;
  thumbprint: string;
}

const keys = new Map<string, DerivedKey>();

/** @auth/core/jwt's key for one secret, salt and encryption, derived once. */
function derivedKey(enc: ContentEncryption, secret: string, salt: string): DerivedKey {
  const id = `${enc}\u0000${salt}\u0000${secret}`;
  let derived = keys.get(id);
  if (!derived) {
    const key = new Uint8Array(hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, enc === "A256CBC-HS512" ? 64 : 32));
    derived = { key, thumbprint: octKeyThumbprint(key, enc === "A256CBC-HS512" ? "sha512" : "sha256") };
    keys.set(id, derived);
  }
  return derived;
}

/**
 * `@auth/core/jwt`'s `decode`: the key whose thumbprint is the header's `kid` among the
 * secrets (the first secret's when the token has no `kid`), 15 s of clock tolerance; the
 * cipher runs synchronously (jwe.ts says why).
 */
async function decodeSessionToken(token: string, secrets: readonly string[], salt: string): Promise<AuthjsToken> {
  return decryptDirJwe(
    token,
    ["A256CBC-HS512", "A256GCM"],
    ({ kid, enc }) => {
      for (const secret of secrets) {
        const { key, thumbprint } = derivedKey(enc, secret, salt);
        if (kid === undefined || kid === thumbprint) return key;
      }
      return undefined;
    },
    15,
  ) as AuthjsToken;
}
