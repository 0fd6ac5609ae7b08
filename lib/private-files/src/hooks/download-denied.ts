import type { AnyPrivateModel, PrivateModel } from "../config/model.js";
import type { AnySession, Session, UserOf } from "../config/types.js";
import type { LinkDenialReason } from "../links/check-link.js";
import type { ArchiveInfo } from "../zip/archive-info.js";
import { Signal } from "./signal.js";

/**
 * Why a download was refused:
 * - `anonymous`: nobody is signed in and the condition needs a user;
 * - `forbidden`: the condition returned false for the signed-in user;
 * - `condition-error`: the condition threw (the route answers 500: fail closed);
 * - `condition-timeout`: the condition did not answer in time (503);
 * - a `link-…` reason: a `?token=` link was refused (403, or 410 for a used single-use
 *   link; see LinkDenialReason), or `link-error` when checking it failed (the store is
 *   down: 503; no link secret configured: 500).
 */
export type DenialReason = "anonymous" | "forbidden" | "condition-error" | "condition-timeout" | LinkDenialReason | "link-error";

/** What a `downloadDenied` listener receives; `R` and `S` as in `DownloadEvent`. */
export interface DenialEvent<R, S extends AnySession = Session> {
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
  /** The session; `null` when nobody is signed in. */
  readonly session: S | null;
  /** The signed-in user; `null` when nobody is. */
  readonly user: UserOf<S> | null;
  /** Why it was refused (see {@link DenialReason}). */
  readonly reason: DenialReason;
  /** The status the route answers: 401, 403, 404 (`denial: "not-found"`), 410 (used link), 302 (sign-in redirect), 500 or 503. */
  readonly status: number;
  /** The image variant refused (as asked, or the one `?w=` snapped to); `null` for the original. */
  readonly variant: string | null;
  /** The zip this file was asked for in (`next-private-files/zip`); `null` for a request of the file alone. */
  readonly archive: ArchiveInfo | null;
}

/** A `downloadDenied` listener; a returned promise is awaited before the refusal is sent. */
export type DenialListener<R, S extends AnySession = Session> = (event: DenialEvent<R, S>) => unknown;

interface DownloadDeniedSignal {
  /** Listens to refused downloads of one model (`sender`), or of every model. Returns a function that disconnects. */
  connect<R, S extends AnySession>(listener: DenialListener<R, S>, options: { sender: PrivateModel<R, unknown, string, S> }): () => void;
  connect(listener: DenialListener<unknown>, options?: { sender?: undefined }): () => void;
  /** Disconnects a listener from every sender; true when it was connected. */
  disconnect<R, S extends AnySession>(listener: DenialListener<R, S>): boolean;
}

const signal = new Signal<DenialEvent<unknown, AnySession>, AnyPrivateModel>();

/**
 * Refused downloads, for an audit trail or an alert. Fires when the route refuses a
 * request for an existing record's file (GET or HEAD), before the refusal is sent, with
 * the reason. Listeners are awaited in order (within `timeoutMs`); one that throws is
 * logged and the refusal stands. Requests that never reach a record (unknown model, bad
 * id, no record) are 404s, not denials.
 * @example
 * ```ts
 * import { downloadDenied } from "next-private-files";
 *
 * declare const audit: { write(row: { model: string; recordId: string; userId: string | null; reason: string }): Promise<void> };
 *
 * downloadDenied.connect(async ({ model, recordId, user, reason }) => {
 *   await audit.write({ model, recordId, userId: user?.id ?? null, reason });
 * });
 * ```
 */
export const downloadDenied: DownloadDeniedSignal = {
  connect(listener: DenialListener<never, never>, options: { sender?: AnyPrivateModel } = {}) {
    return signal.connect(listener as DenialListener<unknown, AnySession>, options);
  },
  disconnect: (listener) => signal.disconnect(listener as DenialListener<unknown, AnySession>),
};

/** Runs the listeners for a model's event; the route's, not part of the public API. */
export function sendDownloadDenied(sender: AnyPrivateModel, event: DenialEvent<unknown, AnySession>): Promise<void> {
  return signal.send(sender, event);
}
