// The refusals of the upload routes' intake (beginUpload, finishUpload), each with the
// status it is answered with; uploadErrorResponse turns any of them into a Response.

/**
 * The field's `upload.condition` refused: 401 when nobody is signed in, 403 otherwise.
 * @example
 * ```ts
 * import { UploadForbiddenError } from "next-private-files/upload";
 *
 * new UploadForbiddenError(false).status; // 401
 * ```
 */
export class UploadForbiddenError extends Error {
  override readonly name = "UploadForbiddenError";
  /** The HTTP status to answer with: 401 (anonymous) or 403. */
  readonly status: 401 | 403;
  constructor(signedIn: boolean) {
    super(signedIn ? "you may not upload here" : "sign in to upload");
    this.status = signedIn ? 403 : 401;
  }
}

/**
 * No such model or field, or the field declares no `upload`, or the upload path does not
 * suit its storage (direct uploads need S3): answered with 404, or the given status.
 * @example
 * ```ts
 * import { UploadTargetError } from "next-private-files/upload";
 *
 * new UploadTargetError("no uploads to invoices.pdf").status; // 404
 * ```
 */
export class UploadTargetError extends Error {
  override readonly name = "UploadTargetError";
  constructor(
    message: string,
    /** The HTTP status to answer with (404 unless said). */
    readonly status: number = 404,
  ) {
    super(message);
  }
}

/**
 * What arrived is not what was declared (the stored object's size differs from the
 * declared length, or the declared length is not a size): 400, nothing kept.
 * @example
 * ```ts
 * import { UploadMismatchError } from "next-private-files/upload";
 *
 * new UploadMismatchError("the stored file has 10 bytes, 20 were declared").status; // 400
 * ```
 */
export class UploadMismatchError extends Error {
  override readonly name = "UploadMismatchError";
  /** The HTTP status to answer with: 400. */
  readonly status = 400;
}

/**
 * The upload's bytes arrived but `onUploadComplete` failed (the record could not be
 * written): the bytes were deleted, 503 with `Retry-After`. The cause is the error.
 * @example
 * ```ts
 * import { UploadNotSavedError } from "next-private-files/upload";
 *
 * new UploadNotSavedError(new Error("database down")).status; // 503
 * ```
 */
export class UploadNotSavedError extends Error {
  override readonly name = "UploadNotSavedError";
  /** The HTTP status to answer with: 503. */
  readonly status = 503;
  constructor(cause: unknown) {
    super("the upload arrived but could not be saved; send it again shortly", { cause });
  }
}

/**
 * Something the upload needs could not be reached (the session getter or the pending
 * uploads' store failed): 503 with `Retry-After`, nothing kept. The cause is the error.
 * @example
 * ```ts
 * import { UploadUnavailableError } from "next-private-files/upload";
 *
 * new UploadUnavailableError("the session could not be read", new Error("auth down")).status; // 503
 * ```
 */
export class UploadUnavailableError extends Error {
  override readonly name = "UploadUnavailableError";
  /** The HTTP status to answer with: 503. */
  readonly status = 503;
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}
