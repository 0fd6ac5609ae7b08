import { signedIn } from "../auth/conditions.js";
import type { CompiledField } from "../config/model.js";
import type { AccessRequest, AnySession } from "../config/types.js";

/** Runs a field's condition (default: signed in). Only a literal `true` grants: fail closed. */
export async function isGranted(field: CompiledField, request: Request, session: AnySession | null, record: unknown): Promise<boolean> {
  const access: AccessRequest<AnySession> = { request, session, user: session?.user ?? null };
  const condition = field.condition ?? signedIn;
  return (await condition(access, record)) === true;
}
