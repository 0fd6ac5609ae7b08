import type { AnySession, SessionGetter } from "../config/types.js";
import { withStringUserId } from "./user-id.js";

/**
 * What `betterAuthSession` needs of a Better Auth instance (`betterAuth({ ... })`): its
 * server API's `getSession`. Typed by shape, so the kit imports nothing of better-auth;
 * `R` is what your instance's `getSession` resolves to, additional fields and plugins'
 * fields included.
 */
export interface BetterAuthInstance<R> {
  /** Better Auth's server API (`auth.api`). */
  readonly api: {
    /** Reads the session from the request's cookies: `{ user, session }`, or `null`. */
    getSession(context: { headers: Headers; query?: { disableRefresh?: boolean; disableCookieCache?: boolean } }): Promise<R>;
  };
}

/** Options of {@link betterAuthSession}. */
export interface BetterAuthSessionOptions {
  /**
   * `true`: always read the session from the database, even when the app turned on
   * Better Auth's `session.cookieCache`. With the cache, a download trusts the signed
   * `session_data` cookie for up to its `maxAge` (5 minutes by default): a session revoked
   * or expired in the database meanwhile still downloads. Set it for files that must
   * stop at once when a session is revoked; it costs one session-and-user query per
   * download.
   * @default false (the app's own cookieCache setting decides, as for its pages)
   */
  disableCookieCache?: boolean;
}

/** The session `betterAuthSession(auth)` resolves to: `{ user, session }`, typed as the instance's. */
export type BetterAuthSessionOf<A> = A extends BetterAuthInstance<infer R> ? Extract<NonNullable<R>, AnySession> : never;

/**
 * The session getter for Better Auth 1.x: `auth.api.getSession({ headers })`, Better
 * Auth's own check of its signed session cookie against its database (or its cookie
 * cache, when the app enabled one). The session is Better Auth's `{ user, session }`, with
 * the user typed as the instance's, so a condition reads `request.user.role` when the app
 * declared `user.additionalFields.role`.
 *
 * Anonymous (`null`): no cookie, a cookie whose signature does not verify, a session that
 * is expired, signed out or unknown. A failure of Better Auth itself (its database down)
 * rejects, and the route answers 503 rather than a wrong 401.
 *
 * It never refreshes the session (`disableRefresh`): Better Auth extends a session older
 * than `updateAge` by writing a new expiry and setting the cookie again, and a file
 * response carries no Set-Cookie of the getter's. The database expiry alone would outlive
 * the cookie's own `Max-Age`, so refreshing would be a write per download that buys
 * nothing; the app's pages refresh the session as they do without the kit.
 *
 * @example
 * ```ts
 * import { betterAuth } from "better-auth";
 * import Database from "better-sqlite3";
 * import type { SessionOf } from "next-private-files";
 * import { betterAuthSession } from "next-private-files/better-auth";
 *
 * const auth = betterAuth({
 *   database: new Database("app.db"),
 *   emailAndPassword: { enabled: true },
 *   user: { additionalFields: { department: { type: "string", required: false, input: false } } },
 * });
 *
 * // `getSession` in definePrivateFiles: conditions see Better Auth's user, department too.
 * export const getSession = betterAuthSession(auth);
 * export type User = SessionOf<typeof getSession>["user"];
 * const department = (user: User): string | null | undefined => user.department;
 * ```
 */
export function betterAuthSession<A extends BetterAuthInstance<unknown>>(auth: A, options: BetterAuthSessionOptions = {}): SessionGetter<BetterAuthSessionOf<A>> {
  const query = { disableRefresh: true, ...(options.disableCookieCache ? { disableCookieCache: true } : {}) };
  return async (request) => {
    // Better Auth answers null for every anonymous case and throws its APIError for a
    // failure of its own (it logs the cause): that rejection is the route's 503.
    const result = await auth.api.getSession({ headers: request.headers, query });
    return withStringUserId(result, undefined, "Better Auth returned a user without an id") as BetterAuthSessionOf<A> | null;
  };
}

