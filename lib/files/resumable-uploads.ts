import pg from "pg";
import type { Locker } from "@tus/utils";
import { createUploadRoute, postgresAdvisoryLocker } from "next-private-files/tus";
import { databaseUrl, isPostgresUrl } from "../db/database-url";
import { submissionFromUpload } from "./create-submission";
import { privateFiles } from "./private-files";

// The demo's resumable uploads (tus 1.0), mounted at app/uploads/[[...tus]]/route.ts and
// used by the upload form (app/_components/upload-form.tsx). Built here, not in the route
// file, so that a script (pruning) can reach the same route object.

/** Where the route is mounted: upload URLs are `/uploads/<id>`. */
export const RESUMABLE_UPLOAD_PATH = "/uploads";

/**
 * PostgreSQL: several app instances may serve one upload (a client resumes on another),
 * so its lock is a PostgreSQL advisory lock, on a small pool of its own (a PATCH holds a
 * connection while it writes, plus one LISTEN connection per process). SQLite: one
 * instance, the route's in-process lock is enough.
 */
function lockerFromEnv(): Locker | undefined {
  const url = databaseUrl();
  if (!isPostgresUrl(url)) return undefined;
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.UPLOAD_LOCK_POOL_SIZE) || 10,
    connectionTimeoutMillis: Number(process.env.POSTGRES_CONNECT_TIMEOUT_MS) || 3000,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection the server dropped leaves the pool; do not crash the process.
  pool.on("error", (error) => console.warn(`postgres (upload locks): idle connection lost: ${error.message}`));
  return postgresAdvisoryLocker(pool);
}

/** FileSubmission uploads: the record is made when the last byte passed its checks. */
export const resumableUploads = createUploadRoute(privateFiles, {
  path: RESUMABLE_UPLOAD_PATH,
  onUploadComplete: submissionFromUpload,
  locker: lockerFromEnv(),
});
