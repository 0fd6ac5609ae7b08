import type { AnySession } from "../config/types.js";
import path from "node:path";
import { internalsOf, type PrivateFiles, type ResolvedConfig } from "../config/define.js";
import type { AnyPrivateModel, CompiledField, FieldOf } from "../config/model.js";
import { displayName } from "../http/headers.js";
import { UploadTooLargeError } from "../storage/errors.js";
import { idleUploadStream } from "../limits/idle-timeout.js";
import { acquireUploadSlot, hasUploadLimits, remainingQuota, type ResolvedUploadLimits } from "../limits/upload-limits.js";
import { QuotaExceededError, UnsupportedFileTypeError } from "./errors.js";
import { SNIFF_BYTES, type FileTypeRule } from "./file-types.js";
import { peek } from "./peek.js";
import type { FileStorage } from "../storage/types.js";
import { InfectedUploadError, ScannerUnavailableError } from "../scan/errors.js";
import { scanStored } from "../scan/scan-stored.js";
import { announceRefusal } from "./intake/refusal.js";
import { pregenerateVariants } from "../variants/ensure.js";
import { variantsFolder } from "../variants/options.js";

/** An upload given as a stream, when there is no web `File` (a multipart parser's part, say). */
export interface UploadStream {
  /** The file's bytes, read once. */
  readonly stream: ReadableStream<Uint8Array>;
  /** The name the client sent; kept (cleaned) for `Content-Disposition`. */
  readonly name: string;
  /** The declared size, when known: a larger one is refused before any byte is written. */
  readonly size?: number;
}

/** What `storeUpload` stored: save `path` (and `originalName`) in the record. */
export interface StoredUpload {
  /** Stored path relative to the storage root: save it in the record's field. */
  readonly path: string;
  /** The client's name, cleaned of control characters and path separators and cut to 255 characters: save it for downloads. */
  readonly originalName: string;
  /** Bytes stored. */
  readonly size: number;
}

/** Longest original name kept, in characters: fits a URL segment and any file system's name limit. */
export const MAX_NAME_LENGTH = 255;

/**
 * The client's name cleaned for display (control characters and bidirectional overrides
 * dropped, `/` and `\` replaced by `_`, an empty name made `download`), cut to
 * MAX_NAME_LENGTH characters keeping its extension: what `storeUpload` returns as
 * `originalName`.
 * @example
 * ```ts
 * import { uploadName } from "next-private-files/upload";
 *
 * uploadName("../../report\u0000.pdf"); // ".._.._report.pdf"
 * ```
 */
export function uploadName(name: string): string {
  const cleaned = Array.from(displayName(name));
  if (cleaned.length <= MAX_NAME_LENGTH) return cleaned.join("");
  const extension = Array.from(safeExtension(cleaned.join("")));
  return [...cleaned.slice(0, MAX_NAME_LENGTH - extension.length), ...extension].join("");
}

/**
 * The extension kept on a stored file's generated name: the name's own, lower case, when
 * it is a dot and 1 to 16 letters or digits; else `""`.
 * @example
 * ```ts
 * import { safeExtension } from "next-private-files/upload";
 *
 * safeExtension("Report.PDF"); // ".pdf"
 * safeExtension("archive.tar.gz"); // ".gz"
 * safeExtension("notes"); // ""
 * ```
 */
export function safeExtension(name: string): string {
  const extension = path.extname(name).toLowerCase();
  return /^\.[a-z0-9]{1,16}$/.test(extension) ? extension : "";
}

/** Options of `storeUpload`. */
export interface StoreUploadOptions {
  /**
   * The size limit for this upload, in bytes. It replaces the field's limit rather than
   * lowering it (a larger value raises it), so pass only a smaller one.
   * Unset: the field's `maxUploadBytes`, else the config's.
   */
  readonly maxBytes?: number;
  /**
   * The uploading user's id: required when the config sets `uploads` limits (a quota
   * or a concurrent-upload limit), which are counted per user. `null`: a write by the
   * application itself (a seed, an import), under no user's limits; never pass it for
   * a client's upload.
   * Unset: allowed only when the config sets no `uploads` limits (else a TypeError).
   */
  readonly user?: string | null;
  /**
   * The request the upload came in (the multipart POST): given to `on.uploadRefused`
   * listeners and the session they see when the scanner refuses the file.
   * Unset: they get `null`.
   */
  readonly request?: Request;
}

/**
 * Stores an upload for `model.field`: under the field's `uploadTo` folder, with a
 * generated unique name that keeps the extension, written to a temp file and renamed
 * into place. Past the size limit the write stops, the temp file is removed and an
 * `UploadTooLargeError` (status 413) is thrown. A type the field does not allow
 * (by extension, then by leading bytes) throws `UnsupportedFileTypeError` (415)
 * before anything is written. With the config's `uploads` limits: a user with all
 * upload slots taken gets `TooManyUploadsError` (429) and one over the quota
 * `QuotaExceededError` (413), before anything is written or at the byte that goes
 * over. A client that sends nothing for `idleTimeoutMs` gets `UploadIdleTimeoutError`
 * (408). In every refusal the temp file is removed.
 *
 * Give it a web `File` (from `request.formData()`, for small forms) or the stream
 * `readMultipart` hands to `onFile` (never buffered). Then write the record with the
 * returned `path`; if that fails, `deleteStoredFile` it.
 * @param files - What `definePrivateFiles` returned.
 * @param model - The model key, as in `models`.
 * @param field - The file field of that model.
 * @param upload - The file, or a stream with its client-sent name.
 * @throws {UploadTooLargeError} over the size limit (413).
 * @throws {UnsupportedFileTypeError} a type the field does not allow (415).
 * @throws {QuotaExceededError} over the user's quota (413).
 * @throws {TooManyUploadsError} all the user's upload slots taken (429).
 * @throws {UploadIdleTimeoutError} the client stopped sending (408).
 * @throws {UploadLimitsUnavailableError} the limits' stores failed (503).
 * @throws {TypeError} no such field, or no `user` while the config sets `uploads` limits.
 * @example
 * ```ts
 * // app/api/invoices/route.ts
 * import { readMultipart, storeUpload } from "next-private-files/upload";
 * import type { PrivateFiles, PrivateModel } from "next-private-files";
 *
 * type Invoice = { id: number; ownerId: string; pdf: string | null; pdfName: string | null };
 * declare const privateFiles: PrivateFiles<{ invoices: PrivateModel<Invoice, number, "pdf" | "pdfName"> }>;
 * declare const prisma: { invoice: { create(args: { data: Omit<Invoice, "id"> }): Promise<Invoice> } };
 * declare function currentUserId(): Promise<string>;
 *
 * export async function POST(request: Request): Promise<Response> {
 *   const user = await currentUserId();
 *   const form = await readMultipart(request, {
 *     fileField: "file",
 *     origins: privateFiles.origins(),
 *     idleTimeoutMs: privateFiles.idleTimeoutMs,
 *     onFile: (upload) => storeUpload(privateFiles, "invoices", "pdf", upload, { user }),
 *   });
 *   if (!form.file) return Response.json({ error: "no file" }, { status: 400 });
 *   const invoice = await prisma.invoice.create({ data: { ownerId: user, pdf: form.file.path, pdfName: form.file.originalName } });
 *   return Response.json({ id: invoice.id }, { status: 201 });
 * }
 * ```
 */
export async function storeUpload<M extends Record<string, AnyPrivateModel>, K extends keyof M & string>(
  files: PrivateFiles<M, AnySession>,
  model: K,
  field: FieldOf<M[K]>,
  upload: File | UploadStream,
  options: StoreUploadOptions = {},
): Promise<StoredUpload> {
  const { config, field: lookup } = internalsOf(files);
  const found = lookup(model, field);
  if (!found) throw new TypeError(`no private file field ${model}.${field}`);
  const source = upload instanceof Blob ? { stream: upload.stream(), name: upload.name, size: upload.size } : upload;
  try {
    return await store(config, found.field, source, { ...options, model, field });
  } catch (error) {
    // Refused before the store took the stream: stop the client's body. (Once taken,
    // the stream is locked, this cancel fails, and the store has ended it already.)
    await source.stream.cancel().catch(() => undefined);
    throw error;
  }
}


async function store(config: ResolvedConfig, field: CompiledField, source: UploadStream, options: StoreUploadOptions & { model: string; field: string }): Promise<StoredUpload> {
  const fieldMax = options.maxBytes ?? field.maxUploadBytes ?? config.maxUploadBytes;
  if (source.size !== undefined && source.size > fieldMax) throw new UploadTooLargeError(fieldMax);
  if (hasUploadLimits(config.uploads) && options.user === undefined) {
    throw new TypeError("storeUpload: the config sets per-user upload limits, so pass the uploading user (options.user)");
  }
  const limits: ResolvedUploadLimits = options.user === null || options.user === undefined ? { ...config.uploads, quota: undefined, concurrency: undefined } : config.uploads;
  const user = options.user ?? "";
  const slot = await acquireUploadSlot(limits, user);
  try {
    const quota = await remainingQuota(limits, user);
    const overQuota = () => new QuotaExceededError(limits.quota?.bytes ?? 0, quota.used);
    if (source.size !== undefined && source.size > quota.remaining) throw overQuota();
    const maxBytes = Math.min(fieldMax, quota.remaining);
    const originalName = uploadName(source.name);
    const extension = safeExtension(originalName);
    const watched = idleUploadStream(source.stream, config.idleTimeoutMs);
    const stream = field.allowedTypes ? await checkType(watched, extension, field.allowedTypes) : watched;
    const storage = config.storageOf(field);
    try {
      const saved = await storage.save(stream, { folder: field.uploadTo(originalName), extension, maxBytes });
      if (config.scan) await scanSaved(config, storage, { ...saved, originalName }, options);
      // Stored and scanned: the variants declared `pregenerate` are made now, awaited.
      await pregenerateVariants({ config, model: options.model, field, recordId: null, storedPath: saved.path });
      return { path: saved.path, originalName, size: saved.size };
    } catch (error) {
      // The quota, not the field's limit, was what the upload went over.
      if (error instanceof UploadTooLargeError && maxBytes < fieldMax) throw overQuota();
      throw error;
    }
  } finally {
    await slot.release().catch(() => undefined);
  }
}

/** Scans a saved upload; refused (infected, scanner down), it is deleted and `on.uploadRefused` told. */
async function scanSaved(config: ResolvedConfig, storage: FileStorage, saved: StoredUpload, options: StoreUploadOptions & { model: string; field: string }): Promise<void> {
  if (!config.scan) return;
  try {
    await scanStored(config.scan, storage, saved.path, { name: saved.originalName, size: saved.size });
  } catch (error) {
    await storage.delete(saved.path).catch((failure: unknown) => config.logger.error("a refused upload's bytes could not be deleted", { path: saved.path, error: failure }));
    if (!(error instanceof InfectedUploadError || error instanceof ScannerUnavailableError)) throw error;
    if (error instanceof ScannerUnavailableError) config.logger.error("an upload could not be scanned, so it was not kept", { error: error.message, cause: error.cause });
    const session = options.request ? await config.getSession(options.request).catch(() => null) : null;
    await announceRefusal(config, {
      model: options.model,
      field: options.field,
      via: "multipart",
      userId: options.user ?? null,
      session,
      user: session?.user ?? null,
      name: saved.originalName,
      size: saved.size,
      reason: error instanceof InfectedUploadError ? "infected" : "scanner-unavailable",
      signature: error instanceof InfectedUploadError ? error.signature : undefined,
      status: error.status,
      request: options.request ?? null,
    });
    throw error;
  }
}

/** The extension picks the type; the leading bytes must fit it. Returns the stream to store. */
async function checkType(
  source: ReadableStream<Uint8Array>,
  extension: string,
  allowed: readonly FileTypeRule[],
): Promise<ReadableStream<Uint8Array>> {
  const types = allowed.map((rule) => rule.type);
  const rule = allowed.find((candidate) => candidate.extensions.includes(extension));
  if (!rule) {
    await source.cancel().catch(() => undefined);
    const named = extension === "" ? "a file without an extension" : `a ${extension} file`;
    throw new UnsupportedFileTypeError(`${named} is not accepted here; accepted: ${types.join(", ")}`, types);
  }
  const { head, stream } = await peek(source, SNIFF_BYTES);
  if (!rule.matches(head)) {
    await stream.cancel().catch(() => undefined);
    throw new UnsupportedFileTypeError(`the file's content is not ${rule.type}, as its ${extension} extension says`, types);
  }
  return stream;
}

/**
 * Removes a stored file of `model.field`, from that field's storage: after a failed
 * database write, or when a record is deleted. Its image variants go too (those of
 * older variant options included: the whole folder beside it), on a storage that can
 * `deleteFolder`. A file already gone is not an error.
 * @param storedPath - The path `storeUpload` returned (the record's field).
 * @throws {TypeError} when the model has no such field.
 * @throws {UnsafeStoredPathError} for a path that leaves the storage root.
 * @example
 * ```ts
 * import { deleteStoredFile } from "next-private-files/upload";
 * import type { PrivateFiles, PrivateModel } from "next-private-files";
 *
 * type Invoice = { id: number; pdf: string | null };
 * declare const privateFiles: PrivateFiles<{ invoices: PrivateModel<Invoice, number, "pdf"> }>;
 * declare const prisma: { invoice: { delete(args: { where: { id: number } }): Promise<Invoice> } };
 *
 * const deleted = await prisma.invoice.delete({ where: { id: 7 } });
 * if (deleted.pdf) await deleteStoredFile(privateFiles, "invoices", "pdf", deleted.pdf);
 * ```
 */
export async function deleteStoredFile<M extends Record<string, AnyPrivateModel>, K extends keyof M & string>(
  files: PrivateFiles<M, AnySession>,
  model: K,
  field: FieldOf<M[K]>,
  storedPath: string,
): Promise<void> {
  const { config, field: lookup } = internalsOf(files);
  const found = lookup(model, field);
  if (!found) throw new TypeError(`no private file field ${model}.${field}`);
  const storage = config.storageOf(found.field);
  await storage.delete(storedPath);
  // Whatever the field declares now: variants made under an earlier declaration go too.
  await storage.deleteFolder?.(variantsFolder(storedPath));
}
