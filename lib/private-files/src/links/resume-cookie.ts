import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

// The proof that a request comes from the client that spent a single-use link: a random
// secret sent once, in an HttpOnly cookie scoped to the file's path, on the answer that
// consumed the link. The store keeps only its SHA-256 (`LinkRecord.usedBy`), so a copy of
// the database resumes nothing. Nothing a third party can see or guess goes into it: not
// the User-Agent, not X-Forwarded-For (both client-sent), not the address (a route
// handler never sees the socket, and a resumed download may come from a new one).

/** Cookie names start with this, then the link's id: one cookie per link, never clobbered by another. */
export const RESUME_COOKIE_PREFIX = "pf-resume-";

/** A fresh proof: the secret for the client's cookie, and the digest the store keeps. */
export function newResumeProof(): { readonly secret: string; readonly digest: string } {
  const secret = randomBytes(32).toString("base64url");
  return { secret, digest: digestOf(secret) };
}

/**
 * The `Set-Cookie` value that hands the proof to the client. `path` is the file's
 * canonical URL path (each segment percent-encoded, so it never holds `;`), which keeps
 * the cookie away from every other URL of the site.
 */
export function resumeCookie(linkId: string, secret: string, options: { path: string; maxAgeSeconds: number; secure: boolean }): string {
  const attributes = [`Path=${options.path}`, `Max-Age=${Math.floor(options.maxAgeSeconds)}`, "HttpOnly", "SameSite=Lax"];
  if (options.secure) attributes.push("Secure");
  return `${RESUME_COOKIE_PREFIX}${linkId}=${secret}; ${attributes.join("; ")}`;
}

/** True when the request carries the resume cookie of this link whose digest is `digest`. */
export function carriesResumeProof(request: Request, linkId: string, digest: string | null): boolean {
  if (digest === null) return false;
  const secret = cookieValue(request.headers.get("cookie"), `${RESUME_COOKIE_PREFIX}${linkId}`);
  if (secret === undefined) return false;
  const given = Buffer.from(digestOf(secret));
  const kept = Buffer.from(digest);
  return given.length === kept.length && timingSafeEqual(given, kept);
}

function digestOf(secret: string): string {
  return createHash("sha256").update(secret).digest("base64url");
}

/** The value of cookie `name` in a `Cookie` header; undefined when absent. */
function cookieValue(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  const prefix = `${name}=`;
  for (const pair of header.split(";")) {
    const trimmed = pair.trim();
    if (trimmed.startsWith(prefix)) return trimmed.slice(prefix.length).trim();
  }
  return undefined;
}
