import type { DownloadOutcome } from "../hooks/download-finished.js";
import type { ByteRange, FileStorage, OpenedFile } from "../storage/types.js";
import type { Delivery } from "./types.js";

/**
 * A delivery mode that cannot work with the field's storage, found on a download: an
 * `x-sendfile` field whose storage has no local files, or a `redirect` one whose storage
 * cannot presign. The route logs it and answers 500; `definePrivateFiles` already
 * refuses the `redirect` case at start-up when it can tell.
 * @example
 * ```ts
 * import { DeliveryConfigError, type Logger } from "next-private-files";
 *
 * declare const logger: Logger;
 * declare const error: unknown;
 *
 * if (error instanceof DeliveryConfigError) logger.error("fix the delivery setting", { error: error.message });
 * ```
 */
export class DeliveryConfigError extends Error {
  override readonly name = "DeliveryConfigError";
}

/** Thrown by a mode when the storage fails as it reads the file: the route answers 503 ("storage failed"), not 500. */
export class StorageReadError extends Error {
  override readonly name = "StorageReadError";
  constructor(override readonly cause: unknown) {
    super(String(cause));
  }
}

/**
 * One granted download, handed to its delivery mode: authorized, counted by
 * `preDownload`, its answer planned (200 or 206, never 304/412/416 or HEAD).
 */
export interface Handoff {
  /** Open, unless the mode `offloads` (then closed already: only its properties, such as `localPath`, are read). */
  readonly file: OpenedFile;
  /** The file's path relative to the storage root. */
  readonly storedPath: string;
  /** The field's storage (presigns for `redirect`). */
  readonly storage: FileStorage;
  /** The planned status: 206 with `range`, else 200. */
  readonly status: 200 | 206;
  /** The planned headers: type, disposition, validators, length, security headers, a resume cookie. */
  readonly headers: Headers;
  /** The bytes to send; `null` for the whole file. */
  readonly range: ByteRange | null;
  /** The route's `idleTimeoutMs`, for a body the mode streams. */
  readonly idleTimeoutMs: number;
  /** A mode that sends the bytes itself calls this once, when its body ends (see observe-stream.ts). */
  readonly report: (outcome: DownloadOutcome, bytesSent: number) => void;
}

/**
 * How one `Delivery` mode answers a granted download. A new mode is a module that
 * exports one of these plus its line in `registry.ts` (and its variant of `Delivery`);
 * the route never names a mode. `deliver` answers, or throws: a `StorageReadError` is
 * a 503, anything else a 500 ("could not hand the download over"); either way a
 * single-use link is given back and the download reported `failed`.
 */
export interface DeliveryMode<D extends Delivery = Delivery> {
  /** The name in `Delivery` (`"stream"`, or the object form's `mode`). */
  readonly name: string;
  /**
   * Someone else sends the bytes (nginx, Apache, the object store): the route closes
   * the file before `deliver` and reports the download `offloaded` once answered.
   * When false the mode sends the body itself and reports through `handoff.report`.
   */
  readonly offloads: boolean;
  // A method, not a function property: a mode for one variant of Delivery fits the registry's DeliveryMode<Delivery>.
  deliver(delivery: D, handoff: Handoff): Response | Promise<Response>;
}
