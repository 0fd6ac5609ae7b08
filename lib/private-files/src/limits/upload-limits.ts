import { QuotaExceededError, TooManyUploadsError, UploadLimitsUnavailableError } from "../upload/errors.js";
import { memoryPendingUploads } from "../upload/pending/memory.js";
import type { PendingUploadStore } from "../upload/pending/types.js";

/**
 * Where the uploads of every app instance hold their places: a table all instances
 * share (never process memory), so a per-user limit holds across instances. Each slot
 * has an expiry, renewed while its upload makes progress, so an instance that crashed
 * mid-upload frees its slots once they expire.
 */
export interface UploadSlotStore {
  /**
   * Takes a slot for `user` if fewer than `limit` unexpired slots are held; returns its
   * id, or `null` when all are taken. Must be atomic across instances: counting then
   * inserting in two steps lets two uploads both take the last slot (on PostgreSQL,
   * lock the user's row or an advisory lock in the same transaction). Slots expired at
   * `now` never count, and may be deleted here.
   */
  acquire(user: string, options: { readonly limit: number; readonly now: Date; readonly expiresAt: Date }): Promise<string | null>;
  /** Moves a held slot's expiry (its upload is still making progress). */
  renew(id: string, expiresAt: Date): Promise<void>;
  /** Frees a slot; an unknown or expired one is not an error. */
  release(id: string): Promise<void>;
}

/**
 * How many bytes `user` stores now, across everything the quota covers (the demo:
 * the sizes of the user's FileSubmission rows). Read when an upload starts, to cap it.
 */
export type QuotaSource = (user: string) => Promise<number>;

/**
 * Per-user limits on uploads (the `uploads` option of `definePrivateFiles`), enforced by
 * `storeUpload` for the `user` it is given. Each limit needs its store, checked at start-up.
 * @example
 * ```ts
 * import type { UploadLimitsOptions, UploadSlotStore } from "next-private-files";
 *
 * declare const prisma: { fileSubmission: { aggregate(args: { where: { ownerId: number }; _sum: { size: true } }): Promise<{ _sum: { size: number | null } }> } };
 * declare const slots: UploadSlotStore; // a table every app instance shares
 *
 * const uploads: UploadLimitsOptions = {
 *   quotaBytes: 1024 ** 3, // 1 GiB per user
 *   usedBytes: async (user) =>
 *     (await prisma.fileSubmission.aggregate({ where: { ownerId: Number(user) }, _sum: { size: true } }))._sum.size ?? 0,
 *   maxConcurrent: 4,
 *   slots,
 * };
 * ```
 */
export interface UploadLimitsOptions {
  /**
   * Largest total a user may store, in bytes. An upload's limit is the smaller of its
   * field's `maxUploadBytes` and what is left of the quota, enforced while streaming:
   * going over stops it at once with `QuotaExceededError` (413), nothing kept. Needs
   * `usedBytes`. Uploads that run at the same time are each capped by what was left
   * when they started, so check again when writing the record (`assertWithinQuota`,
   * in the transaction that inserts it).
   * Unset: no quota.
   */
  quotaBytes?: number;
  /**
   * What a user stores now; required with `quotaBytes` (without it, `definePrivateFiles`
   * throws a TypeError). A failing one refuses the upload with `UploadLimitsUnavailableError` (503).
   * Unset: only allowed without `quotaBytes`.
   */
  usedBytes?: QuotaSource;
  /**
   * How many uploads one user may have in flight at once (a positive whole number); one
   * more gets `TooManyUploadsError` (429 with `Retry-After`) before anything is written.
   * Needs `slots`.
   * Unset: no limit.
   */
  maxConcurrent?: number;
  /**
   * The shared store of in-flight uploads; required with `maxConcurrent` (without it,
   * `definePrivateFiles` throws a TypeError).
   * Unset: only allowed without `maxConcurrent`.
   */
  slots?: UploadSlotStore;
  /**
   * How long a slot outlives its last renewal, in milliseconds (an instance that crashed
   * frees it then); slots are renewed every third of it while their upload runs.
   * @default 120_000
   */
  slotTtlMs?: number;
  /**
   * `Retry-After` seconds on the 429.
   * @default 5
   */
  retryAfterSeconds?: number;
  /**
   * Uploads begun and not finished (tus, direct-to-storage), each reserving its declared
   * length against the quota until it finishes or expires. Share one table between
   * instances (`prismaPendingUploadStore`); the memory store holds for one process only.
   * @default memoryPendingUploads()
   */
  pending?: PendingUploadStore;
  /**
   * How long a begun upload may take, in milliseconds, before it is abandoned: its
   * reservation stops counting and pruning removes its bytes.
   * @default 86_400_000 (24 hours)
   */
  pendingTtlMs?: number;
}

/**
 * The `uploads` option with its defaults applied: `privateFiles.uploadLimits`, what
 * `assertWithinQuota`, `remainingQuota` and `acquireUploadSlot` take.
 */
export interface ResolvedUploadLimits {
  /** The quota; `undefined` when none is configured. */
  readonly quota: { readonly bytes: number; readonly usedBytes: QuotaSource } | undefined;
  /** The concurrent-upload limit; `undefined` when none is configured. */
  readonly concurrency: { readonly max: number; readonly slots: UploadSlotStore; readonly ttlMs: number; readonly retryAfterSeconds: number } | undefined;
  /** Uploads begun and not finished, whose declared lengths the quota counts. */
  readonly pending: PendingUploadStore;
  /** How long a begun upload may take, in milliseconds. */
  readonly pendingTtlMs: number;
}

/** Validates the option at start-up: a limit without its store is a configuration error, not a silent no-limit. */
export function resolveUploadLimits(options: UploadLimitsOptions | undefined): ResolvedUploadLimits {
  const quotaBytes = options?.quotaBytes;
  const max = options?.maxConcurrent;
  if (quotaBytes !== undefined && !(quotaBytes >= 0)) throw new TypeError(`uploads.quotaBytes must be a number of bytes, got ${quotaBytes}`);
  if (quotaBytes !== undefined && !options?.usedBytes) throw new TypeError("uploads.quotaBytes needs uploads.usedBytes (what a user stores now)");
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) throw new TypeError(`uploads.maxConcurrent must be a positive whole number, got ${max}`);
  if (max !== undefined && !options?.slots) throw new TypeError("uploads.maxConcurrent needs uploads.slots (a store every app instance shares)");
  const ttlMs = options?.slotTtlMs ?? 120_000;
  if (!(ttlMs > 0 && Number.isFinite(ttlMs))) throw new TypeError(`uploads.slotTtlMs must be a positive number, got ${ttlMs}`);
  const pendingTtlMs = options?.pendingTtlMs ?? 24 * 3600_000;
  if (!(pendingTtlMs > 0 && Number.isFinite(pendingTtlMs))) throw new TypeError(`uploads.pendingTtlMs must be a positive number, got ${pendingTtlMs}`);
  return {
    pending: options?.pending ?? memoryPendingUploads(),
    pendingTtlMs,
    quota: quotaBytes !== undefined && options?.usedBytes ? { bytes: quotaBytes, usedBytes: options.usedBytes } : undefined,
    concurrency:
      max !== undefined && options?.slots
        ? { max, slots: options.slots, ttlMs, retryAfterSeconds: options.retryAfterSeconds ?? 5 }
        : undefined,
  };
}

/** Whether any per-user limit is configured (then `storeUpload` needs the user). */
export const hasUploadLimits = (limits: ResolvedUploadLimits) => limits.quota !== undefined || limits.concurrency !== undefined;

/** A failing limits store refuses the upload (fail closed) with a 503. */
const unavailable = (error: unknown): never => {
  throw new UploadLimitsUnavailableError(error);
};

/** A held upload slot: renewed in the background until `release()`. */
export interface HeldSlot {
  /** Frees the slot and stops renewing it; calling it again returns the same promise. */
  release(): Promise<void>;
}

/**
 * Takes one of the user's upload slots, for an upload your own code writes (not through
 * `storeUpload`, which takes one itself). The slot is renewed every third of its lifetime
 * until released, so a long upload keeps it and a crashed instance's slot expires.
 * Without a concurrent-upload limit it returns a slot that holds nothing.
 * @param limits - `privateFiles.uploadLimits`.
 * @param user - The uploading user's id.
 * @throws {TooManyUploadsError} when the user's slots are all taken (429).
 * @throws {UploadLimitsUnavailableError} when the slot store fails (503).
 * @example
 * ```ts
 * import { acquireUploadSlot } from "next-private-files/upload";
 * import type { ResolvedUploadLimits } from "next-private-files";
 *
 * declare const privateFiles: { uploadLimits: ResolvedUploadLimits };
 * declare function importArchive(userId: string): Promise<void>;
 *
 * const slot = await acquireUploadSlot(privateFiles.uploadLimits, "42");
 * try {
 *   await importArchive("42");
 * } finally {
 *   await slot.release();
 * }
 * ```
 */
export async function acquireUploadSlot(limits: ResolvedUploadLimits, user: string): Promise<HeldSlot> {
  const concurrency = limits.concurrency;
  if (!concurrency) return { release: () => Promise.resolve() };
  const { slots, ttlMs, max } = concurrency;
  const now = new Date();
  const id = await slots.acquire(user, { limit: max, now, expiresAt: new Date(now.getTime() + ttlMs) }).catch(unavailable);
  if (id === null) throw new TooManyUploadsError(max, concurrency.retryAfterSeconds);
  const renewal = setInterval(() => {
    slots.renew(id, new Date(Date.now() + ttlMs)).catch(() => undefined);
  }, ttlMs / 3);
  renewal.unref();
  let released: Promise<void> | undefined;
  return {
    release() {
      clearInterval(renewal);
      return (released ??= slots.release(id));
    },
  };
}

/**
 * What is left of `user`'s quota now (`Infinity` without a quota), and what they use:
 * for an upload form that shows the space left, or a write your own code makes.
 * @param limits - `privateFiles.uploadLimits`.
 * @param user - The user's id.
 * @throws {QuotaExceededError} when nothing is left (413).
 * @throws {UploadLimitsUnavailableError} when `usedBytes` fails (503).
 * @example
 * ```ts
 * import { formatBytes, QuotaExceededError, remainingQuota } from "next-private-files/upload";
 * import type { ResolvedUploadLimits } from "next-private-files";
 *
 * declare const privateFiles: { uploadLimits: ResolvedUploadLimits };
 *
 * let left: string;
 * try {
 *   const { remaining } = await remainingQuota(privateFiles.uploadLimits, "42");
 *   left = remaining === Infinity ? "no limit" : `${formatBytes(remaining)} left`;
 * } catch (error) {
 *   if (!(error instanceof QuotaExceededError)) throw error;
 *   left = "your storage is full";
 * }
 * ```
 */
export async function remainingQuota(limits: ResolvedUploadLimits, user: string): Promise<{ remaining: number; used: number }> {
  if (!limits.quota) return { remaining: Infinity, used: 0 };
  const used = await usedWithReserved(limits, user);
  const remaining = limits.quota.bytes - used;
  if (remaining <= 0) throw new QuotaExceededError(limits.quota.bytes, used);
  return { remaining, used };
}

/**
 * What a user stores plus what their unfinished uploads (tus, direct) have reserved: what
 * the quota is measured against. A failing store throws UploadLimitsUnavailableError.
 */
export async function usedWithReserved(limits: ResolvedUploadLimits, user: string): Promise<number> {
  if (!limits.quota) return 0;
  const [stored, reserved] = await Promise.all([limits.quota.usedBytes(user), limits.pending.reservedBytes(user, new Date())]).catch(unavailable);
  return stored + reserved;
}

/**
 * The exact check when the record is written: uploads that ran at the same time were
 * each capped by what was left when they started, so together they may go over. Read
 * `usedBytes` in the transaction that inserts the record, with the user's row locked, so
 * concurrent uploads are counted; delete the stored file when it throws. No quota
 * configured: never throws.
 * @param limits - `privateFiles.uploadLimits`.
 * @param usedBytes - What the user stores now, without this upload.
 * @param addedBytes - This upload's size.
 * @throws {QuotaExceededError} when `usedBytes + addedBytes` is over the quota.
 * @example
 * ```ts
 * import { assertWithinQuota, deleteStoredFile, type StoredUpload } from "next-private-files/upload";
 * import type { PrivateFiles, PrivateModel } from "next-private-files";
 *
 * type Submission = { id: number; ownerId: number; file: string | null };
 * declare const privateFiles: PrivateFiles<{ submissions: PrivateModel<Submission, number, "file"> }>;
 * declare const stored: StoredUpload; // from storeUpload
 * declare function usedBytesLocked(ownerId: number): Promise<number>; // SELECT … FOR UPDATE, in the transaction
 *
 * try {
 *   assertWithinQuota(privateFiles.uploadLimits, await usedBytesLocked(7), stored.size);
 * } catch (error) {
 *   await deleteStoredFile(privateFiles, "submissions", "file", stored.path);
 *   throw error;
 * }
 * ```
 */
export function assertWithinQuota(limits: ResolvedUploadLimits, usedBytes: number, addedBytes: number): void {
  if (limits.quota && usedBytes + addedBytes > limits.quota.bytes) throw new QuotaExceededError(limits.quota.bytes, usedBytes);
}
