import { UnsafeStoredPathError } from "../../storage/errors.js";
import type { OpenedFile } from "../../storage/types.js";
import type { Download } from "../download.js";
import { reject, type Rejection } from "../rejection.js";

/**
 * Stage 3, open: the URL's name segment, then the field's storage. Only now, once the
 * request is authorized, is the name compared: a refused user gets the same answer
 * whatever name they send, so names cannot be guessed.
 */
export async function open(download: Download): Promise<OpenedFile | Rejection> {
  if (download.path.filename !== download.name) return reject.notFound();
  const { config, field, log } = download;
  const { storedPath } = download.served;
  let file: OpenedFile | null;
  try {
    file = await config.storageOf(field).open(storedPath);
  } catch (error) {
    if (error instanceof UnsafeStoredPathError) {
      log.warn("refused a stored path outside the storage root", { reason: error.message });
      return reject.notFound();
    }
    log.error("storage failed", { error: String(error) });
    return reject.unavailable();
  }
  if (!file) {
    log.warn("record points at a missing file", { path: storedPath });
    return reject.notFound();
  }
  return file;
}
