import { createHash } from "node:crypto";

// PostgreSQL session advisory locks, as the tus locker and the variant locker take
// them: structural types of the little of `pg` they use (the kit does not import `pg`),
// and the 64-bit key of a name.

/** The little of a `pg` pooled client the lockers use (structural: the kit does not import `pg`). */
export interface AdvisoryLockClient {
  /** Runs one statement. */
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  /** Back to the pool; with an error, the connection is closed (and its locks with it). */
  release(error?: Error | boolean): void;
  /** A LISTEN notification, or the connection's error. */
  on(event: "notification", listener: (message: { channel: string; payload?: string }) => void): unknown;
  /** The connection failed (the locker then drops it). */
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** The little of a `pg` Pool the lockers use. */
export interface AdvisoryLockPool {
  /** A connection of its own, until `release()`. */
  connect(): Promise<AdvisoryLockClient>;
}

/** A signed 64-bit advisory-lock key for a name in a namespace (its sha256's first 8 bytes), as text for `$1::bigint`. */
export function advisoryLockKey(namespace: string, name: string): string {
  return createHash("sha256").update(`${namespace}:${name}`).digest().readBigInt64BE(0).toString();
}

/** Tries the lock once on `client`: true when this session now holds it. */
export async function tryAdvisoryLock(client: AdvisoryLockClient, key: string): Promise<boolean> {
  const { rows } = await client.query("SELECT pg_try_advisory_lock($1::bigint) AS locked", [key]);
  return (rows[0] as { locked?: boolean } | undefined)?.locked === true;
}

/** Lets the lock go and gives the connection back; if that fails, the connection is closed, which drops its locks too. */
export async function releaseAdvisoryLock(client: AdvisoryLockClient, key: string): Promise<void> {
  try {
    await client.query("SELECT pg_advisory_unlock($1::bigint)", [key]);
    client.release();
  } catch (error) {
    client.release(error instanceof Error ? error : true);
  }
}
