import { advisoryLockKey, releaseAdvisoryLock, tryAdvisoryLock, type AdvisoryLockClient, type AdvisoryLockPool } from "../locks/advisory.js";
import { VariantLockTimeoutError } from "./errors.js";

/**
 * Makes concurrent first requests for one variant generate it once: `withLock` runs its
 * task holding the lock named `key`; calls with the same key run one after another
 * (the later ones then find the variant stored and only read it). The default,
 * `inProcessVariantLocker()`, holds within one process; `postgresVariantLocker(pool)`
 * across every instance on one PostgreSQL. Your own fits too (Redis, a lock table).
 */
export interface VariantLocker {
  /**
   * Runs `task` while holding the lock named `key`, and lets go when it settles.
   * @throws {VariantLockTimeoutError} (503) when the lock is not had in time.
   */
  withLock<T>(key: string, task: () => Promise<T>): Promise<T>;
}

/**
 * A {@link VariantLocker} for one process: a queue per key, in memory. Enough for one
 * app instance; several instances each make a variant at most once each (the writes are
 * atomic, so readers never see half a file either way).
 * @returns The locker (the default of `images.locker`).
 * @example
 * ```ts
 * import { inProcessVariantLocker } from "next-private-files";
 *
 * const locker = inProcessVariantLocker();
 * await locker.withLock("images/a.png#thumb", async () => "made once at a time");
 * ```
 */
export function inProcessVariantLocker(): VariantLocker {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
      const before = tails.get(key) ?? Promise.resolve();
      const run = before.then(task, task);
      const tail = run.catch(() => undefined);
      tails.set(key, tail);
      try {
        return await run;
      } finally {
        // The last in line clears the key, so the map holds only keys in use.
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}

/** Options of `postgresVariantLocker`. */
export interface PostgresVariantLockerOptions {
  /**
   * How long a request waits for a variant another instance is making, in ms; then 503.
   * @default 30000
   */
  acquireLockTimeoutMs?: number;
  /**
   * How often a waiting request tries the lock again, in ms.
   * @default 50
   */
  retryMs?: number;
}

/**
 * A {@link VariantLocker} that holds across processes and machines: a PostgreSQL session
 * advisory lock (`pg_try_advisory_lock`) keyed by a 64-bit hash of the variant's key.
 * Within a process requests queue in memory first, so one instance asks PostgreSQL once
 * per variant at a time; the holder keeps one pooled connection while it resizes, and a
 * waiter borrows one only for each try (every `retryMs`), so waiting never ties up the
 * pool. A process that dies loses its connection, and PostgreSQL drops its lock.
 * @param pool - A `pg` Pool (or anything with its `connect()`).
 * @param options - How long to wait, how often to try.
 * @returns The locker, for `definePrivateFiles({ images: { locker } })`.
 * @example
 * ```ts
 * import pg from "pg";
 * import { postgresVariantLocker } from "next-private-files";
 *
 * const locker = postgresVariantLocker(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 * ```
 */
export function postgresVariantLocker(pool: AdvisoryLockPool, options: PostgresVariantLockerOptions = {}): VariantLocker {
  const timeoutMs = options.acquireLockTimeoutMs ?? 30_000;
  const retryMs = options.retryMs ?? 50;
  const local = inProcessVariantLocker();

  const acquire = async (key: string, name: string): Promise<AdvisoryLockClient> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const client = await pool.connect();
      let locked = false;
      try {
        locked = await tryAdvisoryLock(client, key);
      } catch (error) {
        client.release(error instanceof Error ? error : true);
        throw error;
      }
      if (locked) return client;
      client.release();
      if (Date.now() >= deadline) throw new VariantLockTimeoutError(name, timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  };

  return {
    withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
      return local.withLock(name, async () => {
        const key = advisoryLockKey("image-variant", name);
        const client = await acquire(key, name);
        try {
          return await task();
        } finally {
          await releaseAdvisoryLock(client, key);
        }
      });
    },
  };
}
