// next-private-files/s3: storage in an S3-compatible bucket. It alone pulls in the AWS SDK
// (@aws-sdk/client-s3, @aws-sdk/lib-storage, @aws-sdk/s3-request-presigner).
export { s3Storage } from "./storage/s3.js";
export type { S3StorageOptions } from "./storage/s3.js";
