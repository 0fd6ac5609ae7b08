// The answers that hand the sending of a file to someone else: nginx, Apache or
// lighttpd, or the object store. They carry no body; the file's own headers
// (type, disposition, security headers) go along, and the front server adds the rest.

/** Headers that describe the bytes we are not sending ourselves. */
const BODY_HEADERS = ["content-length", "content-range", "accept-ranges", "etag", "last-modified", "x-private-files-content-length"];

function withoutBodyHeaders(headers: Headers): Headers {
  const kept = new Headers(headers);
  for (const name of BODY_HEADERS) kept.delete(name);
  return kept;
}

/**
 * The `X-Accel-Redirect` target for a stored path: the internal prefix, then each
 * segment percent-encoded. nginx (1.5.9 and later) decodes the URI before it maps it
 * onto the file system, so spaces and non-ASCII names survive. The file route uses it
 * for `{ mode: "x-accel-redirect" }`; an app's own route that hands a file to nginx can too.
 * @param prefix - The nginx `internal` location (a missing trailing `/` is added).
 * @param storedPath - The stored path, relative to the storage root.
 * @example
 * ```ts
 * import { accelRedirectTarget } from "next-private-files";
 *
 * accelRedirectTarget("/_protected", "reports/Q1 résumé.pdf");
 * // "/_protected/reports/Q1%20r%C3%A9sum%C3%A9.pdf"
 * const answer = new Response(null, { headers: { "X-Accel-Redirect": accelRedirectTarget("/_protected/", "reports/q1.pdf") } });
 * ```
 */
export function accelRedirectTarget(prefix: string, storedPath: string): string {
  const base = prefix.endsWith("/") ? prefix : `${prefix}/`;
  return `${base}${storedPath.split("/").map(encodeURIComponent).join("/")}`;
}

/** nginx re-reads Range and the conditional headers itself and serves from the internal location. */
export function accelRedirect(prefix: string, storedPath: string, headers: Headers): Response {
  const out = withoutBodyHeaders(headers);
  out.set("X-Accel-Redirect", accelRedirectTarget(prefix, storedPath));
  return new Response(null, { status: 200, headers: out });
}

/**
 * `X-Sendfile: <absolute path>` for Apache mod_xsendfile and lighttpd. A path with
 * anything but printable ASCII is percent-encoded (mod_xsendfile unescapes it by
 * default); the kit's generated stored names are plain ASCII.
 */
export function sendfile(absolutePath: string, headers: Headers): Response {
  const out = withoutBodyHeaders(headers);
  const value = /^[\x21-\x7e]+$/.test(absolutePath) ? absolutePath : absolutePath.split("/").map(encodeURIComponent).join("/");
  out.set("X-Sendfile", value);
  return new Response(null, { status: 200, headers: out });
}

/** A 302 to a presigned object-store URL; never cached, since it expires and is personal. */
export function presignedRedirect(url: string): Response {
  return new Response(null, {
    status: 302,
    headers: { Location: url, "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff" },
  });
}
