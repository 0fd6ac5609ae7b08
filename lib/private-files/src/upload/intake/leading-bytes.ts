import type { AnySession } from "../../config/types.js";
import type { PrivateFiles } from "../../config/define.js";
import type { AnyPrivateModel } from "../../config/model.js";
import { UnsupportedFileTypeError } from "../errors.js";
import type { PendingUpload } from "../pending/types.js";
import { uploadTarget, type UploadTarget } from "./target.js";

/**
 * Checks an upload's first bytes (up to SNIFF_BYTES; all of a shorter file) against the
 * type its extension named at `beginUpload`, as soon as they arrive, so a renamed file
 * stops at byte 0 rather than after gigabytes. Deletes nothing: on a throw, remove what
 * was stored and `abandonUpload`.
 * @throws {UnsupportedFileTypeError} (415) the bytes are not that type.
 * @example
 * ```ts
 * import { checkLeadingBytes, type PendingUpload } from "next-private-files/upload";
 * import type { PrivateFiles, PrivateModel } from "next-private-files";
 *
 * declare const privateFiles: PrivateFiles<{ videos: PrivateModel<{ id: number; file: string | null }, number, "file"> }>;
 * declare const pending: PendingUpload; // from beginUpload
 *
 * checkLeadingBytes(privateFiles, pending, new TextEncoder().encode("%PDF-1.7")); // throws for a .mp4
 * ```
 */
export function checkLeadingBytes<M extends Record<string, AnyPrivateModel>>(
  files: PrivateFiles<M, AnySession>,
  pending: PendingUpload,
  head: Uint8Array,
): void {
  assertLeadingBytes(uploadTarget(files, pending.model, pending.field), pending, head);
}

/** The check itself, for callers that hold the target already. */
export function assertLeadingBytes({ upload }: UploadTarget, pending: PendingUpload, head: Uint8Array): void {
  if (pending.type === undefined || !upload.allowedTypes) return;
  const types = upload.allowedTypes.map((rule) => rule.type);
  const rule = upload.allowedTypes.find((candidate) => candidate.type === pending.type);
  if (!rule) throw new UnsupportedFileTypeError(`${pending.type} is no longer accepted here; accepted: ${types.join(", ")}`, types);
  if (!rule.matches(head)) {
    throw new UnsupportedFileTypeError(`the file's content is not ${rule.type}, as its name ${JSON.stringify(pending.name)} says`, types);
  }
}
