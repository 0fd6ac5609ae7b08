import type { Locker } from "@tus/utils";
import type { AnySession } from "../config/types.js";
import type { UploadCompleteHandler } from "../upload/intake/finish.js";

/** Options of `createUploadRoute`. */
export interface UploadRouteOptions<T, S extends AnySession = AnySession> {
  /**
   * The URL path the route is mounted at, without a trailing slash: `"/uploads"` for
   * `app/uploads/[[...tus]]/route.ts`. Upload URLs are `<path>/<upload id>`.
   */
  path: string;
  /**
   * Awaited when the last byte is stored and the file passed its checks (size, type,
   * `scan`): create the record here. What it returns is the body of the final PATCH
   * answer (JSON, status 200), which tus-js-client's `onSuccess` can read. If it throws,
   * the file is deleted and the client gets 503.
   */
  onUploadComplete: UploadCompleteHandler<T, S>;
  /**
   * Who may hold an upload while its bytes are written. The default, `@tus/server`'s
   * `MemoryLocker`, holds within one process only; with several instances use
   * `postgresAdvisoryLocker(pool)` (and a shared `uploads.pending` store).
   * @default new MemoryLocker()
   */
  locker?: Locker;
  /**
   * How long a request waits, once another asked for its upload's lock, before it is
   * cut (`@tus/server`'s `lockDrainTimeout`), in milliseconds.
   * @default 3000
   */
  lockDrainTimeoutMs?: number;
  /**
   * For S3 fields: `@tus/s3-store`'s tuning.
   * Unset: its defaults (8 MiB parts, 60 part uploads at once).
   */
  s3?: {
    /** Bytes per multipart part (at least 5 MiB). @default 8 MiB */
    partSize?: number;
    /** Parts uploaded at once, per process. @default 60 */
    maxConcurrentPartUploads?: number;
  };
}

/** The route handlers `createUploadRoute` returns: export them from a Next route file. */
export interface UploadRoute {
  /** tus discovery: version, extensions, max size. */
  OPTIONS(request: Request): Promise<Response>;
  /** Creation: authorizes, reserves the quota and answers the upload URL. */
  POST(request: Request): Promise<Response>;
  /** The upload's offset (how many bytes are stored), for resuming. */
  HEAD(request: Request): Promise<Response>;
  /** Bytes from an offset; the last ones complete the upload (`onUploadComplete`). */
  PATCH(request: Request): Promise<Response>;
  /** Termination: removes the bytes and the pending upload. */
  DELETE(request: Request): Promise<Response>;
  /**
   * Removes expired pending uploads: their bytes (file and `.json`; S3 multipart upload,
   * `.info` and `.part` objects) and their rows. Returns how many it removed.
   */
  prune(options?: { now?: Date; limit?: number }): Promise<number>;
}
