import type { AnyPrivateModel, PrivateModel } from "../config/model.js";
import type { AnySession, Session, UserOf } from "../config/types.js";
import type { ByteRange } from "../storage/types.js";
import type { LinkUse } from "../links/types.js";
import type { ArchiveInfo } from "../zip/archive-info.js";
import { Signal } from "./signal.js";

/**
 * What a `preDownload` listener receives: the counterpart of Django's `pre_download`
 * arguments. `R` is the model's record type, `S` the session type of its conditions.
 */
export interface DownloadEvent<R, S extends AnySession = Session> {
  /** The model key, as in the URL. */
  readonly model: string;
  /** The file field's name. */
  readonly field: string;
  /** The record's id as it appears in the URL. */
  readonly recordId: string;
  /** The record `load` returned. */
  readonly record: R;
  /** The download request. */
  readonly request: Request;
  /** The session; `null` when nobody is signed in (a link granted it, or the condition let anyone in). */
  readonly session: S | null;
  /** The signed-in user; `null` when nobody is. */
  readonly user: UserOf<S> | null;
  /** The bytes about to be sent; `null` for the whole file (no `Range`, or one that was not honoured). */
  readonly range: ByteRange | null;
  /** Size of the whole file in bytes. */
  readonly size: number;
  /** The link (`?token=`) that granted this download; `null` when the session did. */
  readonly link: LinkUse | null;
  /** The image variant served (`?variant=thumb`, or the one `?w=` snapped to); `null` for the original. `size` and `range` are the variant's. */
  readonly variant: string | null;
  /** The zip this file is an entry of (`next-private-files/zip`); `null` for a download of the file alone. */
  readonly archive: ArchiveInfo | null;
}

/** A `preDownload` listener; a returned promise is awaited before the first byte. */
export type DownloadListener<R, S extends AnySession = Session> = (event: DownloadEvent<R, S>) => unknown;

interface PreDownloadSignal {
  /**
   * Listens to granted downloads of one model (`sender`), or of every model.
   * Returns a function that disconnects the listener.
   */
  connect<R, S extends AnySession>(listener: DownloadListener<R, S>, options: { sender: PrivateModel<R, unknown, string, S> }): () => void;
  connect(listener: DownloadListener<unknown>, options?: { sender?: undefined }): () => void;
  /** Disconnects a listener from every sender; true when it was connected. */
  disconnect<R, S extends AnySession>(listener: DownloadListener<R, S>): boolean;
}

const signal = new Signal<DownloadEvent<unknown, AnySession>, AnyPrivateModel>();

/**
 * The counterpart of django-private-files' `pre_download` signal: count downloads, write
 * an audit row, or refuse late. Fires for a granted GET once the file is known to exist,
 * before the first byte; never for HEAD, 304, 416 or errors. Listeners are awaited in
 * the order connected (each within `timeoutMs`, else 503); one that throws aborts the
 * download with 500. Connect once, at module level, beside `definePrivateFiles`.
 * @example
 * ```ts
 * import { intId, preDownload, privateModel } from "next-private-files";
 *
 * type Download = { id: number; file: string | null };
 * declare const prisma: {
 *   download: {
 *     findUnique(args: { where: { id: number } }): Promise<Download | null>;
 *     update(args: { where: { id: number }; data: { count: { increment: number } } }): Promise<unknown>;
 *   };
 * };
 * const downloads = privateModel({ id: intId, load: (id) => prisma.download.findUnique({ where: { id } }) }).fields({ file: {} });
 *
 * // The seed's download counter; a resumed download (a range after byte 0) is not counted again.
 * const disconnect = preDownload.connect(
 *   async ({ record, range }) => {
 *     if (range !== null && range.start !== 0) return;
 *     await prisma.download.update({ where: { id: record.id }, data: { count: { increment: 1 } } });
 *   },
 *   { sender: downloads },
 * );
 * ```
 */
export const preDownload: PreDownloadSignal = {
  connect(listener: DownloadListener<never, never>, options: { sender?: AnyPrivateModel } = {}) {
    return signal.connect(listener as DownloadListener<unknown, AnySession>, options);
  },
  disconnect: (listener) => signal.disconnect(listener as DownloadListener<unknown, AnySession>),
};

/** Runs the listeners for a model's event; the route's, not part of the public API. */
export function sendPreDownload(sender: AnyPrivateModel, event: DownloadEvent<unknown, AnySession>): Promise<void> {
  return signal.send(sender, event);
}
