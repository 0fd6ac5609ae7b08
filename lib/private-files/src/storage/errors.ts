/**
 * A stored path that would resolve outside the storage root (`..`, an absolute path, a
 * symlink out): never served. The file route answers 404 and logs a warning; storages
 * throw it from `open`, `save` and `delete`, and `privateModel` for a bad `uploadTo`.
 * @example
 * ```ts
 * import { UnsafeStoredPathError, localFileStorage } from "next-private-files";
 *
 * const storage = localFileStorage({ root: "data/files" });
 * try {
 *   await storage.delete("../etc/passwd");
 * } catch (error) {
 *   if (!(error instanceof UnsafeStoredPathError)) throw error;
 *   console.warn(`refused ${error.storedPath}: ${error.reason}`);
 * }
 * ```
 */
export class UnsafeStoredPathError extends Error {
  override readonly name = "UnsafeStoredPathError";
  constructor(
    /** The refused path, as the record or caller gave it. */
    readonly storedPath: string,
    /** Why it is unsafe (`"is absolute"`, `"resolves outside the storage root"`…). */
    readonly reason: string,
  ) {
    super(`stored path ${JSON.stringify(storedPath)} is unsafe: ${reason}`);
  }
}

/**
 * An upload over its size limit (status 413): refused from its declared size, or stopped
 * at the byte that went over while streaming, with nothing kept. Thrown by `storeUpload`
 * (and so by `readMultipart`) and by storages' `save`.
 * @example
 * ```ts
 * import { UploadTooLargeError } from "next-private-files/upload";
 *
 * declare function saveUpload(request: Request): Promise<Response>;
 *
 * export async function POST(request: Request): Promise<Response> {
 *   try {
 *     return await saveUpload(request);
 *   } catch (error) {
 *     if (error instanceof UploadTooLargeError) {
 *       return Response.json({ error: `the file is larger than ${error.maxBytes} bytes` }, { status: error.status });
 *     }
 *     throw error;
 *   }
 * }
 * ```
 */
export class UploadTooLargeError extends Error {
  override readonly name = "UploadTooLargeError";
  /** The HTTP status to answer with: 413. */
  readonly status = 413;
  constructor(
    /** The limit the upload went over, in bytes. */
    readonly maxBytes: number,
  ) {
    super(`upload exceeds the limit of ${maxBytes} bytes`);
  }
}
