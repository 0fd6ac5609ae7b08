import { UploadTooLargeError } from "../../storage/errors.js";
import { InfectedUploadError, ScannerUnavailableError } from "../../scan/errors.js";
import { CrossSiteRequestError } from "../../http/same-origin.js";
import {
  QuotaExceededError,
  TooManyUploadsError,
  UnsupportedFileTypeError,
  UploadIdleTimeoutError,
  UploadLimitsUnavailableError,
  formatBytes,
} from "../errors.js";
import { MultipartError } from "../multipart-error.js";
import { UploadForbiddenError, UploadMismatchError, UploadNotSavedError, UploadTargetError, UploadUnavailableError } from "./errors.js";

const RETRY_AFTER_SECONDS = "5";

const json = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "Cache-Control": "private, no-store", ...headers } });

/**
 * The answer to any refusal of the upload helpers (`beginUpload`, `finishUpload`,
 * `storeUpload`, `readMultipart`'s origin check): JSON `{ error }` with the error's
 * status, plus what the client can act on (`accepted` types, `quotaBytes`/`usedBytes`,
 * `maxBytes`, `signature`) and `Retry-After` on 429 and 503. `null` for any other error
 * (answer it with a 500 after logging it).
 * @example
 * ```ts
 * import { uploadErrorResponse } from "next-private-files/upload";
 *
 * declare function saveUpload(request: Request): Promise<Response>;
 *
 * export async function POST(request: Request): Promise<Response> {
 *   try {
 *     return await saveUpload(request);
 *   } catch (error) {
 *     const refused = uploadErrorResponse(error);
 *     if (refused) return refused;
 *     console.error("upload failed", error);
 *     return Response.json({ error: "the upload failed" }, { status: 500 });
 *   }
 * }
 * ```
 */
export function uploadErrorResponse(error: unknown): Response | null {
  if (error instanceof UnsupportedFileTypeError) return json(415, { error: error.message, accepted: error.allowed });
  if (error instanceof QuotaExceededError) return json(413, { error: error.message, quotaBytes: error.quotaBytes, usedBytes: error.usedBytes });
  if (error instanceof UploadTooLargeError) {
    return json(413, { error: `the file is larger than ${formatBytes(error.maxBytes)}`, maxBytes: error.maxBytes });
  }
  if (error instanceof InfectedUploadError) return json(422, { error: error.message, signature: error.signature });
  if (error instanceof TooManyUploadsError) return json(429, { error: error.message }, { "Retry-After": String(error.retryAfterSeconds) });
  // The client stopped sending: the answer closes the connection it left open.
  if (error instanceof UploadIdleTimeoutError) return json(408, { error: error.message }, { Connection: "close" });
  if (
    error instanceof ScannerUnavailableError ||
    error instanceof UploadLimitsUnavailableError ||
    error instanceof UploadUnavailableError ||
    error instanceof UploadNotSavedError
  ) {
    // The details (which scanner, which store) are for the logs, not the client.
    const message = error instanceof ScannerUnavailableError ? "the file could not be checked for malware, so it was not kept; try again shortly" : error.message;
    return json(503, { error: message }, { "Retry-After": RETRY_AFTER_SECONDS });
  }
  if (error instanceof UploadForbiddenError || error instanceof UploadTargetError || error instanceof UploadMismatchError || error instanceof CrossSiteRequestError || error instanceof MultipartError) {
    return json(error.status, { error: error.message });
  }
  return null;
}
