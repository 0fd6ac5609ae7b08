// DELETE <basePath>/<id>: the user gives up. Whatever reached the bucket goes, then the
// reservation.
import type { AnySession } from "../config/types.js";
import type { DirectContext } from "./context.js";
import { abandonUpload } from "./core.js";
import { removeUploaded } from "./objects.js";
import { exclusively, ownUpload } from "./own-upload.js";
import { directTargetOf, objectKey } from "./target.js";

export async function handleCancel<T, S extends AnySession>(context: DirectContext<T, S>, request: Request, id: string): Promise<Response> {
  const pending = await ownUpload(context, request, id);
  return exclusively(context.busy, id, async () => {
    const target = directTargetOf(context.files, pending.model, pending.field);
    await removeUploaded(target, objectKey(target, pending.key), pending.multipartId);
    await abandonUpload(context.files, pending);
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  });
}
