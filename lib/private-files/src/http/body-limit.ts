// Request bodies read with a ceiling: `request.json()`, `request.text()` and
// next-auth buffer a body whole before anything looks at it, so one anonymous
// 200 MB POST costs 200 MB of memory. These read at most `limit` bytes and stop.

/**
 * A request body refused before or while reading it (`readBody`, `readJson`): its
 * `status` (400 not JSON, 403 not sent as JSON, 413 too large) and a message fit for the client.
 * @example
 * ```ts
 * import { readJson, RequestBodyError } from "next-private-files";
 *
 * export async function POST(request: Request): Promise<Response> {
 *   try {
 *     const body = await readJson(request, { limit: 16 * 1024 });
 *     return Response.json({ received: body });
 *   } catch (error) {
 *     if (error instanceof RequestBodyError) return Response.json({ error: error.message }, { status: error.status });
 *     throw error;
 *   }
 * }
 * ```
 */
export class RequestBodyError extends Error {
  override readonly name = "RequestBodyError";
  constructor(
    message: string,
    /** 400: not valid JSON; 403: not sent as JSON; 413: over the limit. */
    readonly status: 400 | 403 | 413,
  ) {
    super(message);
  }
}

/** Options of `readBody`, `readJson` and `withBodyLimit`. */
export interface BodyLimitOptions {
  /** Largest body accepted, in bytes; required (there is no safe default for every route). */
  readonly limit: number;
}

const tooLarge = (limit: number) => new RequestBodyError(`the request body is larger than ${limit} bytes`, 413);

/**
 * The whole body, at most `limit` bytes: use it instead of `request.arrayBuffer()` or
 * `request.text()`, which buffer a body of any size. A `Content-Length` over the limit is
 * refused before a byte is read; without one (chunked), reading stops, and the stream is
 * cancelled, as soon as the limit is passed. No body: an empty array.
 * @throws {RequestBodyError} with status 413 when the body is over the limit.
 * @example
 * ```ts
 * import { readBody } from "next-private-files";
 *
 * export async function POST(request: Request): Promise<Response> {
 *   const bytes = await readBody(request, { limit: 64 * 1024 });
 *   const text = new TextDecoder().decode(bytes);
 *   return new Response(`${text.length} characters\n`);
 * }
 * ```
 */
export async function readBody(request: Request, { limit }: BodyLimitOptions): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    await request.body?.cancel().catch(() => undefined);
    throw tooLarge(limit);
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Whether a `Content-Type` is `application/json`, with or without parameters (`; charset=utf-8`).
 * @example
 * ```ts
 * import { isJsonContentType } from "next-private-files";
 *
 * declare const request: Request;
 *
 * isJsonContentType("application/json; charset=utf-8"); // true
 * if (!isJsonContentType(request.headers.get("content-type"))) throw new Error("send JSON");
 * ```
 */
export function isJsonContentType(contentType: string | null): boolean {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase() === "application/json";
}

/**
 * The body parsed as JSON, read under `limit` (see readBody): `request.json()` with a size
 * limit and a CSRF guard. The request must say `Content-Type: application/json`: a form or
 * `text/plain` body is what a page on another site can send without the browser asking
 * first (a CORS "simple request"), so anything else is refused with 403, never parsed.
 * @returns The parsed value, `unknown`: validate it before use.
 * @throws {RequestBodyError} 403 (not sent as JSON), 413 (over the limit), 400 (not valid JSON).
 * @example
 * ```ts
 * import { readJson } from "next-private-files";
 *
 * export async function POST(request: Request): Promise<Response> {
 *   const body = await readJson(request, { limit: 4096 });
 *   const fileId = typeof body === "object" && body !== null && "fileId" in body ? Number(body.fileId) : NaN;
 *   return Response.json({ fileId });
 * }
 * ```
 */
export async function readJson(request: Request, options: BodyLimitOptions): Promise<unknown> {
  if (!isJsonContentType(request.headers.get("content-type"))) {
    await request.body?.cancel().catch(() => undefined);
    throw new RequestBodyError("send the body as JSON, with Content-Type: application/json", 403);
  }
  const bytes = await readBody(request, options);
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as unknown;
  } catch {
    throw new RequestBodyError("the body is not valid JSON", 400);
  }
}

/** The plain-text 413 for a body over the limit. */
export function bodyTooLargeResponse(error: RequestBodyError): Response {
  return new Response(`${error.message}\n`, {
    status: error.status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
