// Sessions are JWT cookies: nothing on the server ends one, so a copied cookie used to
// outlive sign-out by its whole 30 days, and the staff flag inside it stayed as it was
// at sign-in. Now each token carries the user's sessionVersion from sign-in; sign-out
// raises the number in the database, and every decode (the jwt callback, in
// getServerSession and in the kit's getter) compares. The user's row is cached per
// process for at most SESSION_CHECK_TTL_MS, so a sign-out elsewhere, or a staff change,
// takes effect on every instance within that time.

/** What a session is checked against: the user's row. */
export interface SessionState {
  sessionVersion: number;
  isStaff: boolean;
}

/** Default cache lifetime: well within the promised 60 s. */
export const DEFAULT_SESSION_CHECK_TTL_MS = 30_000;
/** The longest TTL accepted from the environment: sign-out must take effect within 60 s. */
export const MAX_SESSION_CHECK_TTL_MS = 60_000;

/** SESSION_CHECK_TTL_MS: a whole number of ms in [0, 60 000], else the default. */
export function sessionCheckTtl(value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value.trim())) return DEFAULT_SESSION_CHECK_TTL_MS;
  return Math.min(Number(value), MAX_SESSION_CHECK_TTL_MS);
}

interface Entry {
  at: number;
  state: Promise<SessionState | null>;
}

export interface SessionCheckOptions {
  load(userId: number): Promise<SessionState | null>;
  ttlMs: number;
  /** Users kept in the cache; the least recently fetched leave first. */
  maxEntries?: number;
  now?: () => number;
}

export interface SessionCheck {
  /** The user's current state when a token of `version` is still valid, else null. */
  check(userId: number, version: number): Promise<SessionState | null>;
  /** Drops a user from this process's cache (after a sign-out here). */
  forget(userId: number): void;
}

export function createSessionCheck({ load, ttlMs, maxEntries = 10_000, now = Date.now }: SessionCheckOptions): SessionCheck {
  const cache = new Map<number, Entry>();

  function fetch(userId: number): Entry {
    const entry: Entry = { at: now(), state: load(userId) };
    cache.delete(userId);
    cache.set(userId, entry);
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
    // A failed lookup is not cached: the next request asks again.
    entry.state.catch(() => {
      if (cache.get(userId) === entry) cache.delete(userId);
    });
    return entry;
  }

  return {
    async check(userId, version) {
      let entry = cache.get(userId);
      let fresh = false;
      if (!entry || now() - entry.at >= ttlMs) {
        entry = fetch(userId);
        fresh = true;
      }
      let state = await entry.state;
      // A token newer than the cached row (a sign-in right after a sign-out elsewhere):
      // the cache is behind, not the token.
      if (!fresh && state && version > state.sessionVersion) state = await fetch(userId).state;
      return state && state.sessionVersion === version ? state : null;
    },
    forget(userId) {
      cache.delete(userId);
    },
  };
}
