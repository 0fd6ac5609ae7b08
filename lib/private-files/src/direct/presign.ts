// Presigned URLs that carry the limits the app relies on: S3 refuses a request whose
// signed headers differ from what was signed, so the declared length (and, for the
// single PUT, the type) cannot be changed by the browser on real S3.
import { PutObjectCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { S3Target } from "../storage/s3.js";

/** Headers the signature covers besides `host`: what makes S3 refuse other sizes and types. */
const SIGNED_HEADERS = new Set(["content-length", "content-type"]);

type Presignable = PutObjectCommand | UploadPartCommand;
type BuildArgs = { request: unknown };
/** The one shape of `middlewareStack.add` used here (the commands' own types are a union of overloads TypeScript cannot call). */
interface BuildStack {
  add(
    middleware: (next: (args: BuildArgs) => Promise<unknown>) => (args: BuildArgs) => Promise<unknown>,
    options: { step: "build"; priority: "low"; name: string },
  ): void;
}

/**
 * Drops the SDK's default request checksum (`x-amz-checksum-crc32`, computed over the
 * empty body it has at signing time): in a presigned URL it would make S3 refuse every
 * real body. Runs in the build step after the checksum middleware has added it.
 */
function withoutChecksum<C extends Presignable>(command: C): C {
  (command.middlewareStack as unknown as BuildStack).add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      for (const name of Object.keys(request.headers ?? {})) {
        if (/^x-amz-(sdk-)?checksum-/i.test(name)) delete request.headers![name];
      }
      return next(args);
    },
    { step: "build", priority: "low", name: "privateFilesPresignWithoutChecksum" },
  );
  return command;
}

/** A URL for one PUT of exactly `size` bytes of `contentType` to `key`, valid `expiresIn` seconds. */
export function presignPut(
  target: S3Target,
  key: string,
  { size, contentType, expiresIn }: { size: number; contentType: string; expiresIn: number },
): Promise<string> {
  const command = new PutObjectCommand({ Bucket: target.bucket, Key: key, ContentLength: size, ContentType: contentType });
  return getSignedUrl(target.client, withoutChecksum(command), { expiresIn, signableHeaders: SIGNED_HEADERS });
}

/** A URL for part `partNumber` (exactly `size` bytes) of multipart upload `uploadId`. */
export function presignPart(
  target: S3Target,
  key: string,
  { uploadId, partNumber, size, expiresIn }: { uploadId: string; partNumber: number; size: number; expiresIn: number },
): Promise<string> {
  const command = new UploadPartCommand({ Bucket: target.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, ContentLength: size });
  return getSignedUrl(target.client, withoutChecksum(command), { expiresIn, signableHeaders: SIGNED_HEADERS });
}
