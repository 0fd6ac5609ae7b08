import { ERRORS, type Lock, type Locker, type RequestRelease } from "@tus/utils";
import { advisoryLockKey, releaseAdvisoryLock, tryAdvisoryLock, type AdvisoryLockClient, type AdvisoryLockPool } from "../locks/advisory.js";

export type { AdvisoryLockClient, AdvisoryLockPool } from "../locks/advisory.js";

/** Options of `postgresAdvisoryLocker`. */
export interface PostgresLockerOptions {
  /** How long a request waits for an upload's lock before it is refused, ms (tus's default). @default 30000 */
  acquireLockTimeoutMs?: number;
  /** How often a waiting request tries the lock again, ms. @default 100 */
  retryMs?: number;
  /** The LISTEN/NOTIFY channel that asks a lock's holder to let go. @default "tus_lock_release" */
  channel?: string;
}

/**
 * A tus `Locker` that holds an upload's lock across processes and machines: a
 * PostgreSQL session advisory lock (`pg_try_advisory_lock`) keyed by a 64-bit hash of
 * the upload id, on a connection taken from `pool` for as long as the lock is held
 * (a request writing bytes holds one connection; size the pool for your concurrent
 * PATCHes). A waiting request asks the holder to let go, as `@tus/server` expects,
 * with `NOTIFY` on `channel`: each process LISTENs on one more connection and calls
 * the holding request's release callback (the holder then ends its PATCH within the
 * route's `lockDrainTimeoutMs`). It retries every `retryMs` until
 * `acquireLockTimeoutMs`, then fails (tus's ERR_LOCK_TIMEOUT, 500). A process that dies
 * loses its connections, and PostgreSQL drops their locks: a client resumes elsewhere.
 * @param pool - A `pg` Pool (or anything with its `connect()`).
 * @param options - Timeouts and the channel.
 * @example
 * ```ts
 * import pg from "pg";
 * import { postgresAdvisoryLocker } from "next-private-files/tus";
 *
 * const locker = postgresAdvisoryLocker(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 * ```
 */
export function postgresAdvisoryLocker(pool: AdvisoryLockPool, options: PostgresLockerOptions = {}): Locker {
  const timeoutMs = options.acquireLockTimeoutMs ?? 30_000;
  const retryMs = options.retryMs ?? 100;
  const channel = options.channel ?? "tus_lock_release";
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new TypeError(`channel must be a plain lower-case identifier, got ${channel}`);
  /** The release callbacks of the locks this process holds, by upload id. */
  const held = new Map<string, RequestRelease>();
  let listening: Promise<void> | undefined;

  /** One connection LISTENs for release requests, for as long as the process runs. */
  const listen = (): Promise<void> => {
    listening ??= (async () => {
      const client = await pool.connect();
      client.on("notification", (message) => {
        if (message.channel !== channel || message.payload === undefined) return;
        void Promise.resolve(held.get(message.payload)?.()).catch(() => undefined);
      });
      client.on("error", () => {
        listening = undefined;
        client.release(true);
      });
      await client.query(`LISTEN ${channel}`);
    })().catch((error: unknown) => {
      listening = undefined;
      throw error;
    });
    return listening;
  };

  return {
    newLock(id: string): Lock {
      const key = lockKey(id);
      let client: AdvisoryLockClient | undefined;
      return {
        async lock(signal, requestRelease) {
          await listen();
          const connection = await pool.connect();
          const deadline = Date.now() + timeoutMs;
          try {
            for (;;) {
              if (await tryAdvisoryLock(connection, key)) break;
              await connection.query("SELECT pg_notify($1, $2)", [channel, id]);
              if (signal.aborted || Date.now() >= deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
              await new Promise((resolve) => setTimeout(resolve, retryMs));
            }
          } catch (error) {
            connection.release();
            throw error;
          }
          client = connection;
          held.set(id, requestRelease);
        },
        async unlock() {
          const connection = client;
          if (!connection) throw new Error("Releasing an unlocked lock!");
          client = undefined;
          held.delete(id);
          await releaseAdvisoryLock(connection, key);
        },
      };
    },
  };
}

/** A signed 64-bit advisory-lock key for an upload id (its sha256's first 8 bytes). */
function lockKey(id: string): string {
  return advisoryLockKey("tus-upload", id);
}
