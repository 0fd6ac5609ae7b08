import { randomUUID } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { contentTypeFor } from "../http/headers.js";
import { UploadTooLargeError } from "./errors.js";
import { relativeFolder, relativeSegments } from "./safe-path.js";
import type { ByteRange, FileStorage, OpenedFile, PresignOptions, PutOptions, SavedFile, SaveOptions } from "./types.js";

/** Options of `s3Storage`. */
export interface S3StorageOptions {
  /**
   * The client: region, endpoint, credentials. For MinIO, R2 and other S3-compatible
   * stores set `endpoint` and `forcePathStyle: true`; where the store rejects the
   * SDK's default CRC32 checksums, also `requestChecksumCalculation` and
   * `responseChecksumValidation: "WHEN_REQUIRED"` (see the README).
   */
  client: S3Client;
  /** The bucket; it must exist (creating it is the operator's job). */
  bucket: string;
  /**
   * A folder inside the bucket for every key: `"private/"` stores `docs/a.pdf` as
   * `private/docs/a.pdf`. Checked like a stored path; a trailing slash is implied.
   * The default, `""`, makes the keys the stored paths.
   * @default ""
   */
  prefix?: string;
  /**
   * Bytes per multipart part (at least 5 MiB, S3's minimum; less throws a TypeError).
   * Files up to one part go up in a single PutObject. The default is 5 MiB, or more when
   * the upload's `maxBytes` needs it to stay within S3's 10 000 parts.
   * @default Math.max(5 * 1024 * 1024, Math.ceil(maxBytes / 10_000))
   */
  partSize?: number;
  /**
   * Parts uploaded in parallel per upload (rounded down, at least 1); memory per upload is
   * about `(queueSize + 1) × partSize`.
   * @default 2
   */
  queueSize?: number;
}

const MiB = 1024 * 1024;
const MIN_PART_SIZE = 5 * MiB;
const MAX_PARTS = 10_000;

/**
 * Files in an S3 bucket (AWS S3, MinIO, Cloudflare R2, any S3-compatible store): for
 * deployments without a shared disk, or to let the bucket send the bytes
 * (`delivery: { mode: "redirect" }`, which needs this storage's presigned URLs).
 * Downloads stream a ranged GetObject, so only the bytes asked for cross the network;
 * the ETag and Last-Modified are the object's. Uploads stream through `@aws-sdk/lib-storage`
 * (multipart past one part) under the size limit; past it the upload is aborted and
 * nothing stays in the bucket. Needs the optional peers `@aws-sdk/client-s3`,
 * `@aws-sdk/lib-storage` and `@aws-sdk/s3-request-presigner`.
 * @param options - The client, the bucket and the upload tuning.
 * @throws {TypeError} without a bucket, or with a `partSize` under 5 MiB.
 * @throws {UnsafeStoredPathError} for a `prefix` that is not a plain relative path.
 * @example
 * ```ts
 * import { S3Client } from "@aws-sdk/client-s3";
 * import { s3Storage } from "next-private-files/s3";
 *
 * const storage = s3Storage({
 *   client: new S3Client({
 *     region: "auto",
 *     endpoint: process.env.S3_ENDPOINT, // MinIO, R2…; unset for AWS
 *     forcePathStyle: true,
 *   }),
 *   bucket: "my-app-files",
 *   prefix: "private/",
 * });
 * ```
 */
export function s3Storage(options: S3StorageOptions): FileStorage {
  return new S3Storage(options);
}

class S3Storage implements FileStorage {
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  readonly partSize: number | undefined;
  readonly queueSize: number;

  constructor(options: S3StorageOptions) {
    if (!options.bucket) throw new TypeError("s3Storage needs a bucket");
    if (options.partSize !== undefined && !(options.partSize >= MIN_PART_SIZE)) {
      throw new TypeError(`partSize must be at least ${MIN_PART_SIZE} bytes (S3's minimum part size)`);
    }
    this.client = options.client;
    this.bucket = options.bucket;
    const prefix = relativeFolder(options.prefix ?? "");
    this.prefix = prefix.length === 0 ? "" : `${prefix.join("/")}/`;
    this.partSize = options.partSize;
    this.queueSize = Math.max(1, Math.floor(options.queueSize ?? 2));
  }

  /** The object key of a stored path; throws UnsafeStoredPathError for `..`, absolute paths and the like. */
  private key(stored: string): string {
    return this.prefix + relativeSegments(stored).join("/");
  }

  async open(stored: string): Promise<OpenedFile | null> {
    const key = this.key(stored);
    let head;
    try {
      head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    const size = head.ContentLength;
    if (size === undefined || !Number.isSafeInteger(size) || size < 0) {
      throw new Error(`HeadObject of ${key} gave no usable Content-Length`);
    }
    const lastModified = head.LastModified ?? new Date(0);
    const etag = quotedEtag(head.ETag) ?? `"${size.toString(16)}-${lastModified.getTime().toString(16)}"`;
    return new S3OpenedFile(this.client, this.bucket, key, size, lastModified, etag, head.ETag);
  }

  async save(source: ReadableStream<Uint8Array>, options: SaveOptions): Promise<SavedFile> {
    const folder = relativeFolder(options.folder);
    const stored = [...folder, `${randomUUID()}${options.extension}`].join("/");
    const size = await this.upload(this.prefix + stored, source, options.maxBytes, contentTypeFor(`file${options.extension}`));
    return { path: stored, size };
  }

  async put(stored: string, source: ReadableStream<Uint8Array>, options: PutOptions): Promise<SavedFile> {
    const key = this.key(stored);
    // One object appears whole when its upload completes (a PutObject, or a multipart
    // upload's CompleteMultipartUpload): S3 has no half objects to serve.
    const size = await this.upload(key, source, options.maxBytes, options.contentType ?? contentTypeFor(stored));
    return { path: relativeSegments(stored).join("/"), size };
  }

  /** Streams `source` to `key` under `maxBytes`; on any failure nothing stays. Returns the bytes stored. */
  private async upload(key: string, source: ReadableStream<Uint8Array>, maxBytes: number, contentType: string): Promise<number> {
    let size = 0;
    let tooLarge = false;
    let sourceFailed: { error: unknown } | undefined;
    const counted = watchErrors(source, (error) => (sourceFailed = { error })).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          size += chunk.byteLength;
          if (size > maxBytes) {
            tooLarge = true;
            // Errors the body lib-storage reads (it aborts the multipart upload) and
            // cancels the source (the request body stops).
            controller.error(new UploadTooLargeError(maxBytes));
          } else {
            controller.enqueue(chunk);
          }
        },
      }),
    );
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: counted, ContentType: contentType },
      partSize: this.partSize ?? Math.max(MIN_PART_SIZE, Math.ceil(maxBytes / MAX_PARTS)),
      queueSize: this.queueSize,
      // Never leave parts behind: on any error lib-storage sends AbortMultipartUpload.
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      // A single PutObject may have landed before the failure was seen; remove it too.
      await this.removeKey(key).catch(() => undefined);
      // The cause, not a failed cleanup (an AbortMultipartUpload the store refused) hiding it.
      if (tooLarge) throw new UploadTooLargeError(maxBytes);
      if (sourceFailed) throw sourceFailed.error;
      throw error;
    }
    if (size > maxBytes) {
      await this.removeKey(key).catch(() => undefined);
      throw new UploadTooLargeError(maxBytes);
    }
    return size;
  }

  async deleteFolder(stored: string): Promise<void> {
    const prefix = `${this.key(stored)}/`;
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) await this.removeKey(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(stored: string): Promise<void> {
    await this.removeKey(this.key(stored));
  }

  private async removeKey(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async presignedUrl(stored: string, options: PresignOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.key(stored),
      ResponseContentType: options.contentType,
      ResponseContentDisposition: options.contentDisposition,
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresIn });
  }
}

class S3OpenedFile implements OpenedFile {
  /** Requests of streams taken and not yet finished: `close()` aborts them. */
  readonly #inFlight = new Set<AbortController>();

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    readonly size: number,
    readonly lastModified: Date,
    readonly etag: string,
    /** The ETag exactly as the store sent it, for `If-Match` on the GET. */
    private readonly rawEtag: string | undefined,
  ) {}

  stream(range?: ByteRange): ReadableStream<Uint8Array> {
    const start = range?.start ?? 0;
    const end = range?.end ?? this.size - 1;
    const expected = end - start + 1;
    const abort = new AbortController();
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let received = 0;
    const finish = () => {
      abort.abort();
      this.#inFlight.delete(abort);
    };
    this.#inFlight.add(abort);

    return new ReadableStream<Uint8Array>(
      {
        // Lazy: the GET goes out when the consumer first reads, and each read pulls one
        // chunk of the object's body (backpressure reaches the socket).
        pull: async (controller) => {
          try {
            if (expected <= 0) {
              this.#inFlight.delete(abort);
              controller.close();
              return;
            }
            if (!reader) {
              reader = await this.get(start, end, abort.signal);
              // Cancelled while the GET was on its way: release the body it brought.
              if (abort.signal.aborted) throw abort.signal.reason ?? new Error("stream cancelled");
            }
            const { done, value } = await reader.read();
            if (done) {
              // A short body must never look like a complete one: the route cuts the connection.
              if (received !== expected) throw new Error(`object ${this.key} ended after ${received} of ${expected} bytes`);
              this.#inFlight.delete(abort);
              controller.close();
              return;
            }
            received += value.byteLength;
            if (received > expected) throw new Error(`object ${this.key} sent more than the ${expected} bytes asked for`);
            controller.enqueue(value);
          } catch (error) {
            finish();
            await reader?.cancel(error).catch(() => undefined);
            controller.error(error);
          }
        },
        // The client went away: abort the request so its socket is not left busy.
        cancel: async (reason) => {
          finish();
          await reader?.cancel(reason).catch(() => undefined);
        },
      },
      { highWaterMark: 0 },
    );
  }

  /** A ranged GetObject of exactly `start`–`end`; `If-Match` makes a replaced object fail instead of mixing versions. */
  private async get(start: number, end: number, signal: AbortSignal): Promise<ReadableStreamDefaultReader<Uint8Array>> {
    const response = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.key,
        Range: `bytes=${start}-${end}`,
        IfMatch: this.rawEtag,
      }),
      { abortSignal: signal },
    );
    if (!response.Body) throw new Error(`GetObject of ${this.key} returned no body`);
    const body = response.Body.transformToWebStream() as ReadableStream<Uint8Array>;
    // Stores that ignore If-Match or Range must not slip another version or the whole
    // object under the headers already planned from HeadObject.
    const length = response.ContentLength;
    let problem: string | undefined;
    if (length !== undefined && length !== end - start + 1) problem = `answered ${length} bytes for a range of ${end - start + 1}`;
    else if (this.rawEtag && response.ETag && response.ETag !== this.rawEtag) problem = "changed since it was opened";
    if (problem) {
      await body.cancel().catch(() => undefined);
      throw new Error(`GetObject of ${this.key} ${problem}`);
    }
    return body.getReader();
  }

  async close(): Promise<void> {
    for (const abort of this.#inFlight) abort.abort();
    this.#inFlight.clear();
  }
}

/** The same bytes, telling `onError` when reading the source fails (the client went away mid-upload, say). */
function watchErrors(source: ReadableStream<Uint8Array>, onError: (error: unknown) => void): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          onError(error);
          controller.error(error);
          return;
        }
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/** The object is not there: HeadObject answers 404 NotFound, GetObject and DeleteObject NoSuchKey. */
function isMissing(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.$metadata?.httpStatusCode === 404 || e?.name === "NotFound" || e?.name === "NoSuchKey" || e?.Code === "NoSuchKey";
}

/** S3 sends ETags quoted; some compatible stores do not. Weak ones are kept as they are. */
function quotedEtag(etag: string | undefined): string | undefined {
  if (!etag) return undefined;
  if (/^(W\/)?"[^"]*"$/.test(etag)) return etag;
  return `"${etag.replace(/"/g, "")}"`;
}

/** Where an `s3Storage` keeps its objects: what the upload routes (tus, direct) write to. */
export interface S3Target {
  /** The storage's own client. */
  readonly client: S3Client;
  /** Its bucket. */
  readonly bucket: string;
  /** The key prefix (`""` or ending in `/`) put before every stored path. */
  readonly prefix: string;
}

/**
 * The client, bucket and prefix of an `s3Storage`, `undefined` for any other storage.
 * @example
 * ```ts
 * import { S3Client } from "@aws-sdk/client-s3";
 * import { s3Storage, s3TargetOf } from "next-private-files/s3";
 *
 * const storage = s3Storage({ client: new S3Client({}), bucket: "files", prefix: "private/" });
 * s3TargetOf(storage)?.prefix; // "private/"
 * ```
 */
export function s3TargetOf(storage: FileStorage): S3Target | undefined {
  return storage instanceof S3Storage ? { client: storage.client, bucket: storage.bucket, prefix: storage.prefix } : undefined;
}
