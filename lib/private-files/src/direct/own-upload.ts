// A pending direct upload, found by its id for the user who began it.
import { internalsOf } from "../config/define.js";
import type { AnySession } from "../config/types.js";
import type { DirectContext } from "./context.js";
import type { PendingUpload } from "./core.js";
import { DirectUploadError } from "./responses.js";

/**
 * The pending direct upload `id` if the request's user began it: another user's, a tus
 * upload's, an expired or a finished one are all "no such upload" (404), so an id says
 * nothing to whoever is not its owner. An owned upload asked for without a session: 401.
 */
export async function ownUpload<T, S extends AnySession>(context: DirectContext<T, S>, request: Request, id: string, now = new Date()): Promise<PendingUpload> {
  const pending = await context.pending.get(id);
  const missing = new DirectUploadError(404, "no such upload: it was completed, cancelled or expired, or it is not yours");
  if (!pending || pending.via !== "direct" || pending.expiresAt <= now) throw missing;
  if (pending.user === null) return pending; // begun anonymously (the field's condition allowed it): the id is the key
  // A getter that rejects (the auth system is down) propagates: the route answers 503.
  const session = await internalsOf(context.files).config.getSession(request);
  if (!session) throw new DirectUploadError(401, "sign in to finish this upload");
  if (session.user.id !== pending.user) throw missing;
  return pending;
}

/** Runs `work` unless this instance is already completing or cancelling `id` (409). */
export async function exclusively<R>(busy: Set<string>, id: string, work: () => Promise<R>): Promise<R> {
  if (busy.has(id)) throw new DirectUploadError(409, "this upload is already being completed or cancelled");
  busy.add(id);
  try {
    return await work();
  } finally {
    busy.delete(id);
  }
}
