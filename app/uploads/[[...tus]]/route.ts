import { hostRefusal, refuseForeignRequest } from "@/lib/http/guard";
import { resumableUploads } from "@/lib/files/resumable-uploads";

// Resumable uploads (tus 1.0) of FileSubmission files, for the upload form: creation
// (POST /uploads), offset (HEAD), bytes (PATCH), termination (DELETE), all at
// /uploads/<id>. The kit's route authorizes, limits and completes them (lib/files/resumable-uploads.ts).
//
// Requests with a body skip proxy.ts (it would copy the body into memory), so each
// handler checks the Host itself, and the ones that change something refuse another
// site's request (the kit's route does not look at Origin): a page elsewhere must not
// be able to upload into a signed-in user's files with their cookie.

type Handler = (request: Request) => Promise<Response>;

const sameSite =
  (handler: Handler): Handler =>
  (request) =>
    Promise.resolve(refuseForeignRequest(request) ?? handler(request));
const ownHost =
  (handler: Handler): Handler =>
  (request) =>
    Promise.resolve(hostRefusal(request) ?? handler(request));

export const OPTIONS = ownHost(resumableUploads.OPTIONS);
export const HEAD = ownHost(resumableUploads.HEAD);
export const POST = sameSite(resumableUploads.POST);
export const PATCH = sameSite(resumableUploads.PATCH);
export const DELETE = sameSite(resumableUploads.DELETE);
