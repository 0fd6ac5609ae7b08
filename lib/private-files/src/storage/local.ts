import { randomUUID } from "node:crypto";
import { constants, existsSync, readlinkSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { Descriptor } from "./descriptor.js";
import { UnsafeStoredPathError, UploadTooLargeError } from "./errors.js";
import { fileRangeStream, readRange, readRangeSync } from "./file-stream.js";
import { isInside, relativeFolder, relativeSegments } from "./safe-path.js";
import { SMALL_BODY_BYTES } from "./small-body.js";
import type { ByteRange, FileStorage, OpenedFile, PutOptions, SavedFile, SaveOptions } from "./types.js";

/** Options of `localFileStorage`. */
export interface LocalStorageOptions {
  /** The storage root: keep it outside `public/`. Relative paths resolve from the working directory. */
  root: string;
  /**
   * Answers up to this many bytes are read with one synchronous read once the file is
   * open (the open itself stays asynchronous), and the file's size is read the same way:
   * from the page cache that takes microseconds, where each trip to the thread pool costs
   * more than the read (docs/performance.md). Set `0` when the root is on a network file
   * system, where a read may wait on the network and would hold up every request
   * meanwhile.
   * @default 65536 (the size up to which the stream delivery reads an answer whole)
   */
  syncReadMaxBytes?: number;
}

/**
 * Where the default storage lives: `PRIVATE_FILES_ROOT` (trimmed), else `data/files`
 * relative to the working directory. Read when called; the config calls it on the first
 * request that needs the default storage.
 * @param env - The environment to read.
 * @example
 * ```ts
 * import { defaultStorageRoot, localFileStorage } from "next-private-files";
 *
 * // The default storage, made explicit (to pass to a field, say).
 * const storage = localFileStorage({ root: defaultStorageRoot() });
 * ```
 */
export function defaultStorageRoot(env: NodeJS.ProcessEnv = process.env): string {
  // A constant path is a file reference to a bundler: without the comment, a bundle that
  // imports this (the proxy's did) traced every stored file under data/files.
  return env.PRIVATE_FILES_ROOT?.trim() || path.join(/* turbopackIgnore: true */ "data", "files");
}

// Bundler tracing: `next build` follows fs calls to find the files a route needs
// at run time and copies them into `.next/standalone`. A path it cannot work out
// (the storage root comes from configuration) makes Turbopack trace the whole
// project, so a Docker image would carry every stored file, the database and the
// secrets. Every fs call on a storage path below carries `turbopackIgnore`, which
// tells Turbopack the path is only known at run time; nothing of the root is traced.
// (Webpack builds trace with @vercel/nft, which adds only paths it can compute;
// apps also exclude their data folder with `outputFileTracingExcludes`.)

/**
 * Files in a directory on this machine: the default storage. Stored paths are relative
 * to `root`, which is created on first use; a stored path or symlink that leads outside
 * it is never served (`UnsafeStoredPathError`). Uploads go to a temp file beside their
 * final place and are renamed in, so no half file is ever served; files are written
 * `0640`, readable by a front server in the app's group (`x-accel-redirect`, `x-sendfile`).
 * @param options - The storage root.
 * @example
 * ```ts
 * import { localFileStorage } from "next-private-files";
 *
 * const storage = localFileStorage({ root: "/var/lib/my-app/files" });
 * ```
 */
export function localFileStorage(options: LocalStorageOptions): FileStorage {
  return createLocalStorage(options, PROC_FDS);
}

/**
 * The old name of {@link localFileStorage}, which shadowed the browser's `localStorage`.
 * @deprecated Use `localFileStorage`; this alias goes in 0.3.0.
 * @example
 * ```ts
 * // Before:
 * //   import { localStorage } from "next-private-files";
 * //   const storage = localStorage({ root: "/var/lib/my-app/files" });
 * import { localFileStorage } from "next-private-files";
 *
 * const storage = localFileStorage({ root: "/var/lib/my-app/files" });
 * ```
 */
export const localStorage = localFileStorage;

/**
 * Internal, not exported from the kit: `procFds: false` makes the storage work as it does
 * where there is no /proc (judge the path with realpath, then open it with O_NOFOLLOW),
 * so that the unit tests on Linux cover that way too.
 */
export function createLocalStorage(options: LocalStorageOptions, procFds: boolean): FileStorage {
  const syncReadMaxBytes = options.syncReadMaxBytes ?? SMALL_BODY_BYTES;
  if (!Number.isSafeInteger(syncReadMaxBytes) || syncReadMaxBytes < 0) throw new TypeError(`localFileStorage: syncReadMaxBytes must be a whole number of bytes, 0 or more (got ${syncReadMaxBytes})`);
  return new LocalStorage(path.resolve(/* turbopackIgnore: true */ options.root), procFds, syncReadMaxBytes);
}

class LocalStorage implements FileStorage {
  #realRoot: Promise<string> | undefined;

  constructor(
    readonly root: string,
    /** Ask /proc/self/fd where an opened file really is (Linux), instead of realpath before the open. */
    private readonly procFds: boolean,
    private readonly syncReadMaxBytes: number,
  ) {}

  /** The root with symlinks resolved, created on first use. */
  private realRoot(): Promise<string> {
    this.#realRoot ??= fs
      .mkdir(/* turbopackIgnore: true */ this.root, { recursive: true })
      .then(() => fs.realpath(/* turbopackIgnore: true */ this.root))
      .catch((error: unknown) => {
        this.#realRoot = undefined;
        throw error;
      });
    return this.#realRoot;
  }

  async open(stored: string): Promise<OpenedFile | null> {
    const segments = relativeSegments(stored);
    const root = await this.realRoot();
    let target = path.join(root, ...segments);
    // Stryker disable next-line ConditionalExpression: equivalent; on Linux, judging the path first as well costs one realpath call, and the descriptor check still decides
    if (!this.procFds) {
      // Without /proc (not Linux), judge where the path leads before opening it.
      const real = await realPathOrNull(target);
      if (real === null) return null;
      // Stryker disable next-line ConditionalExpression: equivalent; the same check runs on the same path right after the open
      if (!isInside(root, real)) throw new UnsafeStoredPathError(stored, "resolves outside the storage root");
      target = real;
    }

    let file: Descriptor;
    try {
      // O_NONBLOCK: opening a FIFO (or a device) for reading would otherwise wait for a
      // writer forever, holding a libuv thread; it is refused below as not a regular file.
      // Reads of regular files ignore the flag. O_NOFOLLOW where the path was judged
      // before the open: a symlink swapped in meanwhile is refused, not followed.
      const noFollow = this.procFds ? 0 : constants.O_NOFOLLOW;
      file = await Descriptor.open(target, constants.O_RDONLY | noFollow | (constants.O_NONBLOCK ?? 0));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    try {
      // A symlink inside the root may point anywhere: judge where the opened file really
      // is. Asking the descriptor (Linux) costs no extra trip to the thread pool and
      // leaves no gap between the check and the open for a symlink to be swapped in.
      const real = this.procFds ? openedPath(file.fd) : target;
      if (!isInside(root, real)) throw new UnsafeStoredPathError(stored, "resolves outside the storage root");
      // The inode's metadata, already in memory once the file is open: no trip to the pool.
      const stat = this.syncReadMaxBytes > 0 ? file.statSync() : await file.stat();
      if (!stat.isFile()) {
        await file.close();
        return null;
      }
      return openedFile(file, stat.size, stat.mtime, real, this.syncReadMaxBytes);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  async save(source: ReadableStream<Uint8Array>, options: SaveOptions): Promise<SavedFile> {
    const folderSegments = relativeFolder(options.folder);
    const realFolder = await this.folderInside(folderSegments, options.folder);
    const name = `${randomUUID()}${options.extension}`;
    const size = await writeAtomically(source, realFolder, name, options.maxBytes);
    return { path: [...folderSegments, name].join("/"), size };
  }

  async put(stored: string, source: ReadableStream<Uint8Array>, options: PutOptions): Promise<SavedFile> {
    const segments = relativeSegments(stored);
    const realFolder = await this.folderInside(segments.slice(0, -1), stored);
    const size = await writeAtomically(source, realFolder, segments[segments.length - 1]!, options.maxBytes);
    return { path: segments.join("/"), size };
  }

  /** A folder under the root, made if missing, with symlinks resolved; throws when it leads outside the root. */
  private async folderInside(segments: readonly string[], asked: string): Promise<string> {
    const root = await this.realRoot();
    const folder = path.join(root, ...segments);
    await fs.mkdir(/* turbopackIgnore: true */ folder, { recursive: true });
    const realFolder = await fs.realpath(/* turbopackIgnore: true */ folder);
    if (!isInside(root, realFolder)) {
      throw new UnsafeStoredPathError(asked, "upload folder resolves outside the storage root");
    }
    return realFolder;
  }

  async deleteFolder(stored: string): Promise<void> {
    const segments = relativeSegments(stored);
    const root = await this.realRoot();
    let folder: string;
    try {
      folder = await fs.realpath(/* turbopackIgnore: true */ path.join(root, ...segments.slice(0, -1)));
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    if (!isInside(root, folder)) throw new UnsafeStoredPathError(stored, "resolves outside the storage root");
    const target = path.join(folder, segments[segments.length - 1]!);
    // A symlink in the last segment is removed itself, never what it points at; a real
    // folder is removed with what it holds.
    await fs.rm(/* turbopackIgnore: true */ target, { recursive: true, force: true });
  }

  async delete(stored: string): Promise<void> {
    const segments = relativeSegments(stored);
    const root = await this.realRoot();
    const target = path.join(root, ...segments);
    let folder: string;
    try {
      folder = await fs.realpath(/* turbopackIgnore: true */ path.dirname(target));
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    if (!isInside(root, folder)) throw new UnsafeStoredPathError(stored, "resolves outside the storage root");
    // rm removes a symlink itself, never what it points at.
    await fs.rm(/* turbopackIgnore: true */ path.join(folder, path.basename(target)), { force: true });
  }
}

/**
 * Streams `source` into `name` in `folder` through a temp file beside it, renamed in:
 * readers see the whole file or none. Past `maxBytes` the write stops and the temp
 * file goes. Returns the bytes written.
 */
async function writeAtomically(source: ReadableStream<Uint8Array>, folder: string, name: string, maxBytes: number): Promise<number> {
  // The temp file sits beside its final place so the rename is atomic; its name
  // starts with a dot and is never a stored path, so no half file is ever served.
  const temp = path.join(folder, `.upload-${randomUUID()}.part`);
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) callback(new UploadTooLargeError(maxBytes));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(source as NodeWebReadableStream<Uint8Array>),
      limit,
      // Owner read-write, group read: a front server doing X-Accel-Redirect or
      // X-Sendfile reads the file when its user is in the app's group; others never.
      (await fs.open(/* turbopackIgnore: true */ temp, "wx", 0o640)).createWriteStream(),
    );
    await fs.rename(/* turbopackIgnore: true */ temp, /* turbopackIgnore: true */ path.join(folder, name));
  } catch (error) {
    await fs.rm(/* turbopackIgnore: true */ temp, { force: true });
    throw error;
  }
  return size;
}

function openedFile(file: Descriptor, size: number, lastModified: Date, localPath: string, syncReadMaxBytes: number): OpenedFile {
  const close = () => file.close();
  return {
    size,
    lastModified,
    localPath,
    // Stored names are generated and never rewritten, so mtime and size identify the
    // bytes. nginx's format ("<mtime s hex>-<size hex>"), so that validators agree
    // when nginx serves the file (x-accel-redirect).
    etag: `"${Math.floor(lastModified.getTime() / 1000).toString(16)}-${size.toString(16)}"`,
    stream(range?: ByteRange) {
      return fileRangeStream(file, range?.start ?? 0, range?.end ?? size - 1, close);
    },
    async read(range?: ByteRange) {
      const start = range?.start ?? 0;
      const end = range?.end ?? size - 1;
      if (end - start + 1 <= syncReadMaxBytes) {
        try {
          return readRangeSync(file, start, end);
        } finally {
          await close();
        }
      }
      try {
        return await readRange(file, start, end);
      } finally {
        await close();
      }
    },
    close,
  };
}

/** Linux names every open descriptor's file under /proc/self/fd. */
// Stryker disable next-line all: which way runs cannot be seen from outside on Linux; both give the same answers (local-storage-without-proc.test.ts runs both)
const PROC_FDS = process.platform === "linux" && existsSync("/proc/self/fd");

/** Where an open descriptor's file really is, symlinks resolved (Linux). */
function openedPath(fd: number): string {
  // A file removed since it was opened reads "<path> (deleted)": still where it was.
  return readlinkSync(/* turbopackIgnore: true */ `/proc/self/fd/${fd}`).replace(/ \(deleted\)$/, "");
}

async function realPathOrNull(target: string): Promise<string | null> {
  try {
    return await fs.realpath(/* turbopackIgnore: true */ target);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  // Stryker disable next-line OptionalChaining: equivalent; file system calls never reject with undefined
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP" || code === "EISDIR";
}

/**
 * The absolute root of a `localFileStorage`, `undefined` for any other storage: how the
 * upload routes (tus) write a field's bytes where that storage reads them.
 * @example
 * ```ts
 * import { localFileStorage, localRootOf } from "next-private-files";
 *
 * localRootOf(localFileStorage({ root: "/var/lib/my-app/files" })); // "/var/lib/my-app/files"
 * ```
 */
export function localRootOf(storage: FileStorage): string | undefined {
  return storage instanceof LocalStorage ? storage.root : undefined;
}
