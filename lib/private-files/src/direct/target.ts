// Which bucket a field's direct uploads go to: only S3 fields take them.
import { internalsOf } from "../config/define.js";
import { s3TargetOf, type S3Target } from "../storage/s3.js";
import { DirectUploadError } from "./responses.js";

/**
 * The S3 target of `model.field`; undefined when there is no such field (the core then
 * refuses the upload as it does for tus). A field on another storage cannot take bytes
 * the app never sees: 400.
 */
export function directTargetOf(files: object, model: string, field: string): S3Target | undefined {
  const { config, field: lookup } = internalsOf(files);
  const found = lookup(model, field);
  if (!found) return undefined;
  const target = s3TargetOf(config.storageOf(found.field));
  if (!target) throw new DirectUploadError(400, `direct uploads need an S3 field: ${model}.${field} does not store its files in S3 (use the tus or multipart upload)`);
  return target;
}

/** The object key of a pending upload's stored path. */
export function objectKey(target: S3Target, path: string): string {
  return target.prefix + path;
}
