import { CrossSiteRequestError, UploadTooLargeError } from "next-private-files";
import {
  InfectedUploadError,
  MultipartError,
  ScannerUnavailableError,
  QuotaExceededError,
  TooManyUploadsError,
  UnsupportedFileTypeError,
  UploadIdleTimeoutError,
  UploadLimitsUnavailableError,
} from "next-private-files/upload";
import { refuseForeignRequest } from "@/lib/http/guard";
import { currentUser } from "@/lib/auth/current-user";
import { createSubmission, SubmissionError, SubmissionNotSavedError } from "@/lib/files/create-submission";
import { listFilesFor } from "@/lib/files/list-files";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "Cache-Control": "private, no-store", ...headers } });

/** The files the signed-in user may download. */
export async function GET(): Promise<Response> {
  const user = await currentUser();
  if (!user) return json(401, { error: "sign in to list your files" });
  return json(200, { files: await listFilesFor(user.id) });
}

/** Uploads a file (`file`, `description`) as a FileSubmission of the signed-in user. */
export async function POST(request: Request): Promise<Response> {
  // The upload helper checks the Origin too (readMultipart's `origins`); checking here
  // first also refuses another site's request before the session is looked up.
  const refused = refuseForeignRequest(request);
  if (refused) return refused;
  const user = await currentUser();
  if (!user) return json(401, { error: "sign in to upload" });
  try {
    return json(201, await createSubmission(request, user.id));
  } catch (error) {
    if (error instanceof QuotaExceededError) {
      return json(413, { error: error.message, quotaBytes: error.quotaBytes, usedBytes: error.usedBytes });
    }
    if (error instanceof TooManyUploadsError) {
      return json(429, { error: error.message }, { "Retry-After": String(error.retryAfterSeconds) });
    }
    if (error instanceof UploadIdleTimeoutError) {
      // The client stopped sending: the answer closes the connection it left open.
      return json(408, { error: error.message }, { Connection: "close" });
    }
    if (error instanceof UploadTooLargeError) {
      return json(413, { error: `the file is larger than ${error.maxBytes} bytes` });
    }
    if (error instanceof UnsupportedFileTypeError) {
      return json(415, { error: error.message, accepted: error.allowed });
    }
    if (error instanceof InfectedUploadError) {
      return json(422, { error: error.message, signature: error.signature });
    }
    if (error instanceof ScannerUnavailableError) {
      return json(503, { error: "the file could not be checked for malware, so it was not kept; try again shortly" }, { "Retry-After": "5" });
    }
    if (error instanceof MultipartError || error instanceof SubmissionError || error instanceof CrossSiteRequestError) {
      return json(error.status, { error: error.message });
    }
    if (error instanceof UploadLimitsUnavailableError) {
      console.error("[demo] upload refused: the upload limits could not be checked", error.cause);
      return json(503, { error: "the upload could not be started; try again shortly" }, { "Retry-After": "5" });
    }
    if (error instanceof SubmissionNotSavedError) {
      console.error("[demo] upload not saved: the database failed", error.cause);
      return json(503, { error: "the upload could not be saved; try again shortly" }, { "Retry-After": "5" });
    }
    console.error("[demo] upload failed", error);
    return json(500, { error: "the upload failed" });
  }
}
