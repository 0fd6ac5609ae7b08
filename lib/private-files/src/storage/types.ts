/** An inclusive byte range, as in `Content-Range`. */
export interface ByteRange {
  /** The first byte, from 0. */
  readonly start: number;
  /** The last byte, included. */
  readonly end: number;
}

/** A stored file opened for one answer. Call `stream()` once, or `close()`. */
export interface OpenedFile {
  /** The whole file's size, in bytes. */
  readonly size: number;
  /** When the bytes last changed (`Last-Modified`). */
  readonly lastModified: Date;
  /** A strong validator for this version of the bytes (quoted, as sent in `ETag`). */
  readonly etag: string;
  /** The bytes (all, or one range); the stream owns the file from here and closes it when done or cancelled. */
  stream(range?: ByteRange): ReadableStream<Uint8Array>;
  /**
   * The bytes (all, or one range) read at once, then the file closed: cheaper than a
   * stream for small answers (up to SMALL_BODY_BYTES, ./small-body.ts). Optional: a
   * storage without it is always streamed. Call it instead of `stream()`, never both.
   */
  read?(range?: ByteRange): Promise<Uint8Array>;
  /** Releases the file when no stream was taken (HEAD, 304, 416…). Safe to call twice. */
  close(): Promise<void>;
  /** The file's real absolute path, when it lives on this machine (the `x-sendfile` delivery). */
  readonly localPath?: string;
}

/** What `FileStorage.save` is told about a new file. */
export interface SaveOptions {
  /** Folder under the storage root (`""`: the root). */
  readonly folder: string;
  /** Extension to keep on the generated name, with its dot, or "". */
  readonly extension: string;
  /** Largest accepted size; the write stops and nothing is kept past it. */
  readonly maxBytes: number;
}

/** A file `FileStorage.save` wrote. */
export interface SavedFile {
  /** The stored path, relative to the storage root: what the record keeps. */
  readonly path: string;
  /** Bytes written. */
  readonly size: number;
}

/** What `FileStorage.put` is told about a file written at an exact path. */
export interface PutOptions {
  /** Largest accepted size; the write stops and nothing is kept past it. */
  readonly maxBytes: number;
  /**
   * The `Content-Type` the store keeps with the object (S3); local files ignore it.
   * Unset: from the path's extension.
   */
  readonly contentType?: string;
}

/**
 * Where file bytes live: `localFileStorage` (this machine), `s3Storage` from
 * `next-private-files/s3`, or your own. A field's `storage` option, or the config's,
 * picks one.
 * @example
 * ```ts
 * import { localFileStorage, type FileStorage } from "next-private-files";
 * import { s3Storage } from "next-private-files/s3";
 * import { S3Client } from "@aws-sdk/client-s3";
 *
 * const storage: FileStorage =
 *   process.env.FILES_BUCKET !== undefined
 *     ? s3Storage({ client: new S3Client({}), bucket: process.env.FILES_BUCKET })
 *     : localFileStorage({ root: "data/files" });
 * ```
 */
export interface FileStorage {
  /**
   * Opens a stored path for reading. `null` when no file is there. Throws
   * `UnsafeStoredPathError` for a path that leaves the storage root, and any other
   * error when the storage itself fails (answered with 503).
   */
  open(path: string): Promise<OpenedFile | null>;
  /** Streams bytes into a new file under a generated name; all or nothing. */
  save(source: ReadableStream<Uint8Array>, options: SaveOptions): Promise<SavedFile>;
  /** Removes a stored file; a missing file is not an error. */
  delete(path: string): Promise<void>;
  /**
   * Writes bytes at exactly `path`, all or nothing: readers see the whole new file or
   * none (a temp file renamed in; one S3 object). A file already there is replaced. Past
   * `maxBytes` nothing is kept and `UploadTooLargeError` is thrown. Optional: image
   * variants need it (a field declaring `variants` on a storage without it is refused
   * at start-up).
   */
  put?(path: string, source: ReadableStream<Uint8Array>, options: PutOptions): Promise<SavedFile>;
  /**
   * Removes every file under the folder `path` (and the folder); a missing folder is not
   * an error. Optional: what deletes a file's image variants.
   */
  deleteFolder?(path: string): Promise<void>;
  /**
   * A short-lived URL that lets a client GET the stored file straight from the store
   * (an S3 presigned URL), answered with the given type and disposition. Only storages
   * that can hand out such URLs have it (S3 does, local files do not); the `redirect`
   * delivery needs it.
   */
  presignedUrl?(path: string, options: PresignOptions): Promise<string>;
}

/** What `FileStorage.presignedUrl` is asked for (the `redirect` delivery always passes all three). */
export interface PresignOptions {
  /** Seconds the URL stays valid. */
  readonly expiresIn: number;
  /**
   * `Content-Type` the store answers with (S3 `ResponseContentType`).
   * Unset: the object's own type.
   */
  readonly contentType?: string;
  /**
   * `Content-Disposition` the store answers with (S3 `ResponseContentDisposition`), so the browser keeps the right name.
   * Unset: the object's own disposition, if any.
   */
  readonly contentDisposition?: string;
}
