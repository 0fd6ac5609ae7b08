// What every handler of one direct-upload route shares.
import type { PrivateFiles } from "../config/define.js";
import type { AnyPrivateModel } from "../config/model.js";
import type { AnySession } from "../config/types.js";
import type { PendingUploadStore } from "./core.js";
import type { ResolvedDirectOptions } from "./options.js";

/** A `definePrivateFiles()` result, whatever its models and session. */
export type AnyFiles = PrivateFiles<Record<string, AnyPrivateModel>, AnySession>;

export interface DirectContext<T, S extends AnySession> {
  /** The `definePrivateFiles()` result. */
  readonly files: AnyFiles;
  readonly options: ResolvedDirectOptions<T, S>;
  readonly pending: PendingUploadStore;
  /** Ids being completed or cancelled by this instance: a second call meanwhile is a 409. */
  readonly busy: Set<string>;
}
