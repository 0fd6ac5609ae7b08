// next-private-files: protect the files your records point to, in a Next.js App Router
// app, after django-private-files. This entry is the core: declarations, conditions,
// hooks, the route factory, links, image variants (sharp, imported only when one is
// first made) and local storage. It loads no auth library, no AWS
// SDK and no `node:http`, and patches nothing. The rest comes from subpaths:
//   next-private-files/next-auth  the session getter for next-auth 4
//   next-private-files/authjs     the session getter for Auth.js v5 (next-auth 5)
//   next-private-files/better-auth the session getter for Better Auth (imports none of it)
//   next-private-files/s3         S3-compatible storage (pulls in @aws-sdk)
//   next-private-files/prisma     the link store on a Prisma table
//   next-private-files/drizzle    the link store on a Drizzle table (SQLite, PostgreSQL)
//   next-private-files/upload     multipart parsing, storeUpload, upload limits
//   next-private-files/tus        resumable uploads (tus 1.0, @tus/server), the PostgreSQL locker
//   next-private-files/direct     direct-to-S3 uploads through presigned URLs (pulls in @aws-sdk)
//   next-private-files/next       instrumentation shims, proxy and route helpers
//   next-private-files/clamav     clamdScanner: ClamAV (clamd) as the upload scanner (node:net only)

export { definePrivateFiles } from "./config/define.js";
export type { PrivateFiles, PrivateFilesHooks, PrivateFilesOptions, UploadPolicy, FileUrlOptions } from "./config/define.js";
export { privateModel } from "./config/model.js";
export type { PrivateModel, AnyPrivateModel, ModelBuilder, RecordOf, IdOf, FieldOf, SessionOfModel } from "./config/model.js";
export { withSession } from "./config/with-session.js";
export type { SessionTyped } from "./config/with-session.js";
export { intId, uuidId, stringId } from "./config/ids.js";
export type { IdCodec } from "./config/ids.js";
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
  Session,
  SessionGetter,
  AnySession,
  UserOf,
  SessionOf,
  SessionUser,
  FieldUploadOptions,
  UploadCondition,
  UploadRequest,
} from "./config/types.js";
export type { UploadRefusedEvent, UploadRefusedListener, UploadRefusalReason } from "./hooks/upload-refused.js";
export type { Scanner, ScanVerdict, ScanInfo } from "./scan/types.js";
export type { PendingUpload, PendingUploadStore } from "./upload/pending/types.js";

export { signedIn, anyone, owner, staff, anyOf, allOf } from "./auth/conditions.js";

export { preDownload } from "./hooks/pre-download.js";
export type { DownloadEvent, DownloadListener } from "./hooks/pre-download.js";
export { downloadDenied } from "./hooks/download-denied.js";
export type { DenialEvent, DenialListener, DenialReason } from "./hooks/download-denied.js";
export { downloadFinished } from "./hooks/download-finished.js";
export type { DownloadFinishedEvent, DownloadFinishedListener, DownloadOutcome } from "./hooks/download-finished.js";
export type { ArchiveInfo } from "./zip/archive-info.js";

export { DELIVERY_MODES } from "./delivery/types.js";
export type { Delivery } from "./delivery/types.js";
export { accelRedirectTarget } from "./delivery/offload.js";
export { DeliveryConfigError } from "./delivery/mode.js";

export type { LinkStore, LinkRecord, NewLink } from "./links/store.js";
export type { FieldLinkOptions, LinksOptions, LinkUse, CreateLinkOptions, FileLink } from "./links/types.js";
export type { LinkDenialReason } from "./links/check-link.js";
export { LinkSecretError } from "./links/secrets.js";

export { VARIANT_FORMATS } from "./variants/options.js";
export type { VariantOptions, VariantFormat, VariantFit } from "./variants/options.js";
export type { ImageOptions } from "./variants/settings.js";
export type { VariantGeneratedEvent, VariantGeneratedListener } from "./variants/events.js";
export { inProcessVariantLocker, postgresVariantLocker } from "./variants/locker.js";
export type { VariantLocker, PostgresVariantLockerOptions } from "./variants/locker.js";
export type { AdvisoryLockClient, AdvisoryLockPool } from "./locks/advisory.js";
export { UnprocessableImageError, SharpMissingError, VariantLockTimeoutError } from "./variants/errors.js";

export { createPrivateFileRoute } from "./route/create-route.js";
export type { PrivateFileRoute, RouteHandler } from "./route/create-route.js";

export { localFileStorage, localStorage, defaultStorageRoot, localRootOf } from "./storage/local.js";
export type { LocalStorageOptions } from "./storage/local.js";
export type { FileStorage, OpenedFile, ByteRange, SaveOptions, SavedFile, PresignOptions, PutOptions } from "./storage/types.js";
export { UnsafeStoredPathError, UploadTooLargeError } from "./storage/errors.js";
export type { FileTypeRule } from "./upload/file-types.js";
export type { UploadLimitsOptions, UploadSlotStore, QuotaSource, ResolvedUploadLimits } from "./limits/upload-limits.js";

export { readBody, readJson, RequestBodyError, isJsonContentType } from "./http/body-limit.js";
export type { BodyLimitOptions } from "./http/body-limit.js";
export { assertSameOrigin, appOrigins, normalizeOrigin, CrossSiteRequestError } from "./http/same-origin.js";
export type { AppOriginsOptions } from "./http/same-origin.js";
export { allowedHosts, isAllowedHost, misdirectedRequest } from "./http/allowed-host.js";
export { clientAddress, trustProxyFromEnv } from "./http/client-address.js";
export type { ClientAddressOptions, TrustProxy } from "./http/client-address.js";
export { CLIENT_ADDRESS_HEADER, LENGTH_HEADER } from "./http/shim-headers.js";
