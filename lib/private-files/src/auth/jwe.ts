import { createDecipheriv, createHash, createHmac, timingSafeEqual } from "node:crypto";

// The session cookies of next-auth 4 and Auth.js 5 are compact JWEs with `alg: "dir"`
// (the key is derived from the app's secret, no key wrapping) and `A256GCM` or
// `A256CBC-HS512`. This decrypts them with node:crypto, synchronously. Why not jose's
// `jwtDecrypt`: bundlers (Next's among them) resolve `jose` to its WebCrypto build, where
// each decode imports a CryptoKey and runs the cipher as a thread-pool job behind a
// promise: 115 µs of CPU per A256GCM cookie on this project's machine, against 7 µs here
// (docs/performance.md). The checks are jose's, for what these libraries emit; anything
// else (another `alg` or `enc`, `zip`, `crit`, a key segment) is refused.

/** The content encryptions the session libraries use. */
export type ContentEncryption = "A256GCM" | "A256CBC-HS512";

/** The JWE's protected header, once it is known to be `dir` with an accepted `enc`. */
export interface DirJweHeader {
  readonly alg: "dir";
  readonly enc: ContentEncryption;
  readonly kid?: string;
  readonly [parameter: string]: unknown;
}

/** A token that is not a valid JWE for the key, or whose claims are out of time: the getters treat it as no session. */
export class SessionTokenError extends Error {
  override readonly name = "SessionTokenError";
}

/** Key length (bytes), IV length and tag length of each encryption (RFC 7518 §5.2.5, §5.3). */
const SIZES: Record<ContentEncryption, { key: number; iv: number; tag: number }> = {
  A256GCM: { key: 32, iv: 12, tag: 16 },
  "A256CBC-HS512": { key: 64, iv: 16, tag: 32 },
};

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function segment(value: string, what: string): Buffer {
  if (!BASE64URL.test(value)) throw new SessionTokenError(`${what} is not base64url`);
  return Buffer.from(value, "base64url");
}

function jsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new SessionTokenError(`${what} is not JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new SessionTokenError(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * Decrypts a compact `dir` JWE and returns its claims, checked as jose's `jwtDecrypt`
 * checks them (`exp`, `nbf`, `iat`, replicated `iss`/`sub`/`aud`) with `toleranceSeconds`.
 * `keyFor` picks the key from the header (its `enc`, its `kid`); it returns undefined
 * when none fits. Throws SessionTokenError for anything that does not decode.
 */
export function decryptDirJwe(
  token: string,
  accepted: readonly ContentEncryption[],
  keyFor: (header: DirJweHeader) => Uint8Array | undefined,
  toleranceSeconds: number,
  nowMs: number = Date.now(),
): Record<string, unknown> {
  const parts = token.split(".");
  if (parts.length !== 5) throw new SessionTokenError("not a compact JWE (five segments)");
  const [protectedSegment, encryptedKey, ivSegment, ciphertextSegment, tagSegment] = parts as [string, string, string, string, string];
  const header = jsonObject(segment(protectedSegment, "the protected header"), "the protected header");
  if (header.alg !== "dir") throw new SessionTokenError("alg is not dir");
  const enc = header.enc;
  if (typeof enc !== "string" || !(accepted as readonly string[]).includes(enc)) throw new SessionTokenError("enc is not accepted");
  // No compression (jose 5+ refuses it by default, the libraries never set it) and no critical extensions.
  if (header.zip !== undefined || header.crit !== undefined) throw new SessionTokenError("zip and crit are not supported");
  if (header.kid !== undefined && typeof header.kid !== "string") throw new SessionTokenError("kid is not a string");
  if (encryptedKey !== "") throw new SessionTokenError("dir has no encrypted key");
  const sizes = SIZES[enc as ContentEncryption];
  const key = keyFor(header as DirJweHeader);
  if (!key || key.byteLength !== sizes.key) throw new SessionTokenError("no key for this token");
  const iv = segment(ivSegment, "the IV");
  const tag = segment(tagSegment, "the tag");
  if (iv.length !== sizes.iv || tag.length !== sizes.tag) throw new SessionTokenError("IV or tag of the wrong length");
  const ciphertext = segment(ciphertextSegment, "the ciphertext");
  // The additional authenticated data of a compact JWE: its protected header's segment, as ASCII.
  const aad = Buffer.from(protectedSegment, "ascii");
  const plaintext = enc === "A256GCM" ? decryptGcm(key, iv, ciphertext, tag, aad) : decryptCbcHs512(key, iv, ciphertext, tag, aad);
  const claims = jsonObject(plaintext, "the payload");
  checkClaims(header, claims, toleranceSeconds, Math.floor(nowMs / 1000));
  return claims;
}

function decryptGcm(key: Uint8Array, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new SessionTokenError("does not decrypt with this key");
  }
}

/** RFC 7518 §5.2.2: the first half of the key authenticates (HMAC-SHA-512, truncated), the second decrypts (AES-256-CBC). */
function decryptCbcHs512(key: Uint8Array, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer {
  const aadBits = Buffer.alloc(8);
  aadBits.writeBigUInt64BE(BigInt(aad.length) << 3n);
  const expected = createHmac("sha512", key.subarray(0, 32)).update(aad).update(iv).update(ciphertext).update(aadBits).digest().subarray(0, 32);
  if (!timingSafeEqual(expected, tag)) throw new SessionTokenError("does not decrypt with this key");
  try {
    const decipher = createDecipheriv("aes-256-cbc", key.subarray(32), iv);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new SessionTokenError("does not decrypt with this key");
  }
}

/** jose's JWT claim checks, as `jwtDecrypt` runs them with only `clockTolerance` set. */
function checkClaims(header: Record<string, unknown>, claims: Record<string, unknown>, tolerance: number, now: number): void {
  for (const replicated of ["iss", "sub", "aud"] as const) {
    if (header[replicated] !== undefined && JSON.stringify(header[replicated]) !== JSON.stringify(claims[replicated])) {
      throw new SessionTokenError(`the header's ${replicated} differs from the claim`);
    }
  }
  for (const time of ["iat", "nbf", "exp"] as const) {
    if (claims[time] !== undefined && typeof claims[time] !== "number") throw new SessionTokenError(`${time} is not a number`);
  }
  if (typeof claims.nbf === "number" && claims.nbf > now + tolerance) throw new SessionTokenError("not valid yet (nbf)");
  if (typeof claims.exp === "number" && claims.exp <= now - tolerance) throw new SessionTokenError("expired (exp)");
}

/** RFC 7638's thumbprint of a symmetric key (`{"k":…,"kty":"oct"}`), as jose's `calculateJwkThumbprint` computes it. */
export function octKeyThumbprint(key: Uint8Array, digest: "sha256" | "sha512"): string {
  const jwk = `{"k":"${Buffer.from(key).toString("base64url")}","kty":"oct"}`;
  return createHash(digest).update(jwk).digest("base64url");
}
