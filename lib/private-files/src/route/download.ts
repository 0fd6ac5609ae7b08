import type { AnySession } from "../config/types.js";
import type { ResolvedConfig, ResolvedModel } from "../config/define.js";
import type { CompiledField } from "../config/model.js";
import type { CompiledVariant } from "../variants/options.js";
import type { DenialEvent } from "../hooks/download-denied.js";
import type { FilePath } from "./parse-path.js";
import type { RequestLog } from "./request-log.js";

/** Who asks for which record's file: what every hook's event starts with. */
export type DownloadParty = Omit<DenialEvent<unknown, AnySession>, "reason" | "status">;

/** A variant asked for: its name as asked, and its declaration (`undefined`: the field declares none by that name, a 404 once authorized). */
export interface VariantRequest {
  readonly name: string;
  readonly declared: CompiledVariant | undefined;
}

/** The stored file an answer sends, and the name its `Content-Disposition` and `Content-Type` come from. */
export interface ServedFile {
  readonly storedPath: string;
  readonly name: string;
}

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
  /** The record's stored path, inside the field's folder: what a link signs. */
  readonly storedPath: string;
  /** The record's file name, as the URL must end. */
  readonly name: string;
  /** The image variant asked for (`?variant=`, or the one `?w=` snapped to); `null`: the original. */
  readonly variant: VariantRequest | null;
  /** What is sent: the original, or (once the variant stage ran) the stored variant. */
  readonly served: ServedFile;
  /** The model, field, record, request, session and user, as the hooks' events carry them. */
  readonly party: DownloadParty;
  readonly log: RequestLog;
}
