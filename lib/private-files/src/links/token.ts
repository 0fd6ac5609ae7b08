import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

// A link token: `<id>.<expires>.<kind>.<signature>`, carried as `?token=` on the file URL.
//   id         22 base64url characters (16 random bytes): names the link in the store
//   expires    Unix seconds, decimal, no leading zero
//   kind       "m" (usable until it expires) or "s" (single use)
//   signature  43 base64url characters: HMAC-SHA256 under the link secret over the
//              model key, field, record id, stored file path, expiry, id and kind,
//              and the image variant's name for a link made for one variant
// Everything that identifies the file is signed but not carried: it comes from the
// URL path and the loaded record, so a token is worthless for any other file, field
// or record, and dies when the record points at a new file.

/** What a token is about; everything here is covered by the signature. */
export interface LinkClaims {
  readonly model: string;
  readonly field: string;
  readonly recordId: string;
  /** The stored path of the file the link was made for (not the display name). */
  readonly storedPath: string;
  /**
   * The image variant the link was made for; `null` or unset: the original (signed
   * exactly as before variants existed, so older links stay valid).
   */
  readonly variant?: string | null;
  /** Unix seconds. */
  readonly expires: number;
  readonly id: string;
  readonly singleUse: boolean;
}

/** A token's visible parts, before its signature is checked. */
export interface ParsedToken {
  readonly id: string;
  readonly expires: number;
  readonly singleUse: boolean;
  readonly signature: string;
}

const ID = /^[A-Za-z0-9_-]{22}$/;
const EXPIRES = /^[1-9][0-9]{0,11}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/** A new random link id. */
export function newLinkId(): string {
  return randomBytes(16).toString("base64url");
}

/** The token for `claims`, signed with `secret`. */
export function signToken(claims: LinkClaims, secret: string): string {
  return `${claims.id}.${claims.expires}.${claims.singleUse ? "s" : "m"}.${signature(claims, secret)}`;
}

/**
 * Splits a token into its parts; `null` unless every part has exactly its canonical
 * form (so no two spellings of one token exist, and one changed character never
 * leaves a valid token).
 */
export function parseToken(token: string): ParsedToken | null {
  const parts = token.split(".");
  if (parts.length !== 4) return null;
  const [id, expires, kind, sig] = parts as [string, string, string, string];
  if (!ID.test(id) || !EXPIRES.test(expires) || (kind !== "s" && kind !== "m") || !SIGNATURE.test(sig)) return null;
  return { id, expires: Number(expires), singleUse: kind === "s", signature: sig };
}

/**
 * True when `parsed` was signed over exactly these claims by one of `secrets`
 * (the current one first, then previous ones still accepted during a rotation).
 * Compares in constant time, as text: base64url's unused trailing bits would let two
 * spellings decode to one digest.
 */
export function verifySignature(parsed: ParsedToken, context: Omit<LinkClaims, "expires" | "id" | "singleUse">, secrets: readonly string[]): boolean {
  const claims: LinkClaims = { ...context, expires: parsed.expires, id: parsed.id, singleUse: parsed.singleUse };
  const given = Buffer.from(parsed.signature);
  let valid = false;
  for (const secret of secrets) {
    // Every secret is tried, so the time taken does not tell which one matched.
    if (timingSafeEqual(Buffer.from(signature(claims, secret)), given)) valid = true;
  }
  return valid;
}

function signature(claims: LinkClaims, secret: string): string {
  // Length-prefixed fields: no value can be shifted into its neighbour.
  const fields = ["private-files-link-v1", claims.model, claims.field, claims.recordId, claims.storedPath, String(claims.expires), claims.id, claims.singleUse ? "s" : "m"];
  // One more field only for a variant's link: an original's signature is unchanged, and
  // no variant's signature can equal it (the field count differs, each length-prefixed).
  if (claims.variant !== undefined && claims.variant !== null) fields.push("variant", claims.variant);
  const message = fields.map((value) => `${Buffer.byteLength(value)}:${value}`).join("");
  return createHmac("sha256", secret).update(message).digest("base64url");
}
