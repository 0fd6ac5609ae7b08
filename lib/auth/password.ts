import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import os from "node:os";
import bcrypt from "bcryptjs";
import { semaphore } from "./semaphore";

// Passwords are hashed with scrypt, which node:crypto runs on libuv's thread pool,
// off the JavaScript thread (bcryptjs, used before, is pure JavaScript: ~85 ms of a
// blocked event loop per check). Stored as "scrypt$N$r$p$salt$hash" (base64), so the
// parameters can be raised later: needsRehash() then upgrades a hash at sign-in.

/** N = 2^15, r = 8, p = 1: 32 MiB and ~100 ms per hash on one core (about bcrypt cost 10's time). */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/**
 * Downloads use the same thread pool (file open, stat, read; 4 threads by default):
 * a flood of sign-ins must not queue them behind hashes. So at most this many hashes
 * run at once, the others wait here (no thread taken): one per core but one, at least
 * one, at most half the pool. PASSWORD_HASH_CONCURRENCY overrides it.
 */
export const HASH_CONCURRENCY =
  Number(process.env.PASSWORD_HASH_CONCURRENCY) ||
  Math.max(1, Math.min(Math.floor((Number(process.env.UV_THREADPOOL_SIZE) || 4) / 2), os.availableParallelism() - 1));

const hashSlot = semaphore(HASH_CONCURRENCY);

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // maxmem: scrypt needs 128·N·r bytes; the default cap (32 MiB) is exactly that at 2^15.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return hashSlot(
    () =>
      new Promise((resolve, reject) =>
        scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))),
      ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

interface ScryptHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

/** A stored scrypt hash, or null when it is not one with sane parameters. */
function parseScrypt(hash: string): ScryptHash | null {
  const parts = hash.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, "base64");
  const key = Buffer.from(parts[5]!, "base64");
  const powerOfTwo = Number.isSafeInteger(N) && N >= 2 ** 10 && N <= 2 ** 20 && (N & (N - 1)) === 0;
  if (!powerOfTwo || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16) || salt.length < 8 || key.length < 16) return null;
  return { N, r, p, salt, key };
}

const isBcrypt = (hash: string) => /^\$2[aby]\$\d\d\$/.test(hash);

/** Whether `password` matches a stored hash: scrypt, or a bcrypt one from before. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parseScrypt(hash);
  if (parsed) {
    const key = await derive(password, parsed.salt, parsed);
    return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  }
  // bcryptjs runs on the event loop; in a slot too, so legacy hashes cannot pile up.
  if (isBcrypt(hash)) return hashSlot(() => bcrypt.compare(password, hash));
  return false;
}

/** Whether a stored hash should be replaced by a fresh one (bcrypt, or older parameters). */
export function needsRehash(hash: string): boolean {
  const parsed = parseScrypt(hash);
  return !parsed || parsed.N !== SCRYPT_PARAMS.N || parsed.r !== SCRYPT_PARAMS.r || parsed.p !== SCRYPT_PARAMS.p;
}

let dummy: Promise<string> | undefined;

/**
 * Checks a password for an email nobody has, against a throwaway hash made with the
 * same parameters, so that an unknown email takes as long as a wrong password.
 * Always false.
 */
export async function verifyNobody(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(16).toString("hex"));
  await verifyPassword(password, await dummy);
  return false;
}
