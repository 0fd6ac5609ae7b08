import { prisma } from "../db/prisma";

// Failed sign-ins are counted per account (the normalised email) and per client address,
// in a fixed window, in the database (SignInThrottle), so that every app instance sees
// the same counts. Each attempt is counted before its password is checked, by one atomic
// upsert per key, so that concurrent attempts cannot slip past the limit together; a
// successful one takes its count back.

export interface SignInLimits {
  /** Failed sign-ins per account per window. */
  perAccount: number;
  /** Failed sign-ins per client address per window (an office behind one NAT shares it). */
  perAddress: number;
  windowMs: number;
}

/**
 * Defaults: 10 per account and 50 per address per 15 minutes. SIGN_IN_MAX_PER_ACCOUNT,
 * SIGN_IN_MAX_PER_ADDRESS and SIGN_IN_WINDOW_S override them.
 */
export function signInLimits(env: NodeJS.ProcessEnv = process.env): SignInLimits {
  const positive = (value: string | undefined, fallback: number) => (value && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : fallback);
  return {
    perAccount: positive(env.SIGN_IN_MAX_PER_ACCOUNT, 10),
    perAddress: positive(env.SIGN_IN_MAX_PER_ADDRESS, 50),
    windowMs: positive(env.SIGN_IN_WINDOW_S, 15 * 60) * 1000,
  };
}

export interface Attempt {
  /** Seconds until the caller may try again, when the attempt is over a limit. */
  retryAfter?: number;
  /** Takes this attempt's count back (it succeeded). */
  succeeded(): Promise<void>;
}

interface Counted {
  key: string;
  windowStart: number;
}

export function signInLimiter(limits: SignInLimits = signInLimits()) {
  // Keys known to be over their limit, until when: repeated attempts then cost no
  // database write. Only a shortcut; the database stays the truth across instances.
  const blocked = new Map<string, number>();
  let lastPrune = 0;

  async function count(key: string, now: number): Promise<{ failures: number; windowStart: number }> {
    const expired = now - limits.windowMs;
    const rows = await prisma.$queryRaw<{ failures: number | bigint; windowStart: number | bigint }[]>`
      INSERT INTO "SignInThrottle" ("key", "windowStart", "failures") VALUES (${key}, CAST(${now} AS BIGINT), 1)
      ON CONFLICT ("key") DO UPDATE SET
        "failures" = CASE WHEN "SignInThrottle"."windowStart" <= CAST(${expired} AS BIGINT) THEN 1 ELSE "SignInThrottle"."failures" + 1 END,
        "windowStart" = CASE WHEN "SignInThrottle"."windowStart" <= CAST(${expired} AS BIGINT) THEN CAST(${now} AS BIGINT) ELSE "SignInThrottle"."windowStart" END
      RETURNING "failures", "windowStart"`;
    const row = rows[0]!;
    return { failures: Number(row.failures), windowStart: Number(row.windowStart) };
  }

  /** Drops windows that ended, at most once a minute per process. */
  function prune(now: number): void {
    if (now - lastPrune < 60_000) return;
    lastPrune = now;
    for (const [key, until] of blocked) if (until <= now) blocked.delete(key);
    prisma.$executeRaw`DELETE FROM "SignInThrottle" WHERE "windowStart" <= CAST(${now - limits.windowMs} AS BIGINT)`.catch((error: unknown) =>
      console.warn(`sign-in limiter: prune failed: ${String(error)}`),
    );
  }

  return {
    limits,
    /** Counts one sign-in attempt for an account (null: no email given) and an address (null: unknown). */
    async attempt(account: string | null, address: string | null): Promise<Attempt> {
      const now = Date.now();
      prune(now);
      const keys: [string, number][] = [];
      if (account) keys.push([`account:${account}`, limits.perAccount]);
      if (address) keys.push([`address:${address}`, limits.perAddress]);
      const shortcut = Math.max(0, ...keys.map(([key]) => blocked.get(key) ?? 0));
      if (shortcut > now) return { retryAfter: Math.ceil((shortcut - now) / 1000), succeeded: async () => undefined };

      const counted: Counted[] = [];
      let until = 0;
      for (const [key, limit] of keys) {
        const { failures, windowStart } = await count(key, now);
        counted.push({ key, windowStart });
        if (failures > limit) {
          const end = windowStart + limits.windowMs;
          blocked.set(key, end);
          until = Math.max(until, end);
        }
      }
      return {
        retryAfter: until > now ? Math.max(1, Math.ceil((until - now) / 1000)) : undefined,
        async succeeded() {
          for (const { key, windowStart } of counted) {
            await prisma.$executeRaw`UPDATE "SignInThrottle" SET "failures" = "failures" - 1 WHERE "key" = ${key} AND "windowStart" = CAST(${windowStart} AS BIGINT) AND "failures" > 0`;
          }
        },
      };
    },
  };
}

export type SignInLimiter = ReturnType<typeof signInLimiter>;
