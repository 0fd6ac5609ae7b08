// Sessions are JWT cookies: nothing on the server ends one, so a copied cookie used to
// outlive sign-out by its whole 30 days, and the staff flag inside it stayed as it was
// at sign-in. Now each token carries the user's sessionVersion from sign-in; sign-out
// raises the number in the database, and every decode (the jwt callback, in
// getServerSession and in the kit's getter) compares. The user's row is cached per
// process for at most SESSION_CHECK_TTL_MS, so a sign-out elsewhere, or a staff change,
// takes effect on every instance within that time. While the database is down, a row
// fetched less than 60 s ago stands in (so the promise holds), older ones do not.

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
  /**
   * When a lookup fails (the database is down), a row fetched less than this long ago
   * is used instead; older, the error propagates (the file route answers 503). At most
   * MAX_SESSION_CHECK_TTL_MS, so a sign-out still takes effect within 60 s.
   */
  maxStaleMs?: number;
  now?: () => number;
}

export interface SessionCheck {
  /** The user's current state when a token of `version` is still valid, else null. */
  check(userId: number, version: number): Promise<SessionState | null>;
  /** Drops a user from this process's cache (after a sign-out here). */
  forget(userId: number): void;
}

export function createSessionCheck({ load, ttlMs, maxEntries = 10_000, maxStaleMs = MAX_SESSION_CHECK_TTL_MS, now = Date.now }: SessionCheckOptions): SessionCheck {
  const cache = new Map<number, Entry>();
  // The last row each lookup actually returned, and when it was asked for.
  const known = new Map<number, { at: number; state: SessionState | null }>();
  const staleLimit = Math.min(maxStaleMs, MAX_SESSION_CHECK_TTL_MS);

  function fetch(userId: number): Entry {
    const at = now();
    const entry: Entry = {
      at,
      state: load(userId).then(
        (state) => {
          known.delete(userId);
          known.set(userId, { at, state });
          if (known.size > maxEntries) known.delete(known.keys().next().value!);
          return state;
        },
        (error: unknown) => {
          // Not cached, whichever way it goes: the next request asks again.
          if (cache.get(userId) === entry) cache.delete(userId);
          const last = known.get(userId);
          if (last && now() - last.at < staleLimit) return last.state;
          throw error;
        },
      ),
    };
    cache.delete(userId);
    cache.set(userId, entry);
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
    // (a rejection is handled by whoever awaits the entry)
    entry.state.catch(() => undefined);
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
      known.delete(userId);
    },
  };
}
