import { contentTypeFor, dispositionFor, FILE_SECURITY_HEADERS, isInlineSafe } from "../http/headers.js";
import { isNotModified, ifRangeAllows, preconditionFailed } from "../http/conditional.js";
import { decideRange } from "../http/range.js";
import { LENGTH_HEADER } from "../http/shim-headers.js";
import type { ByteRange, OpenedFile } from "../storage/types.js";

/** What the route will answer for an authorized request, before any byte is read. */
export type FilePlan =
  | { readonly send: "headers"; readonly status: 304 | 412 | 416; readonly headers: Headers }
  | { readonly send: "bytes"; readonly status: 200 | 206; readonly headers: Headers; readonly range: ByteRange | null };

/**
 * Decides status and headers for a granted request from the file's validators and
 * the request's `Range`/conditional headers. Pure: reads no bytes, fires no hook.
 */
export function planFileResponse(request: Request, file: OpenedFile, name: string, attachment: boolean): FilePlan {
  const validators = {
    ETag: file.etag,
    "Last-Modified": file.lastModified.toUTCString(),
  };
  // RFC 9110 §13.2.2: If-Match / If-Unmodified-Since first, then If-None-Match /
  // If-Modified-Since, then If-Range.
  if (preconditionFailed(request.headers, file)) {
    return { send: "headers", status: 412, headers: new Headers({ ...FILE_SECURITY_HEADERS, ...validators }) };
  }
  if (isNotModified(request.headers, file)) {
    return { send: "headers", status: 304, headers: new Headers({ ...FILE_SECURITY_HEADERS, ...validators }) };
  }

  const contentType = contentTypeFor(name);
  const headers = new Headers({
    ...FILE_SECURITY_HEADERS,
    ...validators,
    "Accept-Ranges": "bytes",
    "Content-Type": contentType,
    "Content-Disposition": dispositionFor(name, !attachment && isInlineSafe(contentType)),
  });

  const decision = ifRangeAllows(request.headers, file)
    ? decideRange(request.headers.get("range"), file.size)
    : ({ kind: "full" } as const);

  switch (decision.kind) {
    case "unsatisfiable":
      headers.set("Content-Range", `bytes */${file.size}`);
      setLength(headers, 0);
      return { send: "headers", status: 416, headers };
    case "partial": {
      const { start, end } = decision.range;
      headers.set("Content-Range", `bytes ${start}-${end}/${file.size}`);
      setLength(headers, end - start + 1);
      return { send: "bytes", status: 206, headers, range: decision.range };
    }
    case "full":
      setLength(headers, file.size);
      return { send: "bytes", status: 200, headers, range: null };
  }
}

/** `Content-Length`, plus its copy that survives Next.js (see restore-content-length.ts). */
function setLength(headers: Headers, length: number): void {
  headers.set("Content-Length", String(length));
  headers.set(LENGTH_HEADER, String(length));
}
