import type { AnySession, Session, UserOf } from "../config/types.js";
import type { UploadVia } from "../upload/pending/types.js";

/**
 * Why a finished upload was refused after its bytes arrived (all of them are deleted):
 * - `infected`: the scanner found malware (422);
 * - `scanner-unavailable`: the scanner could not answer, so nothing is kept (503);
 * - `type-mismatch`: the first bytes are not the type the extension names (415);
 * - `size-mismatch`: the stored object is not the declared length (direct uploads, 400).
 */
export type UploadRefusalReason = "infected" | "scanner-unavailable" | "type-mismatch" | "size-mismatch";

/** What an `uploadRefused` listener receives: enough for an audit row. */
export interface UploadRefusedEvent<S extends AnySession = Session> {
  /** The model key. */
  readonly model: string;
  /** The file field. */
  readonly field: string;
  /** The path the upload came by. */
  readonly via: UploadVia;
  /** The uploader's user id; `null` for an upload the app made itself. */
  readonly userId: string | null;
  /** The session of the request that finished the upload, when it had one. */
  readonly session: S | null;
  /** The session's user, when the finishing request had one. */
  readonly user: UserOf<S> | null;
  /** The client's (cleaned) file name. */
  readonly name: string;
  /** The bytes received. */
  readonly size: number;
  /** Why it was refused. */
  readonly reason: UploadRefusalReason;
  /** The scanner's signature name, for `infected`. */
  readonly signature: string | undefined;
  /** The status answered. */
  readonly status: number;
  /** The request that finished the upload; `null` when `storeUpload` was not given it. */
  readonly request: Request | null;
}

/** An `uploadRefused` listener: awaited before the refusal is answered; a throw is logged, not answered. */
export type UploadRefusedListener<S extends AnySession = Session> = (event: UploadRefusedEvent<S>) => void | Promise<void>;
