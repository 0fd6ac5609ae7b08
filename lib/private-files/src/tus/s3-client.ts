import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3,
  type S3Client,
} from "@aws-sdk/client-s3";

/** The methods of the aggregated `S3` client that `@tus/s3-store` calls. */
export type TusS3Calls = Pick<
  S3,
  | "abortMultipartUpload"
  | "completeMultipartUpload"
  | "createMultipartUpload"
  | "deleteObject"
  | "deleteObjects"
  | "getObject"
  | "headObject"
  | "listMultipartUploads"
  | "listParts"
  | "putObject"
  | "uploadPart"
>;

/**
 * `@tus/s3-store` builds its own aggregated `S3` client from a config; the field's
 * storage already has an `S3Client` (endpoint, credentials, checksum settings,
 * middleware). This gives the store those same calls over the storage's client, each
 * one `client.send(new XCommand(input))`, so there is one client and one configuration.
 */
export function tusS3Calls(client: S3Client): TusS3Calls {
  return {
    abortMultipartUpload: (input: AbortMultipartUploadCommand["input"]) => client.send(new AbortMultipartUploadCommand(input)),
    completeMultipartUpload: (input: CompleteMultipartUploadCommand["input"]) => client.send(new CompleteMultipartUploadCommand(input)),
    createMultipartUpload: (input: CreateMultipartUploadCommand["input"]) => client.send(new CreateMultipartUploadCommand(input)),
    deleteObject: (input: DeleteObjectCommand["input"]) => client.send(new DeleteObjectCommand(input)),
    deleteObjects: (input: DeleteObjectsCommand["input"]) => client.send(new DeleteObjectsCommand(input)),
    getObject: (input: GetObjectCommand["input"]) => client.send(new GetObjectCommand(input)),
    headObject: (input: HeadObjectCommand["input"]) => client.send(new HeadObjectCommand(input)),
    listMultipartUploads: (input: ListMultipartUploadsCommand["input"]) => client.send(new ListMultipartUploadsCommand(input)),
    listParts: (input: ListPartsCommand["input"]) => client.send(new ListPartsCommand(input)),
    putObject: (input: PutObjectCommand["input"]) => client.send(new PutObjectCommand(input)),
    uploadPart: (input: UploadPartCommand["input"]) => client.send(new UploadPartCommand(input)),
  } as TusS3Calls;
}
