/**
 * An upload whose type the field does not accept (`allowedTypes`), by its extension or
 * by its leading bytes (415); nothing was written.
 * @example
 * ```ts
 * import { UnsupportedFileTypeError } from "next-private-files/upload";
 *
 * declare function saveUpload(request: Request): Promise<Response>; // readMultipart + storeUpload
 *
 * export async function POST(request: Request): Promise<Response> {
 *   try {
 *     return await saveUpload(request);
 *   } catch (error) {
 *     if (error instanceof UnsupportedFileTypeError) {
 *       return Response.json({ error: error.message, accepted: error.allowed }, { status: error.status });
 *     }
 *     throw error;
 *   }
 * }
 * ```
 */
export class UnsupportedFileTypeError extends Error {
  override readonly name = "UnsupportedFileTypeError";
  /** The HTTP status to answer with: 415. */
  readonly status = 415;
  constructor(
    message: string,
    /** The types the field accepts, for the error message a client sees. */
    readonly allowed: readonly string[],
  ) {
    super(message);
  }
}

/**
 * An upload whose client sent nothing for the idle timeout (`idleTimeoutMs`; 408); its
 * temp file is removed. Close the connection the client left open.
 * @example
 * ```ts
 * import { UploadIdleTimeoutError } from "next-private-files/upload";
 *
 * declare function saveUpload(request: Request): Promise<Response>; // readMultipart + storeUpload
 *
 * export async function POST(request: Request): Promise<Response> {
 *   try {
 *     return await saveUpload(request);
 *   } catch (error) {
 *     if (error instanceof UploadIdleTimeoutError) {
 *       return Response.json({ error: error.message }, { status: error.status, headers: { Connection: "close" } });
 *     }
 *     throw error;
 *   }
 * }
 * ```
 */
export class UploadIdleTimeoutError extends Error {
  override readonly name = "UploadIdleTimeoutError";
  /** The HTTP status to answer with: 408. */
  readonly status = 408;
  constructor(
    /** The idle timeout that ran out, in milliseconds. */
    readonly idleMs: number,
  ) {
    super(`the upload sent nothing for ${Math.round(idleMs / 1000)} s; send it again`);
  }
}

/**
 * An upload that would put its user over the storage quota (`uploads.quotaBytes`; 413);
 * nothing is kept.
 * @example
 * ```ts
 * import { QuotaExceededError } from "next-private-files/upload";
 *
 * declare function saveUpload(request: Request): Promise<Response>; // readMultipart + storeUpload
 *
 * export async function POST(request: Request): Promise<Response> {
 *   try {
 *     return await saveUpload(request);
 *   } catch (error) {
 *     if (error instanceof QuotaExceededError) {
 *       return Response.json({ error: error.message, quotaBytes: error.quotaBytes, usedBytes: error.usedBytes }, { status: 413 });
 *     }
 *     throw error;
 *   }
 * }
 * ```
 */
export class QuotaExceededError extends Error {
  override readonly name = "QuotaExceededError";
  /** The HTTP status to answer with: 413. */
  readonly status = 413;
  constructor(
    /** The user's quota, in bytes. */
    readonly quotaBytes: number,
    /** What the user stored before this upload. */
    readonly usedBytes: number,
  ) {
    super(`this file would put you over your storage quota of ${formatBytes(quotaBytes)} (${formatBytes(usedBytes)} used)`);
  }
}

/**
 * A user who already has as many uploads in flight as allowed (`uploads.maxConcurrent`;
 * 429, with `Retry-After`); nothing was written.
 * @example
 * ```ts
 * import { TooManyUploadsError } from "next-private-files/upload";
 *
 * declare function saveUpload(request: Request): Promise<Response>; // readMultipart + storeUpload
 *
 * export async function POST(request: Request): Promise<Response> {
 *   try {
 *     return await saveUpload(request);
 *   } catch (error) {
 *     if (error instanceof TooManyUploadsError) {
 *       return Response.json({ error: error.message }, { status: 429, headers: { "Retry-After": String(error.retryAfterSeconds) } });
 *     }
 *     throw error;
 *   }
 * }
 * ```
 */
export class TooManyUploadsError extends Error {
  override readonly name = "TooManyUploadsError";
  /** The HTTP status to answer with: 429. */
  readonly status = 429;
  constructor(
    /** How many uploads a user may have in flight. */
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
 * let through unchecked; nothing was written. The store's error is the `cause`.
 * @example
 * ```ts
 * import { UploadLimitsUnavailableError } from "next-private-files/upload";
 *
 * declare function saveUpload(request: Request): Promise<Response>; // readMultipart + storeUpload
 *
 * export async function POST(request: Request): Promise<Response> {
 *   try {
 *     return await saveUpload(request);
 *   } catch (error) {
 *     if (error instanceof UploadLimitsUnavailableError) {
 *       console.error("upload limits store failed", error.cause);
 *       return Response.json({ error: "try again shortly" }, { status: 503, headers: { "Retry-After": "5" } });
 *     }
 *     throw error;
 *   }
 * }
 * ```
 */
export class UploadLimitsUnavailableError extends Error {
  override readonly name = "UploadLimitsUnavailableError";
  /** The HTTP status to answer with: 503. */
  readonly status = 503;
  constructor(cause: unknown) {
    super("the upload limits could not be checked", { cause });
  }
}

/**
 * A size for messages people read, in binary units: 1536 is "1.5 KiB".
 * @example
 * ```ts
 * import { formatBytes } from "next-private-files/upload";
 *
 * formatBytes(1); // "1 byte"
 * formatBytes(1536); // "1.5 KiB"
 * formatBytes(50 * 1024 * 1024); // "50 MiB"
 * ```
 */
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
