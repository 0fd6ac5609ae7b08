import { signedIn } from "../../auth/conditions.js";
import type { CompiledField } from "../../config/model.js";
import type { AccessRequest, AnySession } from "../../config/types.js";
import { checkLink, type LinkVerdict } from "../../links/check-link.js";
import { LinkSecretError } from "../../links/secrets.js";
import type { Download } from "../download.js";
import { reject, type Rejection } from "../rejection.js";
import { TimeoutError, withTimeout } from "../with-timeout.js";

/** A `?token=` link that granted the download. */
export type LinkGrant = Extract<LinkVerdict, { granted: true }>;

/**
 * Stage 2, authorize: a `?token=` link is judged on its own (the link is the permission,
 * plus a session when the field asks for one; the field's condition is not consulted);
 * otherwise the field's condition. Resolves the link that granted, `null` when the
 * condition did, or the rejection (each a denial, with its reason).
 */
// Not async itself: it only picks the branch, so the granted path pays no extra frame.
export function authorize(download: Download): Promise<LinkGrant | null | Rejection> {
  const { token } = download;
  return token === null ? byCondition(download) : byLink(download, token);
}

async function byLink(download: Download, token: string): Promise<LinkGrant | Rejection> {
  const { config, field, party, log } = download;
  // The variant asked for is part of what the link must have been signed for (check-link.ts).
  const file = { model: party.model, field: party.field, recordId: party.recordId, storedPath: download.storedPath, variant: party.variant };
  let verdict: LinkVerdict;
  try {
    verdict = await withTimeout(checkLink(token, file, field.links, config.links, download.request, new Date()), config.timeoutMs, "link check");
  } catch (error) {
    const misconfigured = error instanceof LinkSecretError;
    log.error(misconfigured ? "links are not configured" : "link store failed", { error: String(error) });
    return misconfigured ? reject.failed("link-error") : reject.unavailable("link-error");
  }
  if (!verdict.granted) return reject.link(verdict);
  if (field.links?.requireSession && !party.session?.user) return refusal(download, "anonymous");
  return verdict;
}

async function byCondition(download: Download): Promise<null | Rejection> {
  const { config, field, party, log } = download;
  let granted: boolean;
  try {
    granted = await withTimeout(isGranted(field, download.request, party.session, party.record), config.timeoutMs, "condition");
  } catch (error) {
    if (error instanceof TimeoutError) {
      log.error("condition timed out; access denied", { error: error.message });
      return reject.unavailable("condition-timeout");
    }
    log.error("condition threw; access denied", { error: String(error) });
    return reject.failed("condition-error");
  }
  if (granted) return null;
  return refusal(download, party.session?.user ? "forbidden" : "anonymous");
}

/** Runs a field's condition (default: signed in). Only a literal `true` grants: fail closed. */
export async function isGranted(field: CompiledField, request: Request, session: AnySession | null, record: unknown): Promise<boolean> {
  const access: AccessRequest<AnySession> = { request, session, user: session?.user ?? null };
  const condition = field.condition ?? signedIn;
  return (await condition(access, record)) === true;
}

/** A refusal by the condition (or a link that needs a session): a 404 when the field hides its files, else 403 or 401. */
function refusal(download: Download, reason: "anonymous" | "forbidden"): Rejection {
  if (download.field.denial === "not-found") return reject.notFound(reason);
  if (reason === "forbidden") return reject.forbidden();
  const { url } = download;
  return reject.unauthenticated(`${url.pathname}${url.search}`);
}
