import { internalsOf, type ResolvedConfig } from "../../config/define.js";
import type { CompiledField, CompiledUpload } from "../../config/model.js";
import type { FileStorage } from "../../storage/types.js";
import { UploadTargetError } from "./errors.js";

/** A field that takes uploads through the routes, with what they need of it. */
export interface UploadTarget {
  readonly config: ResolvedConfig;
  readonly field: CompiledField;
  readonly upload: CompiledUpload;
  readonly storage: FileStorage;
}

/**
 * The field `model.field` of a configuration, if it declares `upload`.
 * @throws {UploadTargetError} (404) for an unknown model or field, or one without `upload`.
 */
export function uploadTarget(files: object, model: string, field: string): UploadTarget {
  const { config, field: lookup } = internalsOf(files);
  const found = lookup(model, field);
  if (!found) throw new UploadTargetError(`no private file field ${model}.${field}`);
  if (!found.field.upload) throw new UploadTargetError(`${model}.${field} takes no uploads (its field declares no \`upload\`)`);
  return { config, field: found.field, upload: found.field.upload, storage: config.storageOf(found.field) };
}
