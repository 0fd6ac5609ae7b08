// Conditional requests (RFC 9110 §13) against a file's strong ETag and Last-Modified.

/** The validators of one version of a file. */
export interface Validators {
  readonly etag: string;
  readonly lastModified: Date;
}

/** Splits an `If-None-Match` / `If-Match` list into entity tags, keeping `W/` prefixes. */
function entityTags(header: string): string[] {
  // Stryker disable next-line ArrayDeclaration: equivalent; a made-up tag in place of none matches no quoted ETag
  return header.match(/(?:W\/)?"[^"]*"|\*/g) ?? [];
}

const opaque = (tag: string) => (tag.startsWith("W/") ? tag.slice(2) : tag);

/** Seconds precision, as HTTP dates carry. */
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

function parseHttpDate(value: string): number | undefined {
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : Math.floor(time / 1000);
}

/**
 * True when the request's preconditions fail, so the answer is 412 (RFC 9110 §13.2.2,
 * steps 1 and 2, evaluated before `If-None-Match`): an `If-Match` that names no current
 * tag by strong comparison (a `W/` tag never matches; `*` matches any file), or, only
 * without `If-Match`, an `If-Unmodified-Since` older than the file's `Last-Modified`. A
 * date that does not parse is ignored, as the RFC says. A client uses these to fetch the
 * rest of a file only if it is still the version it started with.
 */
export function preconditionFailed(headers: Headers, validators: Validators): boolean {
  const ifMatch = headers.get("if-match");
  if (ifMatch !== null) return !entityTags(ifMatch).some((tag) => tag === "*" || tag === validators.etag);
  const ifUnmodifiedSince = headers.get("if-unmodified-since");
  if (ifUnmodifiedSince === null) return false;
  const since = parseHttpDate(ifUnmodifiedSince);
  return since !== undefined && seconds(validators.lastModified) > since;
}

/**
 * True when the client's cached copy is current, so the answer is 304.
 * `If-None-Match` (weak comparison) wins; `If-Modified-Since` counts only without it.
 */
export function isNotModified(headers: Headers, validators: Validators): boolean {
  const ifNoneMatch = headers.get("if-none-match");
  if (ifNoneMatch !== null) {
    const current = opaque(validators.etag);
    return entityTags(ifNoneMatch).some((tag) => tag === "*" || opaque(tag) === current);
  }
  const ifModifiedSince = headers.get("if-modified-since");
  // Stryker disable next-line ConditionalExpression: equivalent; a shortcut, parseHttpDate(null) is undefined, which is false below
  if (ifModifiedSince === null) return false;
  const since = parseHttpDate(ifModifiedSince);
  return since !== undefined && seconds(validators.lastModified) <= since;
}

/**
 * True when a `Range` may be honoured: no `If-Range`, or one that names this exact
 * version (strong ETag comparison, or exactly the `Last-Modified` value we send,
 * RFC 9110 §13.1.5). Otherwise (another version, or a value that is neither, such
 * as a date in another format) the client's partial copy may be stale and it gets
 * the whole file.
 */
export function ifRangeAllows(headers: Headers, validators: Validators): boolean {
  const ifRange = headers.get("if-range")?.trim();
  if (ifRange === undefined || ifRange === "") return true;
  // Stryker disable next-line MethodExpression: equivalent; the test only picks which validator to compare with, and no ETag equals an HTTP date
  if (ifRange.startsWith('"') || ifRange.startsWith("W/")) return ifRange === validators.etag;
  return ifRange === validators.lastModified.toUTCString();
}
