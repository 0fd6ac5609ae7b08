import {
  assertWithinQuota,
  deleteStoredFile,
  QuotaExceededError,
  readMultipart,
  storeUpload,
} from "next-private-files/upload";
import type { CompletedUpload } from "next-private-files/upload";
import { submissionItem, type FileItem } from "./list-files";
import { privateFiles } from "./private-files";
import { storedBytes, withUserLocked } from "./upload-limits";
import { prisma } from "../db/prisma";
import { MAX_DESCRIPTION } from "./submission-rules";

/** A request we refuse, with the status and message the API answers. */
export class SubmissionError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The file was stored but its record could not be written (the database failed); the file was removed again. */
export class SubmissionNotSavedError extends Error {
  constructor(cause: unknown) {
    super("the submission could not be saved", { cause });
  }
}


/**
 * Stores a multipart upload (`file`, `description`) as a FileSubmission owned by
 * `ownerId`. The file streams to disk under the size limit and what is left of the
 * owner's quota (one of the owner's upload slots held meanwhile); the record is
 * written only if the quota still holds with every upload that finished meanwhile
 * counted. If the record cannot be written, the stored file is removed again.
 */
export async function createSubmission(request: Request, ownerId: number): Promise<FileItem> {
  const form = await readMultipart(request, {
    fileField: "file",
    origins: privateFiles.origins(),
    onFile: (upload) => storeUpload(privateFiles, "FileSubmission", "file", upload, { user: String(ownerId), request }),
    idleTimeoutMs: privateFiles.idleTimeoutMs,
  });
  const stored = form.file;
  if (stored === undefined) throw new SubmissionError("the form has no file", 400);
  const description = (form.fields.get("description") ?? "").trim() || stored.originalName;
  if (description.length > MAX_DESCRIPTION) {
    await deleteStoredFile(privateFiles, "FileSubmission", "file", stored.path);
    throw new SubmissionError(`the description is longer than ${MAX_DESCRIPTION} characters`, 400);
  }
  try {
    // The sum and the insert in one transaction holding the owner's row: two uploads
    // that each fit what was left when they started cannot both be kept past the quota.
    const record = await withUserLocked(ownerId, async (tx) => {
      // Resumable and direct uploads under way count too: their lengths are reserved.
      const reserved = await privateFiles.uploadLimits.pending.reservedBytes(String(ownerId), new Date());
      assertWithinQuota(privateFiles.uploadLimits, (await storedBytes(ownerId, tx)) + reserved, stored.size);
      return tx.fileSubmission.create({
        data: { description, ownerId, file: stored.path, fileName: stored.originalName, fileSize: stored.size },
      });
    });
    return submissionItem(record);
  } catch (error) {
    await deleteStoredFile(privateFiles, "FileSubmission", "file", stored.path);
    if (error instanceof QuotaExceededError) throw error;
    throw new SubmissionNotSavedError(error);
  }
}

/**
 * The record of a finished resumable (tus) or direct upload: the kit's onUploadComplete.
 * Its length was reserved against the owner's quota when it began, so no second quota
 * check here. The description comes from the upload's metadata (else the file name).
 */
export async function submissionFromUpload(upload: CompletedUpload): Promise<FileItem> {
  const ownerId = Number(upload.userId);
  if (!Number.isSafeInteger(ownerId)) throw new TypeError(`an upload without an owner: ${String(upload.userId)}`);
  const description = (upload.metadata.description ?? "").trim() || upload.originalName;
  const record = await prisma.fileSubmission.create({
    data: { description, ownerId, file: upload.path, fileName: upload.originalName, fileSize: upload.size },
  });
  return submissionItem(record);
}
