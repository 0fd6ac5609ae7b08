// Which bucket a field's direct uploads go to: only S3 fields take them.
import { s3TargetOf, type S3Target } from "../storage/s3.js";
import { uploadTarget } from "../upload/intake/target.js";
import { DirectUploadError } from "./responses.js";

/**
 * The S3 target of `model.field`. A field that is unknown or declares no `upload` is the
 * core's 404 (UploadTargetError); one on another storage cannot take bytes the app never
 * sees: 400, before anything is reserved.
 */
export function directTargetOf(files: object, model: string, field: string): S3Target {
  const target = s3TargetOf(uploadTarget(files, model, field).storage);
  if (!target) throw new DirectUploadError(400, `direct uploads need an S3 field: ${model}.${field} does not store its files in S3 (use the tus or multipart upload)`);
  return target;
}

/** The object key of a pending upload's stored path. */
export function objectKey(target: S3Target, path: string): string {
  return target.prefix + path;
}
