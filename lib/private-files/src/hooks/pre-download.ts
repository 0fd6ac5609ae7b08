import type { AnyPrivateModel, PrivateModel } from "../config/model.js";
import type { Session, SessionUser } from "../config/types.js";
import type { ByteRange } from "../storage/types.js";
import type { LinkUse } from "../links/types.js";
import { Signal } from "./signal.js";

/** What a `preDownload` listener receives: the counterpart of Django's `pre_download` arguments. */
export interface DownloadEvent<R> {
  /** The model key, as in the URL. */
  readonly model: string;
  readonly field: string;
  /** The record's id as it appears in the URL. */
  readonly recordId: string;
  readonly record: R;
  readonly request: Request;
  readonly session: Session | null;
  readonly user: SessionUser | null;
  /** The bytes about to be sent; `null` for the whole file (no `Range`, or one that was not honoured). */
  readonly range: ByteRange | null;
  /** Size of the whole file in bytes. */
  readonly size: number;
  /** The link (`?token=`) that granted this download; `null` when the session did. */
  readonly link: LinkUse | null;
}

export type DownloadListener<R> = (event: DownloadEvent<R>) => unknown;

interface PreDownloadSignal {
  /**
   * Listens to granted downloads of one model (`sender`), or of every model.
   * Returns a function that disconnects the listener.
   */
  connect<R>(listener: DownloadListener<R>, options: { sender: PrivateModel<R, unknown, string> }): () => void;
  connect(listener: DownloadListener<unknown>, options?: { sender?: undefined }): () => void;
  /** Disconnects a listener from every sender; true when it was connected. */
  disconnect<R>(listener: DownloadListener<R>): boolean;
}

const signal = new Signal<DownloadEvent<unknown>, AnyPrivateModel>();

/**
 * Fires for a granted GET once the file is known to exist, before the first byte;
 * never for HEAD, 304, 416 or errors. Listeners are awaited in the order connected;
 * one that throws aborts the download with 500.
 */
export const preDownload: PreDownloadSignal = {
  connect(listener: DownloadListener<never>, options: { sender?: AnyPrivateModel } = {}) {
    return signal.connect(listener as DownloadListener<unknown>, options);
  },
  disconnect: (listener) => signal.disconnect(listener as DownloadListener<unknown>),
};

/** Runs the listeners for a model's event; the route's, not part of the public API. */
export function sendPreDownload(sender: AnyPrivateModel, event: DownloadEvent<unknown>): Promise<void> {
  return signal.send(sender, event);
}
