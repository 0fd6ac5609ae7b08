// next-private-files/tus: resumable uploads over the tus 1.0 protocol (`@tus/server`),
// into a field's local or S3 storage, with the core's checks (session, condition, size,
// type, quota, scan). It alone loads the @tus packages (optional peers).
export { createUploadRoute } from "./tus/create-upload-route.js";
export type { UploadRoute, UploadRouteOptions } from "./tus/options.js";
export { postgresAdvisoryLocker } from "./tus/postgres-locker.js";
export type { AdvisoryLockClient, AdvisoryLockPool, PostgresLockerOptions } from "./tus/postgres-locker.js";
