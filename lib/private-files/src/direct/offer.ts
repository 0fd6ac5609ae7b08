// What the intent answers: where and how the browser sends the bytes.
import { contentTypeFor } from "../http/headers.js";
import type { S3Target } from "../storage/s3.js";
import type { PendingUpload } from "./core.js";
import { startMultipart } from "./objects.js";
import { partSizeFor, planParts, SINGLE_PUT_MAX_BYTES, type PlannedPart } from "./plan.js";
import { presignPart, presignPut } from "./presign.js";
import { objectKey } from "./target.js";

/** A part's presigned URL: PUT exactly `size` bytes (the file's bytes from `start`) to it, and keep the `ETag` S3 answers. */
export interface PresignedPart {
  /** Its number, from 1: what the completion lists with the ETag. */
  readonly partNumber: number;
  /** Offset of its first byte in the file. */
  readonly start: number;
  /** Its exact length, in bytes; the signature covers it. */
  readonly size: number;
  /** The presigned `PUT` URL. */
  readonly url: string;
}

/** Fields of both kinds of offer. */
interface OfferBase {
  /** The upload's id, in the completion and cancel URLs. */
  readonly id: string;
  /** When the presigned URLs stop working (ISO 8601). */
  readonly urlsExpireAt: string;
  /** When the upload itself expires and is pruned if not completed (ISO 8601). */
  readonly expiresAt: string;
  /** `POST` here (JSON) once the bytes are up. */
  readonly completeUrl: string;
  /** `DELETE` here to give up. */
  readonly cancelUrl: string;
}

/**
 * The intent's answer (201): one presigned `PUT` for files up to 100 MiB, presigned part
 * URLs for larger ones.
 */
export type DirectUploadOffer =
  | (OfferBase & {
      readonly kind: "put";
      /** `PUT` the whole file here, with `headers`. */
      readonly url: string;
      readonly method: "PUT";
      /** Send exactly these (the signature covers them; `Content-Length` is the file's size, which the browser sets). */
      readonly headers: { readonly "Content-Type": string };
    })
  | (OfferBase & {
      readonly kind: "multipart";
      /** Bytes per part (the last one may be shorter). */
      readonly partSize: number;
      /** Every part, in order. */
      readonly parts: readonly PresignedPart[];
      /** `POST { partNumbers }` here (JSON) for fresh URLs of parts whose URLs expired. */
      readonly partsUrl: string;
    });

/** The type the object is stored and signed with: the one the field's check picked, else the name's. */
export function contentTypeOf(pending: PendingUpload): string {
  return pending.type ?? contentTypeFor(pending.name);
}

/** Seconds the URLs may live: the configured expiry, never past the upload's own. */
export function urlLifetime(expiresInSeconds: number, pending: PendingUpload, now: Date): number {
  const left = Math.floor((pending.expiresAt.getTime() - now.getTime()) / 1000);
  return Math.max(1, Math.min(expiresInSeconds, left));
}

/** The parts of a multipart pending upload, as planned when it began. */
export function partsOf(pending: PendingUpload, preferredPartSize: number): { partSize: number; parts: PlannedPart[] } {
  const partSize = partSizeFor(pending.size, preferredPartSize);
  return { partSize, parts: planParts(pending.size, partSize) };
}

export function signParts(
  target: S3Target,
  pending: PendingUpload,
  multipartId: string,
  parts: readonly PlannedPart[],
  expiresIn: number,
): Promise<PresignedPart[]> {
  const key = objectKey(target, pending.key);
  return Promise.all(
    parts.map(async (part) => ({
      partNumber: part.partNumber,
      start: part.start,
      size: part.size,
      url: await presignPart(target, key, { uploadId: multipartId, partNumber: part.partNumber, size: part.size, expiresIn }),
    })),
  );
}

/**
 * Presigns the upload of a reserved pending upload. Over 100 MiB it first starts the S3
 * multipart upload and records its id on the pending row (`setMultipartId`), so that
 * cancel and prune can abort it.
 */
export async function makeOffer(
  target: S3Target,
  pending: PendingUpload,
  options: { basePath: string; expiresInSeconds: number; partSize: number; setMultipartId: (id: string) => Promise<void> },
  now = new Date(),
): Promise<DirectUploadOffer> {
  const expiresIn = urlLifetime(options.expiresInSeconds, pending, now);
  const base: OfferBase = {
    id: pending.id,
    urlsExpireAt: new Date(now.getTime() + expiresIn * 1000).toISOString(),
    expiresAt: pending.expiresAt.toISOString(),
    completeUrl: `${options.basePath}/${pending.id}/complete`,
    cancelUrl: `${options.basePath}/${pending.id}`,
  };
  const contentType = contentTypeOf(pending);
  const key = objectKey(target, pending.key);
  if (pending.size <= SINGLE_PUT_MAX_BYTES) {
    const url = await presignPut(target, key, { size: pending.size, contentType, expiresIn });
    return { ...base, kind: "put", url, method: "PUT", headers: { "Content-Type": contentType } };
  }
  const multipartId = await startMultipart(target, key, contentType);
  await options.setMultipartId(multipartId);
  const { partSize, parts } = partsOf(pending, options.partSize);
  return {
    ...base,
    kind: "multipart",
    partSize,
    parts: await signParts(target, pending, multipartId, parts, expiresIn),
    partsUrl: `${options.basePath}/${pending.id}/parts`,
  };
}
