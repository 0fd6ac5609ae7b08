import { createDirectUploadRoute } from "next-private-files/direct";
import { submissionFromUpload } from "./create-submission";
import { privateFiles } from "./private-files";

// Direct uploads to the bucket (PRIVATE_FILES_STORAGE=s3): the browser asks
// /uploads/direct for presigned URLs, PUTs the bytes straight to S3, then asks the app
// to complete, which checks the object (size, first bytes, scan) and only then makes the
// FileSubmission. On local storage the intent answers 400 (a field must be on S3).
export const directUploads = createDirectUploadRoute(privateFiles, {
  basePath: "/uploads/direct",
  onUploadComplete: submissionFromUpload,
});
