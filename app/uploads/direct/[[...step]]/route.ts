// Direct-to-S3 uploads: POST (intent), POST <id>/complete, POST <id>/parts, DELETE <id>
// (lib/files/direct-uploads.ts; docs/direct-uploads.md).
import { directUploads } from "@/lib/files/direct-uploads";

export const { POST, DELETE } = directUploads;
