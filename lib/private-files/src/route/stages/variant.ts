import { UnsafeStoredPathError } from "../../storage/errors.js";
import type { OpenedFile } from "../../storage/types.js";
import { openVariant } from "../../variants/ensure.js";
import { SharpMissingError, UnprocessableImageError, VariantLockTimeoutError } from "../../variants/errors.js";
import { variantFileName, variantKey } from "../../variants/options.js";
import type { Download } from "../download.js";
import { reject, type Rejection } from "../rejection.js";

/** A variant ready to send: the download, now serving the variant's stored file, and that file opened. */
export interface OpenedVariant {
  readonly download: Download;
  readonly file: OpenedFile;
}

/**
 * Stage 3 for a `?variant=`/`?w=` request, in place of `open`: runs only after the
 * request was authorized exactly as the original would be, so a variant never answers
 * where the original would not. Then, as `open` does, the URL's name; then the variant
 * by name (an undeclared one: 404), read from the storage or made on this first request
 * (see variants/ensure.ts). A non-image or SVG original: 404; one that cannot be resized:
 * 422; no sharp: 500 that says so.
 */
export async function openVariantOf(download: Download): Promise<OpenedVariant | Rejection> {
  if (download.path.filename !== download.name) return reject.notFound();
  const declared = download.variant?.declared;
  if (!declared) return reject.notFound();
  const { config, field, party, storedPath, log } = download;
  let opened: Awaited<ReturnType<typeof openVariant>>;
  try {
    opened = await openVariant({ config, model: party.model, field, recordId: party.recordId, storedPath }, declared, "request");
  } catch (error) {
    if (error instanceof UnprocessableImageError) {
      log.warn("an image variant could not be made", { variant: declared.name, reason: error.message });
      return reject.plain(422, "Unprocessable Content: this image cannot be resized");
    }
    if (error instanceof SharpMissingError) {
      log.error(error.message, { error: String(error.cause) });
      return reject.plain(500, "Internal Server Error: image variants need the sharp package (npm install sharp)");
    }
    if (error instanceof UnsafeStoredPathError) {
      log.warn("refused a stored path outside the storage root", { reason: error.message });
      return reject.notFound();
    }
    if (error instanceof VariantLockTimeoutError) log.error("gave up waiting for a variant another request is making", { error: error.message });
    else log.error("storage failed", { error: String(error) });
    return reject.unavailable();
  }
  if (opened === "missing") {
    log.warn("record points at a missing file", { path: storedPath });
    return reject.notFound();
  }
  if (opened === "not-image") return reject.notFound();
  const served = { storedPath: variantKey(storedPath, declared), name: variantFileName(download.name, declared, storedPath) };
  return { download: { ...download, served }, file: opened };
}
