// POST <basePath>/<id>/parts: fresh URLs for parts whose URLs expired before they were
// sent (a long upload over a slow line outlives the 15-minute URLs).
import type { AnySession } from "../config/types.js";
import type { DirectContext } from "./context.js";
import { partsOf, signParts, urlLifetime } from "./offer.js";
import { ownUpload } from "./own-upload.js";
import { readPartNumbers } from "./requests.js";
import { DirectUploadError, json } from "./responses.js";
import { directTargetOf } from "./target.js";

export async function handleParts<T, S extends AnySession>(context: DirectContext<T, S>, request: Request, id: string): Promise<Response> {
  const wanted = await readPartNumbers(request);
  const pending = await ownUpload(context, request, id);
  if (pending.multipartId === null) throw new DirectUploadError(400, "this upload is one PUT, not parts: begin it again for a new URL");
  const target = directTargetOf(context.files, pending.model, pending.field);
  const { parts } = partsOf(pending, context.options.partSize);
  const chosen = [...new Set(wanted)].map((number) => {
    const part = parts[number - 1];
    if (!part) throw new DirectUploadError(400, `this upload has parts 1 to ${parts.length}, not ${number}`);
    return part;
  });
  const now = new Date();
  const expiresIn = urlLifetime(context.options.expiresInSeconds, pending, now);
  return json({
    urlsExpireAt: new Date(now.getTime() + expiresIn * 1000).toISOString(),
    parts: await signParts(target, pending, pending.multipartId, chosen, expiresIn),
  });
}
