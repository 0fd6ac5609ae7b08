// The S3 calls the app itself makes for a direct upload (the browser makes the PUTs).
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
} from "@aws-sdk/client-s3";
import type { S3Target } from "../storage/s3.js";

/** Starts a multipart upload of `key`; returns its upload id. */
export async function startMultipart(target: S3Target, key: string, contentType: string): Promise<string> {
  const started = await target.client.send(new CreateMultipartUploadCommand({ Bucket: target.bucket, Key: key, ContentType: contentType }));
  if (!started.UploadId) throw new Error(`CreateMultipartUpload of ${key} returned no UploadId`);
  return started.UploadId;
}

/** Joins the parts the browser sent into the object. */
export async function completeMultipart(
  target: S3Target,
  key: string,
  uploadId: string,
  parts: readonly { readonly partNumber: number; readonly etag: string }[],
): Promise<void> {
  await target.client.send(
    new CompleteMultipartUploadCommand({
      Bucket: target.bucket,
      Key: key,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts.map(({ partNumber, etag }) => ({ PartNumber: partNumber, ETag: etag })) },
    }),
  );
}

/** Drops an unfinished multipart upload and its parts; one already gone (completed, aborted) is fine. */
export async function abortMultipart(target: S3Target, key: string, uploadId: string): Promise<void> {
  try {
    await target.client.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: key, UploadId: uploadId }));
  } catch (error) {
    if (!isNoSuchUpload(error)) throw error;
  }
}

/** Deletes the object, if there is one (S3 answers 204 for a missing key too). */
export async function deleteObject(target: S3Target, key: string): Promise<void> {
  try {
    await target.client.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: key }));
  } catch (error) {
    if (httpStatusOf(error) !== 404) throw error;
  }
}

/**
 * Removes whatever a direct upload left in the bucket: its unfinished multipart upload
 * (parts are billed until aborted) and its object.
 */
export async function removeUploaded(target: S3Target, key: string, multipartId: string | null): Promise<void> {
  if (multipartId !== null) await abortMultipart(target, key, multipartId);
  await deleteObject(target, key);
}

function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function isNoSuchUpload(error: unknown): boolean {
  const e = error as { name?: string; Code?: string } | undefined;
  return e?.name === "NoSuchUpload" || e?.Code === "NoSuchUpload" || httpStatusOf(error) === 404;
}
