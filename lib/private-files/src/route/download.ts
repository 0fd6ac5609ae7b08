import type { AnySession } from "../config/types.js";
import type { ResolvedConfig, ResolvedModel } from "../config/define.js";
import type { CompiledField } from "../config/model.js";
import type { DenialEvent } from "../hooks/download-denied.js";
import type { FilePath } from "./parse-path.js";
import type { RequestLog } from "./request-log.js";

/** Who asks for which record's file: what every hook's event starts with. */
export type DownloadParty = Omit<DenialEvent<unknown, AnySession>, "reason" | "status">;

/**
 * One download request once `resolve` has found its declaration, record and session:
 * what every later stage reads. Made once per request.
 */
export interface Download {
  readonly config: ResolvedConfig;
  readonly request: Request;
  readonly url: URL;
  /** The URL's segments, decoded (a zip entry's: its model, field, id and the record's name). */
  readonly path: FilePath;
  /** The `?token=` link the request carries; always `null` for a zip entry (judged by its condition). */
  readonly token: string | null;
  readonly entry: ResolvedModel;
  readonly field: CompiledField;
  /** The record's stored path, inside the field's folder. */
  readonly storedPath: string;
  /** The record's file name, as the URL must end. */
  readonly name: string;
  /** The model, field, record, request, session and user, as the hooks' events carry them. */
  readonly party: DownloadParty;
  readonly log: RequestLog;
}
