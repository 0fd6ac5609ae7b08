import { hostRefusal } from "@/lib/http/guard";
import { directUploads } from "@/lib/files/direct-uploads";

// Direct-to-S3 uploads: POST (intent), POST <id>/complete, POST <id>/parts, DELETE <id>
// (lib/files/direct-uploads.ts; docs/uploads.md, "Direct-to-storage uploads"). The kit's
// route refuses another site's Origin itself; requests with a body skip proxy.ts, so the
// Host is checked here (DNS rebinding).

type Handler = (request: Request) => Promise<Response>;

const ownHost =
  (handler: Handler): Handler =>
  (request) =>
    Promise.resolve(hostRefusal(request) ?? handler(request));

export const POST = ownHost(directUploads.POST);
export const DELETE = ownHost(directUploads.DELETE);
