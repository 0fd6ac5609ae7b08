import { NextRequest } from "next/server.js";
import { bodyTooLargeResponse, readBody, RequestBodyError, type BodyLimitOptions } from "../http/body-limit.js";

/** A route handler of the App Router: `(request, { params })`. */
export type NextRouteHandler<C> = (request: NextRequest, context: C) => Response | Promise<Response>;

/**
 * Wraps a route handler that reads its body whole (next-auth's, say) so that a body
 * over `limit` bytes gets 413 before the handler runs: the body is read here under the
 * limit (readBody), and the handler gets a copy of the request carrying those bytes.
 * GET and HEAD pass through untouched.
 */
export function withBodyLimit<C>(handler: NextRouteHandler<C>, options: BodyLimitOptions): (request: NextRequest, context: C) => Promise<Response> {
  return async (request, context) => {
    if (request.method === "GET" || request.method === "HEAD") return handler(request, context);
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readBody(request, options);
    } catch (error) {
      if (error instanceof RequestBodyError) return bodyTooLargeResponse(error);
      throw error;
    }
    const copy = new NextRequest(request.url, {
      method: request.method,
      headers: request.headers,
      body: body.byteLength > 0 ? body : null,
      signal: request.signal,
    });
    return handler(copy, context);
  };
}
