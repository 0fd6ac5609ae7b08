import { shouldDeflate } from "./compression.js";

const KiB = 1024;
const GiB = 1024 ** 3;

/** Options of `createZipRoute`: the limits of one zip request. */
export interface ZipRouteOptions {
  /**
   * Most files one zip may hold; a longer list gets 413 before any record is looked up.
   * @default 1000
   */
  readonly maxEntries?: number;
  /**
   * Most bytes (the files' sizes added up, before compression) one zip may hold; more gets
   * 413 once the files are authorized and their sizes known, before any byte is sent.
   * @default 17_179_869_184 (16 GiB)
   */
  readonly maxTotalBytes?: number;
  /**
   * Largest JSON body `POST` accepts, in bytes; a larger one gets 413 unread.
   * @default 262_144 (256 KiB: about 3,000 items)
   */
  readonly maxBodyBytes?: number;
  /**
   * The zip's file name when the request names none (`.zip` is added when missing).
   * @default "files.zip"
   */
  readonly defaultName?: string;
  /**
   * Whether a file is deflated, by its name in the zip: `() => false` stores everything,
   * `() => true` deflates everything (deflating data that does not shrink runs at some
   * 30 MB/s a core).
   * Unset: deflate only types known to shrink (text and data formats, bmp, tiff, wav,
   * tar…), store the rest, compressed types and unknown ones alike (see docs/zips.md).
   */
  readonly compress?: (entryName: string) => boolean;
}

/** The options with their defaults, checked. */
export interface ResolvedZipOptions {
  readonly maxEntries: number;
  readonly maxTotalBytes: number;
  readonly maxBodyBytes: number;
  readonly defaultName: string;
  readonly compress: (entryName: string) => boolean;
}

/** Defaults applied, each limit checked to be a positive whole number. @throws {TypeError} for one that is not. */
export function resolveZipOptions(options: ZipRouteOptions = {}): ResolvedZipOptions {
  return {
    maxEntries: whole(options.maxEntries, 1000, "maxEntries"),
    maxTotalBytes: whole(options.maxTotalBytes, 16 * GiB, "maxTotalBytes"),
    maxBodyBytes: whole(options.maxBodyBytes, 256 * KiB, "maxBodyBytes"),
    defaultName: options.defaultName ?? "files.zip",
    compress: options.compress ?? shouldDeflate,
  };
}

function whole(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`createZipRoute: ${name} must be a positive whole number, not ${value}`);
  return value;
}
