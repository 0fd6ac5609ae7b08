import type { AnyPrivateModel, PrivateModel } from "../config/model.js";
import type { AnySession, Session } from "../config/types.js";
import type { DownloadEvent } from "./pre-download.js";
import { Signal } from "./signal.js";

/**
 * How a granted download ended:
 * - `completed`: every byte of the answer was handed to the server;
 * - `aborted`: the client went away before the end;
 * - `failed`: storage failed mid-stream (the connection is cut, never ended normally),
 *   or a `preDownload` listener threw or timed out before the first byte;
 * - `offloaded`: handed to nginx, Apache/lighttpd or the object store (see `Delivery`),
 *   which send the bytes; the kit does not see how it went (`bytesSent` is 0).
 */
export type DownloadOutcome = "completed" | "aborted" | "failed" | "offloaded";

/** What a `downloadFinished` listener receives: the `preDownload` event, and how it went. */
export interface DownloadFinishedEvent<R, S extends AnySession = Session> extends DownloadEvent<R, S> {
  /** How it ended (see {@link DownloadOutcome}). */
  readonly outcome: DownloadOutcome;
  /** The status that was answered: 200 or 206, or 500/503 when a `preDownload` listener failed. */
  readonly status: number;
  /** Body bytes handed to the server (a few may still have been in socket buffers on abort). */
  readonly bytesSent: number;
  /** When the `preDownload` event fired. */
  readonly startedAt: Date;
  /** Milliseconds from `startedAt` to the end: the body's last byte, the abort or failure, or the hand-over. */
  readonly durationMs: number;
}

/** A `downloadFinished` listener; it runs in the background, nothing awaits it. */
export type DownloadFinishedListener<R, S extends AnySession = Session> = (event: DownloadFinishedEvent<R, S>) => unknown;

interface DownloadFinishedSignal {
  /** Listens to the end of granted downloads of one model (`sender`), or of every model. Returns a function that disconnects. */
  connect<R, S extends AnySession>(listener: DownloadFinishedListener<R, S>, options: { sender: PrivateModel<R, unknown, string, S> }): () => void;
  connect(listener: DownloadFinishedListener<unknown>, options?: { sender?: undefined }): () => void;
  /** Disconnects a listener from every sender; true when it was connected. */
  disconnect<R, S extends AnySession>(listener: DownloadFinishedListener<R, S>): boolean;
}

const signal = new Signal<DownloadFinishedEvent<unknown, AnySession>, AnyPrivateModel>();

/**
 * How downloads ended, for metrics or an audit trail that must know whether the file
 * really went out. Fires once per granted GET that went past authorization, after its
 * body ended (completed, aborted or failed) or was handed over (offloaded). The answer
 * is already on its way, so listeners run in the background: nothing awaits them, and
 * one that throws is logged. Never fires for HEAD, 304 or 416, which send no file bytes.
 * @example
 * ```ts
 * import { downloadFinished } from "next-private-files";
 *
 * downloadFinished.connect(({ model, field, outcome, bytesSent, durationMs }) => {
 *   console.info(`${model}.${field}: ${outcome}, ${bytesSent} bytes in ${durationMs} ms`);
 * });
 * ```
 */
export const downloadFinished: DownloadFinishedSignal = {
  connect(listener: DownloadFinishedListener<never, never>, options: { sender?: AnyPrivateModel } = {}) {
    return signal.connect(listener as DownloadFinishedListener<unknown, AnySession>, options);
  },
  disconnect: (listener) => signal.disconnect(listener as DownloadFinishedListener<unknown, AnySession>),
};

/** Runs the listeners for a model's event; the route's, not part of the public API. */
export function sendDownloadFinished(sender: AnyPrivateModel, event: DownloadFinishedEvent<unknown, AnySession>): Promise<void> {
  return signal.send(sender, event);
}
