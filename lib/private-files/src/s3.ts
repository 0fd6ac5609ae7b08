// next-private-files/s3: storage in an S3-compatible bucket. It alone pulls in the AWS SDK
// (@aws-sdk/client-s3, @aws-sdk/lib-storage, @aws-sdk/s3-request-presigner).
export { s3Storage, s3TargetOf } from "./storage/s3.js";
export type { S3StorageOptions, S3Target } from "./storage/s3.js";
