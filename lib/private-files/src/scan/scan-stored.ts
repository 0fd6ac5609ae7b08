import type { FileStorage } from "../storage/types.js";
import { InfectedUploadError, ScannerUnavailableError } from "./errors.js";
import type { Scanner } from "./types.js";

/**
 * Scans a stored file with the configured scanner. Throws InfectedUploadError for an
 * infected verdict and ScannerUnavailableError when no verdict came (any failure of
 * the scanner or of reading the file counts: fail closed). Deletes nothing.
 */
export async function scanStored(scanner: Scanner, storage: FileStorage, path: string, info: { readonly name: string; readonly size: number }): Promise<void> {
  let verdict;
  try {
    const opened = await storage.open(path);
    if (!opened) throw new Error(`the stored file ${path} is gone`);
    verdict = await scanner.scan(opened.stream(), info);
  } catch (error) {
    if (error instanceof ScannerUnavailableError) throw error;
    throw new ScannerUnavailableError("the file could not be scanned", { cause: error });
  }
  if (!verdict.clean) throw new InfectedUploadError(verdict.signature);
}
