/** An upload whose type the field does not accept, by its extension or by its leading bytes (415). */
export class UnsupportedFileTypeError extends Error {
  override readonly name = "UnsupportedFileTypeError";
  readonly status = 415;
  constructor(
    message: string,
    /** The types the field accepts, for the error message a client sees. */
    readonly allowed: readonly string[],
  ) {
    super(message);
  }
}

/** An upload whose client sent nothing for the idle timeout (408); its temp file is removed. */
export class UploadIdleTimeoutError extends Error {
  override readonly name = "UploadIdleTimeoutError";
  readonly status = 408;
  constructor(readonly idleMs: number) {
    super(`the upload sent nothing for ${Math.round(idleMs / 1000)} s; send it again`);
  }
}

/** An upload that would put its user over the storage quota (413); nothing is kept. */
export class QuotaExceededError extends Error {
  override readonly name = "QuotaExceededError";
  readonly status = 413;
  constructor(
    readonly quotaBytes: number,
    /** What the user stored before this upload. */
    readonly usedBytes: number,
  ) {
    super(`this file would put you over your storage quota of ${formatBytes(quotaBytes)} (${formatBytes(usedBytes)} used)`);
  }
}

/** A user who already has as many uploads in flight as allowed (429, with `Retry-After`). */
export class TooManyUploadsError extends Error {
  override readonly name = "TooManyUploadsError";
  readonly status = 429;
  constructor(
    readonly maxConcurrent: number,
    /** Seconds to send in `Retry-After`. */
    readonly retryAfterSeconds: number,
  ) {
    super(`you already have ${maxConcurrent} uploads in progress; wait for one to finish, then try again`);
  }
}

/**
 * The store behind the upload limits (the slot store or the quota source) failed, so
 * the limits cannot be checked (503, with `Retry-After`). The upload is refused, not
 * let through unchecked; nothing was written.
 */
export class UploadLimitsUnavailableError extends Error {
  override readonly name = "UploadLimitsUnavailableError";
  readonly status = 503;
  constructor(cause: unknown) {
    super("the upload limits could not be checked", { cause });
  }
}

/** 1536 -> "1.5 KiB": for messages people read. */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  return `${Number(value.toFixed(value < 10 ? 2 : 1))} ${units[unit]}`;
}
