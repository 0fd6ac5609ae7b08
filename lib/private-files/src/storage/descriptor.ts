import fs from "node:fs";

/**
 * A file open for reading by its bare descriptor, not a `FileHandle`: local storage opens
 * one per download, and for the small answers that are most downloads a FileHandle's
 * open, stat, read and close are four trips to libuv's thread pool, each with its
 * promise, about 110 µs of CPU for a 4 KiB file here against 35 µs for an asynchronous
 * open followed by synchronous fstat, read and close (docs/performance.md). What a
 * FileHandle did for us is kept: `close` is idempotent, and waits for a read in flight,
 * so a descriptor is never closed (and its number reused) under a pending read.
 */
export class Descriptor {
  #closed: Promise<void> | undefined;
  #pending: Promise<unknown> | undefined;

  private constructor(readonly fd: number) {}

  /** Opens `target` (asynchronously: resolving a path may wait on the disk). */
  static open(target: string, flags: number): Promise<Descriptor> {
    return new Promise((resolve, reject) => {
      fs.open(/* turbopackIgnore: true */ target, flags, (error, fd) => (error ? reject(error) : resolve(new Descriptor(fd))));
    });
  }

  statSync(): fs.Stats {
    return fs.fstatSync(this.fd);
  }

  stat(): Promise<fs.Stats> {
    return this.#track(new Promise((resolve, reject) => fs.fstat(this.fd, (error, stats) => (error ? reject(error) : resolve(stats)))));
  }

  /** As FileHandle's `read`, so that `fileRangeStream` and `readRange` take either. */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    return this.#track(
      new Promise((resolve, reject) => fs.read(this.fd, buffer, offset, length, position, (error, bytesRead) => (error ? reject(error) : resolve({ bytesRead })))),
    );
  }

  readSync(buffer: Uint8Array, offset: number, length: number, position: number): number {
    return fs.readSync(this.fd, buffer, offset, length, position);
  }

  /**
   * Closes once, after any read in flight; never rejects (there is nothing left to do
   * about a failed close of a read-only file). With nothing in flight, which is every
   * close but an aborted stream's, it closes at once: closing a read-only descriptor
   * flushes nothing, and a trip to the thread pool for it cost more than the read of a
   * small file (a thumbnail's original, docs/performance.md).
   */
  close(): Promise<void> {
    if (this.#closed === undefined && this.#pending === undefined) {
      this.#closed = Promise.resolve();
      try {
        fs.closeSync(this.fd);
      } catch {
        // As below: a read-only descriptor has nothing to flush.
      }
    }
    this.#closed ??= Promise.resolve(this.#pending)
      .catch(() => undefined)
      .then(() => new Promise<void>((resolve) => fs.close(this.fd, () => resolve())));
    return this.#closed;
  }

  #track<T>(operation: Promise<T>): Promise<T> {
    const tracked = operation.finally(() => {
      if (this.#pending === tracked) this.#pending = undefined;
    });
    this.#pending = tracked;
    return tracked;
  }
}
