/**
 * The scanner could not give a verdict (down, timed out, refused the file's size): the
 * upload is refused with 503 and nothing of it is kept (fail closed).
 * @example
 * ```ts
 * import { ScannerUnavailableError, type Scanner } from "next-private-files/upload";
 *
 * const down: Scanner = {
 *   async scan() {
 *     throw new ScannerUnavailableError("clamd at /run/clamav/clamd.ctl refused the connection");
 *   },
 * };
 * ```
 */
export class ScannerUnavailableError extends Error {
  override readonly name = "ScannerUnavailableError";
  /** The HTTP status to answer with: 503. */
  readonly status = 503;
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The scanner found malware in an upload: its bytes were deleted, no record was made,
 * and `on.uploadRefused` was told. Answered with 422.
 * @example
 * ```ts
 * import { InfectedUploadError } from "next-private-files/upload";
 *
 * const error = new InfectedUploadError("Eicar-Test-Signature");
 * error.status; // 422
 * error.message; // "the file contains malware (Eicar-Test-Signature) and was not kept"
 * ```
 */
export class InfectedUploadError extends Error {
  override readonly name = "InfectedUploadError";
  /** The HTTP status to answer with: 422. */
  readonly status = 422;
  constructor(
    /** The signature the scanner named. */
    readonly signature: string,
  ) {
    super(`the file contains malware (${signature}) and was not kept`);
  }
}
