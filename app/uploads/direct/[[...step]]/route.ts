// Direct-to-S3 uploads: POST (intent), POST <id>/complete, POST <id>/parts, DELETE <id>
// (lib/files/direct-uploads.ts; docs/uploads.md, "Direct-to-storage uploads").
import { directUploads } from "@/lib/files/direct-uploads";

export const { POST, DELETE } = directUploads;
