import { carriesResumeProof } from "./resume-cookie.js";
import type { LinkStore } from "./store.js";
import { parseToken, verifySignature, type LinkClaims } from "./token.js";
import type { FieldLinkOptions, LinkUse } from "./types.js";

/**
 * Why a link was refused (also the `downloadDenied` reason):
 * - `link-not-accepted`: the field does not take this kind of link;
 * - `link-malformed`: not a token at all;
 * - `link-invalid`: the signature does not match: tampered, made for another file, field
 *   or record, or signed with a secret that is no longer accepted;
 * - `link-expired`, `link-revoked`;
 * - `link-unknown`: signed, but the store has no record of it (pruned, or made before
 *   the store was configured);
 * - `link-used`: a single-use link already consumed (410 Gone).
 */
export type LinkDenialReason = "link-not-accepted" | "link-malformed" | "link-invalid" | "link-expired" | "link-revoked" | "link-unknown" | "link-used";

export type LinkVerdict =
  | { readonly granted: true; readonly use: LinkUse; /** A single-use link this answer must consume before sending bytes. */ readonly consume: boolean }
  | { readonly granted: false; readonly reason: LinkDenialReason; readonly status: 403 | 410; readonly message: string };

/** Links as the route reads them, defaults applied. */
export interface ResolvedLinks {
  secrets(): readonly string[];
  readonly store: LinkStore | undefined;
  readonly resumeWindowSeconds: number;
}

type Refused = Extract<LinkVerdict, { granted: false }>;
const refused = (reason: LinkDenialReason, message: string, status: 403 | 410 = 403): Refused => ({ granted: false, reason, status, message });

/** A single-use link someone else already consumed: found here, or lost in the race to consume it. */
export const LINK_USED: Refused = refused("link-used", "link already used", 410);

/**
 * Whether the token was signed for this file: for the variant asked for itself, or (when
 * one is asked for) for the original, whose links open its variants too. A variant's link
 * never opens the original or another variant: its signature covers its name.
 */
function signedFor(parsed: NonNullable<ReturnType<typeof parseToken>>, file: Omit<LinkClaims, "expires" | "id" | "singleUse">, secrets: readonly string[]): boolean {
  const variant = file.variant ?? null;
  if (verifySignature(parsed, { ...file, variant }, secrets)) return true;
  return variant !== null && verifySignature(parsed, { ...file, variant: null }, secrets);
}

/**
 * Judges `?token=` for one file (`file.variant`: the image variant asked for, if any). Throws when the store fails (the route answers 503)
 * or the secrets are missing (500); every other problem is a refusal with its reason.
 */
export async function checkLink(
  token: string,
  file: Omit<LinkClaims, "expires" | "id" | "singleUse">,
  accepted: FieldLinkOptions | undefined,
  links: ResolvedLinks,
  request: Request,
  now: Date,
): Promise<LinkVerdict> {
  if (!accepted?.signed && !accepted?.singleUse) return refused("link-not-accepted", "this file cannot be shared by link");
  const parsed = parseToken(token);
  if (!parsed) return refused("link-malformed", "malformed link");
  if (!signedFor(parsed, file, links.secrets())) return refused("link-invalid", "invalid link");
  if (parsed.singleUse ? !accepted.singleUse : !accepted.signed) return refused("link-not-accepted", "this file cannot be shared by this kind of link");
  const expiresAt = new Date(parsed.expires * 1000);
  if (expiresAt <= now) return refused("link-expired", "link expired");
  const use = { id: parsed.id, singleUse: parsed.singleUse, expiresAt };
  if (!links.store) return { granted: true, use: { ...use, resumed: false, createdBy: null }, consume: false };

  const record = await links.store.find(parsed.id);
  if (!record) return refused("link-unknown", "unknown link");
  if (record.revokedAt) return refused("link-revoked", "link revoked");
  const made = { ...use, createdBy: record.createdBy };
  if (!parsed.singleUse || record.usedAt === null) return { granted: true, use: { ...made, resumed: false }, consume: parsed.singleUse };
  // Consumed: only the client that spent it (it holds the resume cookie), asking for a
  // part of the file within the window. The route refuses it again unless the answer is a
  // 206: a malformed or ignored Range never reopens the whole file.
  const resuming =
    request.headers.has("range") &&
    now.getTime() - record.usedAt.getTime() <= links.resumeWindowSeconds * 1000 &&
    carriesResumeProof(request, parsed.id, record.usedBy);
  if (resuming) return { granted: true, use: { ...made, resumed: true }, consume: false };
  return LINK_USED;
}
