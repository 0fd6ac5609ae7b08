// next-private-files/upload: taking uploads into a private field. `readMultipart` parses a
// multipart body (busboy) with size, time and origin limits; `storeUpload` checks the
// type and the user's quota and writes the file where the field's `uploadTo` says.
export { storeUpload, deleteStoredFile, safeExtension, uploadName, MAX_NAME_LENGTH } from "./upload/store-upload.js";
export type { StoredUpload, UploadStream, StoreUploadOptions } from "./upload/store-upload.js";
export {
  UnsupportedFileTypeError,
  UploadIdleTimeoutError,
  QuotaExceededError,
  TooManyUploadsError,
  UploadLimitsUnavailableError,
  formatBytes,
} from "./upload/errors.js";
export { UploadTooLargeError } from "./storage/errors.js";
export { decodeFormFileName } from "./upload/form-file-name.js";
export { DEFAULT_IDLE_TIMEOUT_MS, idleDownloadStream, idleUploadStream } from "./limits/idle-timeout.js";
export { assertWithinQuota, acquireUploadSlot, remainingQuota } from "./limits/upload-limits.js";
export type { UploadSlotStore, QuotaSource, UploadLimitsOptions, ResolvedUploadLimits, HeldSlot } from "./limits/upload-limits.js";
export { KNOWN_FILE_TYPES, SNIFF_BYTES } from "./upload/file-types.js";
export type { FileTypeRule } from "./upload/file-types.js";
export { readMultipart, MultipartError } from "./upload/multipart.js";
export type { MultipartOptions, MultipartResult } from "./upload/multipart.js";
// The upload routes' intake (tus, direct-to-storage, or your own transport): begin with a
// declared length (authorized, limited, reserved against the quota), check the first
// bytes, finish (checked, scanned, then the record), or abandon.
export { beginUpload } from "./upload/intake/begin.js";
export type { UploadIntent } from "./upload/intake/begin.js";
export { checkLeadingBytes } from "./upload/intake/leading-bytes.js";
export { finishUpload, abandonUpload } from "./upload/intake/finish.js";
export type { CompletedUpload, UploadCompleteHandler } from "./upload/intake/finish.js";
export { uploadErrorResponse } from "./upload/intake/error-response.js";
export { UploadForbiddenError, UploadTargetError, UploadMismatchError, UploadNotSavedError, UploadUnavailableError } from "./upload/intake/errors.js";
export { memoryPendingUploads } from "./upload/pending/memory.js";
export type { PendingUpload, PendingUploadStore, UploadVia } from "./upload/pending/types.js";
// Malware scanning: the scanner seam (clamdScanner in next-private-files/clamav is one).
export { ScannerUnavailableError, InfectedUploadError } from "./scan/errors.js";
export type { Scanner, ScanVerdict, ScanInfo } from "./scan/types.js";
export type { UploadRefusedEvent, UploadRefusedListener, UploadRefusalReason } from "./hooks/upload-refused.js";
