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
