import { randomBytes, randomUUID } from "node:crypto";
import type { AnySession } from "../../config/types.js";
import type { PrivateFiles } from "../../config/define.js";
import type { AnyPrivateModel } from "../../config/model.js";
import { relativeFolder } from "../../storage/safe-path.js";
import { UploadTooLargeError } from "../../storage/errors.js";
import { QuotaExceededError, UnsupportedFileTypeError, UploadLimitsUnavailableError } from "../errors.js";
import { safeExtension, uploadName } from "../store-upload.js";
import type { PendingUpload } from "../pending/types.js";
import { UploadForbiddenError, UploadMismatchError, UploadUnavailableError } from "./errors.js";
import { uploadTarget, type UploadTarget } from "./target.js";

/** What a client declares when it begins an upload (tus creation, direct-upload intent). */
export interface UploadIntent {
  /** The model key, as in `models`. */
  readonly model: string;
  /** The file field. */
  readonly field: string;
  /** The client's file name (cleaned here). */
  readonly name: string;
  /** The declared length, in bytes. */
  readonly size: number;
  /**
   * Anything else the client sends along, kept for `onUploadComplete`.
   * Unset: none.
   */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Begins an upload of `intent.size` bytes to `intent.model`/`intent.field`, before any
 * byte arrives: reads the session, asks the field's `upload.condition`, checks the
 * declared length against its `maxSize` and the name's extension against its types, and
 * reserves the length against the user's quota (counting their other unfinished uploads,
 * atomically in the pending store). Returns the pending upload: its `id` for URLs, its
 * `key` for the bytes. The upload routes (tus, direct) call it; call it yourself for
 * another transport.
 * @throws {UploadTargetError} (404) no such field, or it declares no `upload`.
 * @throws {UploadForbiddenError} (401/403) the condition refused.
 * @throws {UploadMismatchError} (400) the size is not a whole number of bytes.
 * @throws {UploadTooLargeError} (413) over `maxSize`.
 * @throws {UnsupportedFileTypeError} (415) an extension the field does not accept.
 * @throws {QuotaExceededError} (413) over the user's quota.
 * @throws {UploadLimitsUnavailableError} (503) the quota's stores failed.
 * @throws {UploadUnavailableError} (503) the session could not be read.
 * @example
 * ```ts
 * import { beginUpload } from "next-private-files/upload";
 * import type { PrivateFiles, PrivateModel } from "next-private-files";
 *
 * type Video = { id: number; file: string | null };
 * declare const privateFiles: PrivateFiles<{ videos: PrivateModel<Video, number, "file"> }>;
 * declare const request: Request;
 *
 * const pending = await beginUpload(privateFiles, request, { model: "videos", field: "file", name: "talk.mp4", size: 3 * 1024 ** 3 }, "tus");
 * pending.key; // "videos/3f1c….mp4": where the bytes go
 * ```
 */
export async function beginUpload<M extends Record<string, AnyPrivateModel>>(
  files: PrivateFiles<M, AnySession>,
  request: Request,
  intent: UploadIntent,
  via: PendingUpload["via"],
): Promise<PendingUpload> {
  const target = uploadTarget(files, intent.model, intent.field);
  const { config, upload } = target;
  if (!Number.isSafeInteger(intent.size) || intent.size < 0) {
    throw new UploadMismatchError(`the declared length must be a whole number of bytes, got ${String(intent.size)}`);
  }
  const session = await config.getSession(request).catch((error: unknown) => {
    throw new UploadUnavailableError("the session could not be read; try again shortly", error);
  });
  const name = uploadName(intent.name);
  const metadata = intent.metadata ?? {};
  const user = session?.user ?? null;
  const allowed = await upload.condition({ request, session, user, model: intent.model, field: intent.field, name, size: intent.size, metadata });
  if (allowed !== true) throw new UploadForbiddenError(user !== null);

  const maxSize = upload.maxSize ?? config.maxUploadBytes;
  if (intent.size > maxSize) throw new UploadTooLargeError(maxSize);
  const extension = safeExtension(name);
  const type = typeFor(target, extension);
  const now = new Date();
  const pending: PendingUpload = {
    id: randomBytes(18).toString("base64url"),
    key: storageKey(target, name, extension),
    model: intent.model,
    field: intent.field,
    user: user?.id ?? null,
    name,
    size: intent.size,
    type,
    via,
    multipartId: null,
    metadata,
    createdAt: now,
    expiresAt: new Date(now.getTime() + config.uploads.pendingTtlMs),
  };
  await reserve(target, pending);
  return pending;
}

/** The allowed type the extension names; UnsupportedFileTypeError when it names none. `undefined`: any type goes. */
function typeFor({ upload }: UploadTarget, extension: string): string | undefined {
  if (!upload.allowedTypes) return undefined;
  const rule = upload.allowedTypes.find((candidate) => candidate.extensions.includes(extension));
  if (rule) return rule.type;
  const types = upload.allowedTypes.map((candidate) => candidate.type);
  const named = extension === "" ? "a file without an extension" : `a ${extension} file`;
  throw new UnsupportedFileTypeError(`${named} is not accepted here; accepted: ${types.join(", ")}`, types);
}

/** `<uploadTo folder>/<uuid><ext>`, as `storeUpload` names files; the folder checked like any stored path. */
function storageKey({ field }: UploadTarget, name: string, extension: string): string {
  return [...relativeFolder(field.uploadTo(name)), `${randomUUID()}${extension}`].join("/");
}

/** Reserves the declared length: with the user's other reservations counted, under the store's per-user lock. */
async function reserve({ config, upload }: UploadTarget, pending: PendingUpload): Promise<void> {
  const { quota, pending: store } = config.uploads;
  const user = pending.user;
  const counted = quota !== undefined && upload.quota && user !== null;
  let used = 0;
  const fits = async (reserved: number) => {
    if (!counted) return true;
    used = (await quota.usedBytes(user)) + reserved;
    return used + pending.size <= quota.bytes;
  };
  let reserved: boolean;
  try {
    reserved = await store.reserve(pending, fits);
  } catch (error) {
    throw new UploadLimitsUnavailableError(error);
  }
  if (!reserved) throw new QuotaExceededError(quota?.bytes ?? 0, used);
}
