import { hkdfSync } from "node:crypto";
import { getServerSession, type AuthOptions, type Session as NextAuthSession } from "next-auth";
import type { JWT } from "next-auth/jwt";
import type { Session, SessionGetter } from "../config/types.js";
import { sessionCookieValue } from "./cookies.js";
import { decryptDirJwe } from "./jwe.js";
import { withStringUserId } from "./user-id.js";

/** What a next-auth app sets when no id reaches the session (a database session). */
const NEXT_AUTH_HINT = "set session.user.id in the next-auth session callback";

/**
 * The session getter for next-auth 4 in App Router route handlers. A cookie that does
 * not decode (forged, expired, another secret) is an anonymous request.
 *
 * With JWT sessions (next-auth's default) it reads the session cookie from the request
 * and decodes it itself, then runs the `jwt` and `session` callbacks exactly as
 * `getServerSession` does, so conditions see the same Session. What it skips is the rest
 * of `getServerSession`'s work, which a route cannot use: next-auth's whole request
 * handler (options, CSRF and callback-URL cookies) and re-encrypting the token to extend
 * its expiry (a cookie `getServerSession` cannot set from a route handler anyway).
 * Measured on next-auth 4.24: decode 350 µs, encode 445 µs per request; this getter,
 * with the key derived once and node:crypto's cipher (./jwe.ts), about 25 µs, callbacks
 * included. Database sessions (an `adapter`) keep the library's own path for everything
 * it does; a custom `jwt.decode` is used for decoding.
 *
 * A jwt callback may end a session by returning null (a revocation check): the request
 * is then anonymous. An error thrown by a callback is not swallowed: the route answers
 * 503, as it does when the record lookup fails.
 *
 * Conditions see `user.id` as a string: the session callback's `session.user.id` when
 * it sets one, else the token's `sub` (next-auth puts the user's id there at sign-in).
 * A database session needs the callback to set it (`session.user.id = user.id`);
 * without it the route answers 503 and logs why, rather than guess who is asking.
 *
 * @example
 * ```ts
 * import type { AuthOptions } from "next-auth";
 * import { nextAuthSession } from "next-private-files/next-auth";
 *
 * declare const authOptions: AuthOptions; // your app's, as passed to NextAuth()
 * const getSession = nextAuthSession(authOptions);
 * ```
 */
export function nextAuthSession(authOptions: AuthOptions): SessionGetter {
  if (authOptions.adapter || authOptions.session?.strategy === "database") {
    return async () => withStringUserId(await getServerSession(authOptions), undefined, NEXT_AUTH_HINT) as Session | null;
  }
  const maxAge = authOptions.session?.maxAge ?? 30 * 24 * 60 * 60;
  const callbacks = authOptions.callbacks ?? {};
  const customDecode = authOptions.jwt?.decode;
  let cookieName: string | undefined;

  return async (request) => {
    cookieName ??= sessionCookieName(authOptions);
    const secret = authOptions.jwt?.secret ?? authOptions.secret ?? process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
    // getServerSession refuses to run without a secret ("server configuration" error):
    // the route answers 503 then, so it does here too, rather than a quiet 401.
    if (!secret) throw new Error("next-auth has no secret (NEXTAUTH_SECRET)");
    const value = sessionCookieValue(request.headers.get("cookie"), cookieName);
    if (!value) return null;
    let decoded: JWT | null;
    try {
      decoded = customDecode ? await customDecode({ token: value, secret }) : await decodeSessionToken(value, secret);
    } catch {
      return null;
    }
    if (!decoded) return null;
    // The callbacks' own failures (a database lookup in the jwt callback, say) are not
    // "anonymous": they propagate, and the route answers 503 instead of a wrong 401.
    const token = callbacks.jwt ? await callbacks.jwt({ token: decoded, session: undefined } as Parameters<NonNullable<typeof callbacks.jwt>>[0]) : decoded;
    // A jwt callback that returns null (or an empty token) ends the session: a revoked
    // or signed-out one. next-auth 4 itself would hand that null to the session callback.
    if (!token || typeof token !== "object" || Object.keys(token).length === 0) return null;
    // What next-auth hands the session callback (an app may augment Session["user"];
    // its callback adds those fields, as the demo's adds id and isStaff).
    const fresh = {
      user: { name: decoded.name, email: decoded.email, image: decoded.picture },
      expires: new Date(Date.now() + maxAge * 1000).toISOString(),
    } as NextAuthSession;
    const session = callbacks.session
      ? await callbacks.session({ session: fresh, token } as Parameters<NonNullable<typeof callbacks.session>>[0])
      : fresh;
    if (!session || typeof session !== "object" || Object.keys(session).length === 0) return null;
    // As getServerSession answers a server component or route handler: no `expires`.
    const { expires: _expires, ...withoutExpiry } = session as NextAuthSession;
    return withStringUserId(withoutExpiry, typeof token.sub === "string" ? token.sub : undefined, NEXT_AUTH_HINT) as Session | null;
  };
}

/** next-auth's cookie name: `authOptions.cookies`, else `__Secure-` when the site's URL is https. */
function sessionCookieName(authOptions: AuthOptions): string {
  const configured = authOptions.cookies?.sessionToken?.name;
  if (configured) return configured;
  const secure = authOptions.useSecureCookies ?? siteUrl()?.startsWith("https://") ?? false;
  return `${secure ? "__Secure-" : ""}next-auth.session-token`;
}

/** The URL next-auth derives its cookie names from (utils/detect-origin and parse-url). */
function siteUrl(): string | undefined {
  const url = process.env.NEXTAUTH_URL;
  if (!url) return undefined;
  return url.startsWith("http") ? url : `https://${url}`;
}

const keys = new Map<string, Uint8Array>();

/**
 * next-auth/jwt's `decode` (a JWE, `dir` + `A256GCM`, with 15 s of clock tolerance), with
 * the HKDF-derived key computed once per secret instead of on every request, and the
 * cipher run synchronously (jwe.ts says why).
 */
async function decodeSessionToken(token: string, secret: string): Promise<JWT> {
  let key = keys.get(secret);
  if (!key) {
    key = new Uint8Array(hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32));
    keys.set(secret, key);
  }
  return decryptDirJwe(token, ["A256GCM"], () => key, 15) as JWT;
}
