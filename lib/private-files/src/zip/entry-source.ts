import { Readable } from "node:stream";
import { READ_CHUNK_BYTES } from "../storage/file-stream.js";

/**
 * Bytes read ahead of yazl: one storage chunk (READ_CHUNK_BYTES), so the next read (a
 * disk read, or an S3 response's next bytes) can run while yazl computes the current
 * chunk's CRC instead of after it. Memory stays flat: one chunk more. (On the shared
 * 2-core machine it was written on, the gain was within the noise: not a measured figure.)
 */
const READ_AHEAD_BYTES = READ_CHUNK_BYTES;

/**
 * A file's web stream as the Node stream yazl reads, pulling one chunk per `_read` (at
 * most one chunk read ahead: backpressure reaches the file), counting the bytes. Destroying it cancels
 * the web stream, which closes the file or aborts the object store's request.
 */
export class EntrySource extends Readable {
  /** Bytes read from the file so far. */
  bytes = 0;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(
    source: ReadableStream<Uint8Array>,
    private readonly onEnd: () => void,
  ) {
    super({ highWaterMark: READ_AHEAD_BYTES });
    this.reader = source.getReader();
  }

  override _read(): void {
    this.reader.read().then(
      ({ done, value }) => {
        if (done) {
          this.onEnd();
          this.push(null);
          return;
        }
        this.bytes += value.byteLength;
        this.push(value);
      },
      (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.reader.cancel(error ?? undefined).then(
      () => callback(error),
      () => callback(error),
    );
  }
}
