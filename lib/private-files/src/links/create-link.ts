import type { ResolvedLinks } from "./check-link.js";
import { newLinkId, signToken, type LinkClaims } from "./token.js";
import type { CreateLinkOptions, FieldLinkOptions, FileLink } from "./types.js";

const HOUR = 3600;
export const DEFAULT_MAX_EXPIRES_IN = 7 * 24 * HOUR;

/**
 * Signs a link to one record's file (and records it in the store, when there is one).
 * `fileUrl` is the file's plain URL; `file` names what the link is for.
 */
export async function createLink(
  fileUrl: string,
  file: Omit<LinkClaims, "expires" | "id" | "singleUse">,
  accepted: FieldLinkOptions | undefined,
  links: ResolvedLinks,
  options: CreateLinkOptions,
  now = new Date(),
): Promise<FileLink> {
  const where = `${file.model}.${file.field}`;
  const singleUse = options.singleUse ?? false;
  if (!accepted || (singleUse ? !accepted.singleUse : !accepted.signed)) {
    throw new TypeError(`${where} does not accept ${singleUse ? "single-use" : "signed"} links (see the field's links option)`);
  }
  const max = accepted.maxExpiresIn ?? DEFAULT_MAX_EXPIRES_IN;
  const expiresIn = options.expiresIn ?? Math.min(HOUR, max);
  if (!Number.isInteger(expiresIn) || expiresIn <= 0 || expiresIn > max) {
    throw new RangeError(`${where}: expiresIn must be a whole number of seconds from 1 to ${max}, not ${expiresIn}`);
  }
  if (singleUse && !links.store) throw new TypeError(`${where}: single-use links need links.store`);

  const [secret] = links.secrets();
  const id = newLinkId();
  const expires = Math.floor(now.getTime() / 1000) + expiresIn;
  const token = signToken({ ...file, expires, id, singleUse }, secret!);
  const expiresAt = new Date(expires * 1000);
  await links.store?.create({
    id,
    model: file.model,
    field: file.field,
    recordId: file.recordId,
    singleUse,
    expiresAt,
    createdAt: now,
    createdBy: typeof options.createdBy === "object" ? options.createdBy.id : (options.createdBy ?? null),
  });
  // After the variant's `?variant=`, if there is one: parse the URL, do not rely on the order.
  return { url: `${fileUrl}${fileUrl.includes("?") ? "&" : "?"}token=${token}`, id, expiresAt, singleUse };
}
