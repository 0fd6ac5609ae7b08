// POST <basePath>/<id>/complete: the bytes are up. Joins the parts (multipart), then the
// core checks the object (HeadObject size, leading bytes, scan) and, only if it passes,
// awaits onUploadComplete, which makes the record.
import type { AnySession } from "../config/types.js";
import type { DirectContext } from "./context.js";
import { finishUpload, type UploadCompleteHandler } from "./core.js";
import { completeMultipart } from "./objects.js";
import { exclusively, ownUpload } from "./own-upload.js";
import { readCompletion, type CompletedPart } from "./requests.js";
import { DirectUploadError, json } from "./responses.js";
import { directTargetOf, objectKey } from "./target.js";

export async function handleComplete<T, S extends AnySession>(context: DirectContext<T, S>, request: Request, id: string): Promise<Response> {
  const { parts } = await readCompletion(request);
  const pending = await ownUpload(context, request, id);
  return exclusively(context.busy, id, async () => {
    const target = directTargetOf(context.files, pending.model, pending.field);
    if (pending.multipartId !== null) {
      if (!parts || parts.length === 0) throw new DirectUploadError(400, `a multipart upload completes with "parts": [{ partNumber, etag }] of every part`);
      try {
        await completeMultipart(target, objectKey(target, pending.key), pending.multipartId, inOrder(parts));
      } catch (error) {
        // A wrong or missing ETag, a part too small: the upload stays, the client may resend parts.
        throw new DirectUploadError(409, `the store refused to join the parts (${nameOf(error)}); upload the missing parts again, or cancel`);
      }
    }
    // The core hands the handler the session the getter gave, which is an S.
    const onComplete = context.options.onUploadComplete as UploadCompleteHandler<T, AnySession>;
    const result = await finishUpload(context.files, request, pending, onComplete);
    return json(result === undefined ? null : result, 201);
  });
}

/** S3 wants the parts ascending, each once. */
function inOrder(parts: readonly CompletedPart[]): CompletedPart[] {
  const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.partNumber === sorted[i - 1]!.partNumber) throw new DirectUploadError(400, `part ${sorted[i]!.partNumber} is listed twice`);
  }
  return sorted;
}

function nameOf(error: unknown): string {
  const e = error as { name?: string; Code?: string } | undefined;
  return (e?.Code ?? e?.name ?? "error").slice(0, 80);
}
