// What createDirectUploadRoute takes, and its defaults checked once at start-up.
import type { AnySession } from "../config/types.js";
import type { UploadCompleteHandler } from "./core.js";
import { DEFAULT_PART_BYTES, MAX_PART_BYTES, MIN_PART_BYTES } from "./plan.js";

/** Options of `createDirectUploadRoute`. */
export interface DirectUploadOptions<T, S extends AnySession = AnySession> {
  /**
   * Creates the record once the object passed every check (size, leading bytes, scan);
   * awaited, and what it returns is the completion's JSON answer (201). When it throws,
   * the object is deleted and the completion answers 503: nothing is half kept.
   */
  onUploadComplete: UploadCompleteHandler<T, S>;
  /**
   * The URL path the route is mounted at (the folder of `[[...step]]/route.ts`): the
   * completion and cancel URLs in the intent's answer are under it.
   * @default "/uploads/direct"
   */
  basePath?: string;
  /**
   * How long the presigned URLs stay valid, in seconds (1 to 604 800, S3's most). Short,
   * because a URL is a bearer credential: anyone holding it may write that object until
   * it expires; 15 minutes is enough to start sending a part, and S3 checks the expiry
   * when a request starts, so a slow PUT that began in time still finishes. Part URLs for
   * a long upload can be signed again (`POST <id>/parts`). Never past the upload's own
   * expiry (`uploads.pendingTtlMs`).
   * @default 900
   */
  expiresInSeconds?: number;
  /**
   * Bytes per part of a multipart upload (files over 100 MiB): at least 5 MiB, at most
   * 5 GiB; raised to whole MiB when the file would need more than 10 000 parts.
   * @default 16 * 1024 * 1024
   */
  partSize?: number;
}

/** The options with defaults applied. */
export interface ResolvedDirectOptions<T, S extends AnySession> {
  readonly onUploadComplete: UploadCompleteHandler<T, S>;
  readonly basePath: string;
  readonly expiresInSeconds: number;
  readonly partSize: number;
}

const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** Applies the defaults; throws TypeError for values S3 would refuse later. */
export function resolveDirectOptions<T, S extends AnySession>(options: DirectUploadOptions<T, S>): ResolvedDirectOptions<T, S> {
  if (typeof options.onUploadComplete !== "function") throw new TypeError("createDirectUploadRoute needs onUploadComplete");
  const expiresInSeconds = options.expiresInSeconds ?? 900;
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
    throw new TypeError(`expiresInSeconds must be a whole number of seconds from 1 to ${MAX_PRESIGN_SECONDS}`);
  }
  const partSize = options.partSize ?? DEFAULT_PART_BYTES;
  if (!Number.isInteger(partSize) || partSize < MIN_PART_BYTES || partSize > MAX_PART_BYTES) {
    throw new TypeError(`partSize must be from ${MIN_PART_BYTES} (5 MiB) to ${MAX_PART_BYTES} (5 GiB) bytes`);
  }
  const trimmed = (options.basePath ?? "/uploads/direct").replace(/^\/+|\/+$/g, "");
  return { onUploadComplete: options.onUploadComplete, basePath: trimmed ? `/${trimmed}` : "", expiresInSeconds, partSize };
}
