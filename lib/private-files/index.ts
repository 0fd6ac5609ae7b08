// next-private-files: protect files referenced from Prisma records in a Next.js
// App Router application, after django-private-files.

export { definePrivateFiles } from "./config/define";
export type { PrivateFiles, PrivateFilesOptions } from "./config/define";
export { privateModel } from "./config/model";
export type { PrivateModel, AnyPrivateModel, ModelBuilder, RecordOf, IdOf, FieldOf } from "./config/model";
export { intId, uuidId, stringId } from "./config/ids";
export type { IdCodec } from "./config/ids";
export type {
  AccessRequest,
  Condition,
  FieldOptions,
  FileKey,
  Logger,
  ModelSource,
  Refusal,
  RefusalPage,
  RefusalStatus,
  SessionGetter,
  SessionUser,
} from "./config/types";

export { signedIn, anyone, owner, staff, anyOf, allOf } from "./auth/conditions";

export { preDownload } from "./hooks/pre-download";
export type { DownloadEvent, DownloadListener } from "./hooks/pre-download";
export { downloadDenied } from "./hooks/download-denied";
export type { DenialEvent, DenialListener, DenialReason } from "./hooks/download-denied";
export { downloadFinished } from "./hooks/download-finished";
export type { DownloadFinishedEvent, DownloadFinishedListener, DownloadOutcome } from "./hooks/download-finished";

export { DELIVERY_MODES } from "./delivery/types";
export type { Delivery } from "./delivery/types";
export { accelRedirectTarget } from "./delivery/offload";
export { DeliveryConfigError } from "./delivery/offload-response";

export { prismaLinkStore } from "./links/prisma-store";
export type { LinkTokenDelegate } from "./links/prisma-store";
export type { LinkStore, LinkRecord, NewLink } from "./links/store";
export type { FieldLinkOptions, LinksOptions, LinkUse, CreateLinkOptions, FileLink } from "./links/types";
export type { LinkDenialReason } from "./links/check-link";
export { LinkSecretError } from "./links/secrets";

export { createPrivateFileRoute } from "./route/create-route";
export type { PrivateFileRoute, RouteHandler } from "./route/create-route";

export { localStorage, defaultStorageRoot } from "./storage/local";
export type { LocalStorageOptions } from "./storage/local";
export { s3Storage } from "./storage/s3";
export type { S3StorageOptions } from "./storage/s3";
export type { FileStorage, OpenedFile, ByteRange, SaveOptions, SavedFile, PresignOptions } from "./storage/types";
export { UnsafeStoredPathError, UploadTooLargeError } from "./storage/errors";

export { storeUpload, deleteStoredFile, safeExtension, uploadName, MAX_NAME_LENGTH } from "./upload/store-upload";
export type { StoredUpload, UploadStream, StoreUploadOptions } from "./upload/store-upload";
export { UnsupportedFileTypeError, UploadIdleTimeoutError, QuotaExceededError, TooManyUploadsError, UploadLimitsUnavailableError, formatBytes } from "./upload/errors";
export { decodeFormFileName } from "./upload/form-file-name";
export { DEFAULT_IDLE_TIMEOUT_MS, idleDownloadStream, idleUploadStream } from "./limits/idle-timeout";
export { assertWithinQuota, acquireUploadSlot, remainingQuota } from "./limits/upload-limits";
export type { UploadSlotStore, QuotaSource, UploadLimitsOptions, ResolvedUploadLimits, HeldSlot } from "./limits/upload-limits";
export { KNOWN_FILE_TYPES, SNIFF_BYTES } from "./upload/file-types";
export type { FileTypeRule } from "./upload/file-types";
export { readMultipart, MultipartError } from "./upload/multipart";
export type { MultipartOptions, MultipartResult } from "./upload/multipart";

export { nextAuthSession } from "./auth/next-auth";
export { restoreContentLength, LENGTH_HEADER } from "./next/restore-content-length";

export { readBody, readJson, RequestBodyError, isJsonContentType } from "./http/body-limit";
export type { BodyLimitOptions } from "./http/body-limit";
export { assertSameOrigin, appOrigins, normalizeOrigin, CrossSiteRequestError } from "./http/same-origin";
export type { AppOriginsOptions } from "./http/same-origin";
export { allowedHosts, isAllowedHost, misdirectedRequest } from "./http/allowed-host";
export { withBodyLimit } from "./next/with-body-limit";
export type { NextRouteHandler } from "./next/with-body-limit";
export { stampClientAddress, CLIENT_ADDRESS_HEADER } from "./next/stamp-client-address";
export { clientAddress, trustProxyFromEnv } from "./http/client-address";
export type { ClientAddressOptions, TrustProxy } from "./http/client-address";
