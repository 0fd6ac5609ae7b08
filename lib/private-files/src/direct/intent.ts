// POST <basePath>: the upload intent. Authorizes and reserves through the core, then
// presigns where the browser sends the bytes.
import type { AnySession } from "../config/types.js";
import type { DirectContext } from "./context.js";
import { abandonUpload, beginUpload } from "./core.js";
import { removeUploaded } from "./objects.js";
import { makeOffer } from "./offer.js";
import { readIntent } from "./requests.js";
import { json } from "./responses.js";
import { directTargetOf, objectKey } from "./target.js";

export async function handleIntent<T, S extends AnySession>(context: DirectContext<T, S>, request: Request): Promise<Response> {
  const intent = await readIntent(request);
  // A non-S3 field is refused before anything is reserved.
  const target = directTargetOf(context.files, intent.model, intent.field);
  // Session, the field's upload condition, size, type by extension, quota (atomic).
  const pending = await beginUpload(context.files, request, intent, "direct");
  let multipartId: string | null = null;
  try {
    const offer = await makeOffer(target, pending, {
      ...context.options,
      setMultipartId: async (id) => {
        multipartId = id;
        await context.pending.setMultipartId(pending.id, id);
      },
    });
    return json(offer, 201);
  } catch (error) {
    // S3 or the store failed half-way: release the reservation and any multipart upload.
    await removeUploaded(target, objectKey(target, pending.key), multipartId).catch(() => undefined);
    await abandonUpload(context.files, pending);
    throw error;
  }
}
