import type { AnySession, UserOf } from "../../config/types.js";
import { internalsOf, type PrivateFiles } from "../../config/define.js";
import type { AnyPrivateModel } from "../../config/model.js";
import type { UploadRefusalReason } from "../../hooks/upload-refused.js";
import { InfectedUploadError, ScannerUnavailableError } from "../../scan/errors.js";
import { scanStored } from "../../scan/scan-stored.js";
import { UnsupportedFileTypeError } from "../errors.js";
import { SNIFF_BYTES } from "../file-types.js";
import type { PendingUpload, UploadVia } from "../pending/types.js";
import { UploadMismatchError, UploadNotSavedError, UploadTargetError } from "./errors.js";
import { assertLeadingBytes } from "./leading-bytes.js";
import { announceRefusal } from "./refusal.js";
import type { OpenedFile } from "../../storage/types.js";
import { uploadTarget, type UploadTarget } from "./target.js";
import { pregenerateVariants } from "../../variants/ensure.js";

/** What `onUploadComplete` is given: a checked, scanned file in the field's storage, with no record yet. */
export interface CompletedUpload<S extends AnySession = AnySession> {
  /** The model key. */
  readonly model: string;
  /** The file field. */
  readonly field: string;
  /** The stored path: save it in the record's field. */
  readonly path: string;
  /** The client's name, cleaned: save it for downloads. */
  readonly originalName: string;
  /** Bytes stored. */
  readonly size: number;
  /** The allowed type it was checked against; `undefined` when the field takes any type. */
  readonly type: string | undefined;
  /** What the client sent along (tus `Upload-Metadata`, the intent's `metadata`). */
  readonly metadata: Readonly<Record<string, string>>;
  /** The uploader's user id (who began it). */
  readonly userId: string | null;
  /** The session of the request that finished it. */
  readonly session: S | null;
  /** That session's user. */
  readonly user: UserOf<S> | null;
  /** The path it came by. */
  readonly via: UploadVia;
  /** The request that finished it. */
  readonly request: Request;
}

/**
 * Makes the record of a finished upload: awaited before the client's last request is
 * answered, so the file is visible exactly when the client hears it is done; what it
 * returns is answered (as JSON) to the client. A throw deletes the bytes (503).
 */
export type UploadCompleteHandler<T = unknown, S extends AnySession = AnySession> = (upload: CompletedUpload<S>) => Promise<T>;

/**
 * Finishes an upload whose bytes are all in the field's storage at `pending.key`: checks
 * the stored size against the declared one and the first bytes against the type, runs
 * the config's `scan`, then awaits `onComplete` (which makes the record) and forgets the
 * pending upload. Any refusal deletes the bytes, forgets the pending upload, tells
 * `on.uploadRefused` and throws; so does a failing `onComplete` (UploadNotSavedError).
 * Only the user who began the upload may finish it (anyone else: 404, nothing deleted).
 * @throws {UploadTargetError} (404) another user's upload, or the field no longer takes uploads.
 * @throws {UploadMismatchError} (400) the stored size is not the declared one.
 * @throws {UnsupportedFileTypeError} (415) the first bytes are not the type.
 * @throws {InfectedUploadError} (422) the scanner found malware.
 * @throws {ScannerUnavailableError} (503) the scanner gave no verdict.
 * @throws {UploadNotSavedError} (503) `onComplete` failed.
 * @example
 * ```ts
 * import { finishUpload, type PendingUpload } from "next-private-files/upload";
 * import type { PrivateFiles, PrivateModel } from "next-private-files";
 *
 * type Video = { id: number; file: string | null; fileName: string };
 * declare const privateFiles: PrivateFiles<{ videos: PrivateModel<Video, number, "file"> }>;
 * declare const prisma: { video: { create(args: { data: Omit<Video, "id"> }): Promise<Video> } };
 * declare const request: Request;
 * declare const pending: PendingUpload; // from beginUpload; its bytes now stored
 *
 * const video = await finishUpload(privateFiles, request, pending, (upload) =>
 *   prisma.video.create({ data: { file: upload.path, fileName: upload.originalName } }),
 * );
 * ```
 */
export async function finishUpload<M extends Record<string, AnyPrivateModel>, T>(
  files: PrivateFiles<M, AnySession>,
  request: Request,
  pending: PendingUpload,
  onComplete: UploadCompleteHandler<T, AnySession>,
): Promise<T> {
  const target = uploadTarget(files, pending.model, pending.field);
  const { config, storage } = target;
  const session = await config.getSession(request).catch(() => null);
  if (pending.user !== null && session?.user.id !== pending.user) throw new UploadTargetError("no such upload");
  const refuse = async (reason: UploadRefusalReason, error: Error & { readonly status: number }, signature?: string): Promise<never> => {
    await discard(target, pending);
    await announceRefusal(config, {
      model: pending.model,
      field: pending.field,
      via: pending.via,
      userId: pending.user,
      session,
      user: session?.user ?? null,
      name: pending.name,
      size: pending.size,
      reason,
      signature,
      status: error.status,
      request,
    });
    throw error;
  };

  const opened = await storage.open(pending.key);
  if (!opened) return refuse("size-mismatch", new UploadMismatchError("nothing was stored for this upload"));
  if (opened.size !== pending.size) {
    await opened.close();
    return refuse("size-mismatch", new UploadMismatchError(`the stored file has ${opened.size} bytes, ${pending.size} were declared`));
  }
  const head = await leadingBytes(opened, Math.min(SNIFF_BYTES, opened.size));
  try {
    assertLeadingBytes(target, pending, head);
  } catch (error) {
    if (error instanceof UnsupportedFileTypeError) return refuse("type-mismatch", error);
    throw error;
  }
  if (config.scan) {
    try {
      await scanStored(config.scan, storage, pending.key, { name: pending.name, size: pending.size });
    } catch (error) {
      if (error instanceof InfectedUploadError) return refuse("infected", error, error.signature);
      if (error instanceof ScannerUnavailableError) {
        config.logger.error("an upload could not be scanned, so it was not kept", { model: pending.model, field: pending.field, error: error.message, cause: error.cause });
        return refuse("scanner-unavailable", error);
      }
      throw error;
    }
  }
  // Checked and scanned: the variants declared `pregenerate` are made now, before the
  // record exists, so its first page already has them. Failures are only logged.
  await pregenerateVariants({ config, model: pending.model, field: target.field, recordId: null, storedPath: pending.key });
  let result: T;
  try {
    result = await onComplete({
      model: pending.model,
      field: pending.field,
      path: pending.key,
      originalName: pending.name,
      size: pending.size,
      type: pending.type,
      metadata: pending.metadata,
      userId: pending.user,
      session,
      user: session?.user ?? null,
      via: pending.via,
      request,
    });
  } catch (error) {
    config.logger.error("onUploadComplete failed; the upload's bytes were deleted", { model: pending.model, field: pending.field, error });
    await discard(target, pending);
    throw new UploadNotSavedError(error);
  }
  await config.uploads.pending.remove(pending.id).catch((error: unknown) => {
    // The record exists: a row left behind only over-counts the quota until it expires.
    config.logger.error("a finished upload's pending row could not be removed", { id: pending.id, error });
  });
  return result;
}

/** The first `bytes` bytes, then the file closed. */
async function leadingBytes(opened: OpenedFile, bytes: number): Promise<Uint8Array> {
  if (bytes === 0) {
    await opened.close();
    return new Uint8Array(0);
  }
  const range = { start: 0, end: bytes - 1 };
  if (opened.read) return opened.read(range);
  return new Uint8Array(await new Response(opened.stream(range)).arrayBuffer());
}

/** Deletes the bytes and forgets the pending upload; failures are logged (pruning retries the bytes). */
async function discard({ config, storage }: UploadTarget, pending: PendingUpload): Promise<void> {
  await storage.delete(pending.key).catch((error: unknown) => config.logger.error("a refused upload's bytes could not be deleted", { key: pending.key, error }));
  await config.uploads.pending.remove(pending.id).catch((error: unknown) => config.logger.error("a refused upload's pending row could not be removed", { id: pending.id, error }));
}

/**
 * Forgets a pending upload whose bytes the caller removed (a cancelled upload, a type
 * mismatch at byte 0): its reservation stops counting against the quota.
 * @example
 * ```ts
 * import { abandonUpload, type PendingUpload } from "next-private-files/upload";
 * import type { PrivateFiles, PrivateModel } from "next-private-files";
 *
 * declare const privateFiles: PrivateFiles<{ videos: PrivateModel<{ id: number; file: string | null }, number, "file"> }>;
 * declare const pending: PendingUpload;
 *
 * await abandonUpload(privateFiles, pending);
 * ```
 */
export async function abandonUpload<M extends Record<string, AnyPrivateModel>>(files: PrivateFiles<M, AnySession>, pending: PendingUpload): Promise<void> {
  await internalsOf(files).config.uploads.pending.remove(pending.id);
}
