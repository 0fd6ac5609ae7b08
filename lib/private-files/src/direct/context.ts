// What every handler of one direct-upload route shares.
import type { AnySession } from "../config/types.js";
import type { PendingUploadStore } from "./core.js";
import type { ResolvedDirectOptions } from "./options.js";

export interface DirectContext<T, S extends AnySession> {
  /** The `definePrivateFiles()` result. */
  readonly files: object;
  readonly options: ResolvedDirectOptions<T, S>;
  readonly pending: PendingUploadStore;
  /** Ids being completed or cancelled by this instance: a second call meanwhile is a 409. */
  readonly busy: Set<string>;
}
