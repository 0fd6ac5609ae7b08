// next-private-files/direct: direct-to-storage uploads for S3 fields. The browser PUTs the
// bytes to presigned URLs; the app authorizes the intent, checks the object on completion
// and only then makes the record. Pulls in @aws-sdk/client-s3 and its presigner.
export { createDirectUploadRoute } from "./direct/route.js";
export type { DirectUploadRoute } from "./direct/route.js";
export type { DirectUploadOptions } from "./direct/options.js";
export type { DirectUploadOffer, PresignedPart } from "./direct/offer.js";
export type { PruneDirectUploadsOptions, PruneDirectUploadsResult } from "./direct/prune.js";
export { SINGLE_PUT_MAX_BYTES } from "./direct/plan.js";
