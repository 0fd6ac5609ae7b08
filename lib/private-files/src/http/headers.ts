import { create as contentDisposition } from "content-disposition";
import mime from "mime";

/** Types a browser may show inline without running script in our origin. */
const INLINE_SAFE = [
  /^image\/(png|jpeg|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon)$/,
  /^video\/[a-z0-9.+-]+$/,
  /^audio\/[a-z0-9.+-]+$/,
  /^text\/plain$/,
  /^text\/csv$/,
  /^application\/pdf$/,
];

/** `Content-Type` for a file name: `mime`'s answer, octet-stream when unknown, utf-8 on text. */
export function contentTypeFor(fileName: string): string {
  const type = mime.getType(fileName) ?? "application/octet-stream";
  return type.startsWith("text/") ? `${type}; charset=utf-8` : type;
}

/** Whether a type may be sent inline. HTML, SVG, XML, scripts and unknown types may not. */
export function isInlineSafe(contentType: string): boolean {
  const essence = contentType.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  if (essence.endsWith("+xml")) return false;
  return INLINE_SAFE.some((pattern) => pattern.test(essence));
}

// Bidirectional controls make "invoice\u202Efdp.exe" display as "invoiceexe.pdf";
// line and paragraph separators break a name across lines.
const INVISIBLE_CONTROLS = /[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A name safe to put in `Content-Disposition`: control characters (CR, LF, NUL…),
 * bidirectional overrides removed and path separators replaced, never empty. The package then quotes and encodes it
 * (RFC 6266 with an RFC 5987 `filename*` for non-Latin-1 names).
 */
export function displayName(name: string): string {
  const cleaned = name
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, "")
    .replace(INVISIBLE_CONTROLS, "")
    .replace(/[/\\]/g, "_")
    .trim();
  return cleaned === "" || cleaned === "." || cleaned === ".." ? "download" : cleaned;
}

export function dispositionFor(name: string, inline: boolean): string {
  return contentDisposition(displayName(name), { type: inline ? "inline" : "attachment" });
}

/**
 * Headers every file answer carries. A private file is never kept by a shared
 * cache and is revalidated by the browser, so revoked access takes effect; the
 * sandbox CSP keeps anything that does render from running script in our origin.
 */
export const FILE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // no-transform: no proxy or compression middleware may re-encode the bytes
  // (that would break Content-Length and byte ranges).
  "Cache-Control": "private, no-cache, no-transform",
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox",
  "Cross-Origin-Resource-Policy": "same-origin",
};
