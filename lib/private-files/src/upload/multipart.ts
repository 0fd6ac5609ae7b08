import { Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import busboy from "busboy";
import { DEFAULT_IDLE_TIMEOUT_MS, idleTimer } from "../limits/idle-timeout.js";
import { UploadIdleTimeoutError } from "./errors.js";
import { decodeFormFileName } from "./form-file-name.js";
import type { UploadStream } from "./store-upload.js";
import { assertSameOrigin } from "../http/same-origin.js";
import { MultipartError } from "./multipart-error.js";

export { MultipartError };

/** Options of `readMultipart`. */
export interface MultipartOptions<T> {
  /** The form field that carries the file. */
  readonly fileField: string;
  /** Stores the file part while it streams in (typically `storeUpload`). */
  readonly onFile: (upload: UploadStream) => Promise<T>;
  /**
   * Largest text field, in bytes (64 KiB); a longer one fails with MultipartError (400).
   * @default 65_536
   */
  readonly maxFieldBytes?: number;
  /**
   * The app's own origins (`privateFiles.origins()`): when given, an upload another
   * site's page sent is refused with CrossSiteRequestError (403) before a byte is read.
   * Unset: no Origin check (do it yourself with `assertSameOrigin`).
   */
  readonly origins?: readonly string[];
  /**
   * Longest pause of the client, in milliseconds: a body that sends nothing for this
   * long fails with `UploadIdleTimeoutError` (408) and the file part's store is ended,
   * so its temp file goes. Pass the config's (`privateFiles.idleTimeoutMs`).
   * `Infinity` waits forever.
   * @default 60_000
   */
  readonly idleTimeoutMs?: number;
}

/** What `readMultipart` read: the text fields and what `onFile` returned. */
export interface MultipartResult<T> {
  /** The text fields, first value of each. */
  readonly fields: ReadonlyMap<string, string>;
  /** What `onFile` returned, or undefined when the form had no file part. */
  readonly file: T | undefined;
}

/**
 * Reads a multipart/form-data request as a stream: the file part goes to `onFile`
 * as it arrives, so an upload is never held in memory (`request.formData()` would
 * buffer it whole) and a size limit stops it early. One file part is read; others
 * are drained and ignored. Text fields keep their first value. Resolves once the body
 * is read and `onFile` has finished; a refusal while the client still sends lets it read
 * the answer before the connection is cut.
 * @returns The text fields, and what `onFile` returned (`undefined` without a file part).
 * @throws {CrossSiteRequestError} another site's page sent it (with `origins`; 403).
 * @throws {MultipartError} not multipart (415), or malformed, or a field too long (400).
 * @throws {UploadIdleTimeoutError} the client stopped sending (408).
 * Whatever `onFile` throws (`storeUpload`'s errors) is thrown as it is.
 * @example
 * ```ts
 * import { readMultipart, storeUpload } from "next-private-files/upload";
 * import type { PrivateFiles, PrivateModel } from "next-private-files";
 *
 * type Photo = { id: number; image: string | null };
 * declare const privateFiles: PrivateFiles<{ photos: PrivateModel<Photo, number, "image"> }>;
 *
 * export async function POST(request: Request): Promise<Response> {
 *   const form = await readMultipart(request, {
 *     fileField: "image",
 *     origins: privateFiles.origins(),
 *     idleTimeoutMs: privateFiles.idleTimeoutMs,
 *     onFile: (upload) => storeUpload(privateFiles, "photos", "image", upload, { user: "42" }),
 *   });
 *   const caption = form.fields.get("caption") ?? "";
 *   return Response.json({ path: form.file?.path, caption });
 * }
 * ```
 */
export function readMultipart<T>(request: Request, options: MultipartOptions<T>): Promise<MultipartResult<T>> {
  try {
    if (options.origins) assertSameOrigin(request, options.origins);
  } catch (error) {
    return Promise.reject(error);
  }
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType) || request.body === null) {
    return Promise.reject(new MultipartError("expected a multipart/form-data body", 415));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      // files: several, so a file under another field name cannot crowd out ours (the rest are drained).
      limits: { files: 8, fields: 32, parts: 40, fieldSize: options.maxFieldBytes ?? 64 * 1024 },
      defParamCharset: "utf8",
    });
  } catch (error) {
    return Promise.reject(new MultipartError(`unreadable multipart header: ${String(error)}`, 400));
  }
  const source = Readable.fromWeb(request.body as NodeWebReadableStream<Uint8Array>);

  return new Promise<MultipartResult<T>>((resolve, reject) => {
    const fields = new Map<string, string>();
    let file: Promise<T> | undefined;
    let fileStream: Readable | undefined;
    let settled = false;
    const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const idle = idleTimer(idleMs, () => fail(new UploadIdleTimeoutError(idleMs)));
    let clientFailed = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      idle.stop();
      source.unpipe(parser);
      // A refusal (too large, over quota, too many uploads…) while the client is still
      // sending: read on a little, discarding, so that the refusal reaches it. Closing a
      // socket with unread bytes makes the kernel send a reset, which can destroy the
      // answer before the client reads it. A client that hung up or stalled: stop now.
      if (clientFailed || error instanceof UploadIdleTimeoutError) source.destroy();
      else discardRest(source, idleMs);
      parser.destroy();
      // A client that goes away mid-upload: end the file part with the error, so the
      // store stops waiting for bytes that will never come and removes its temp file.
      fileStream?.destroy(error instanceof Error ? error : new Error(String(error)));
      reject(error);
    };

    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) fail(new MultipartError(`field ${name} is too long`, 400));
      else if (!fields.has(name)) fields.set(name, value);
    });
    parser.on("file", (name, stream, info) => {
      if (name !== options.fileField || file !== undefined) {
        stream.resume();
        return;
      }
      fileStream = stream;
      // Browsers escape three characters of the name (see decodeFormFileName).
      const fileName = decodeFormFileName(info.filename ?? "");
      file = options.onFile({ stream: Readable.toWeb(stream) as ReadableStream<Uint8Array>, name: fileName });
      // A failed store (too large, disk error) ends the whole read at once.
      file.catch((error: unknown) => {
        stream.destroy();
        fail(error);
      });
    });
    parser.on("error", (error) => fail(new MultipartError(`malformed multipart body: ${String(error)}`, 400)));
    source.on("error", (error) => {
      clientFailed = true;
      fail(error);
    });
    source.on("data", () => idle.touch());
    parser.on("close", () => {
      if (settled) return;
      // The body is all here; what remains (the store's rename) is not the client's to stall.
      idle.stop();
      (file ?? Promise.resolve(undefined)).then(
        (stored) => {
          if (settled) return;
          settled = true;
          idle.stop();
          resolve({ fields, file: stored });
        },
        fail,
      );
    });
    source.pipe(parser);
  });
}

/** Bytes of a refused body read and thrown away, at most, before the connection is cut. */
export const DISCARD_AFTER_REFUSAL_BYTES = 1024 * 1024;

/** Reads and drops what is left of a refused body (up to DISCARD_AFTER_REFUSAL_BYTES, while it keeps coming), then destroys it. */
function discardRest(source: Readable, idleMs: number): void {
  let discarded = 0;
  const stop = () => {
    clearTimeout(timer);
    source.destroy();
  };
  let timer = setTimeout(stop, Math.min(idleMs, 5000));
  source.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    clearTimeout(timer);
    if (discarded > DISCARD_AFTER_REFUSAL_BYTES) stop();
    else timer = setTimeout(stop, Math.min(idleMs, 5000));
  });
  source.once("end", () => clearTimeout(timer));
  source.resume();
}
