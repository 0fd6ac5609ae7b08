// The core upload intake this route builds on (next-private-files/upload), and where the
// configuration keeps the pending uploads.
import { internalsOf } from "../config/define.js";
import type { PendingUploadStore } from "../upload/pending/types.js";

export { beginUpload, type UploadIntent } from "../upload/intake/begin.js";
export { finishUpload, abandonUpload, type CompletedUpload, type UploadCompleteHandler } from "../upload/intake/finish.js";
export { uploadErrorResponse } from "../upload/intake/error-response.js";
export type { PendingUpload, PendingUploadStore } from "../upload/pending/types.js";

/** The configuration's pending uploads (`uploads.pending`, in memory by default). */
export function pendingUploadsOf(files: object): PendingUploadStore {
  return internalsOf(files).config.uploads.pending;
}
