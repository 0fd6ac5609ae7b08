import type { NextRequest } from "next/server.js";
import { bodyTooLargeResponse, readBody, RequestBodyError, type BodyLimitOptions } from "../http/body-limit.js";

/** A route handler of the App Router: `(request, { params })`, as `withBodyLimit` wraps it. */
export type NextRouteHandler<C> = (request: NextRequest, context: C) => Response | Promise<Response>;

/**
 * Wraps a route handler that reads its body whole (next-auth's, say) so that a body
 * over `limit` bytes gets 413 before the handler runs: the body is read here under the
 * limit (readBody), and the handler gets a copy of the request carrying those bytes.
 * GET and HEAD pass through untouched. The 413 is plain text; the handler's own errors
 * propagate.
 * @param handler - The route handler to protect.
 * @param options - `limit`: the largest body, in bytes.
 * @example
 * ```ts
 * // app/api/auth/[...nextauth]/route.ts
 * import NextAuth, { type AuthOptions } from "next-auth";
 * import type { NextRequest } from "next/server";
 * import { withBodyLimit } from "next-private-files/next";
 *
 * declare const authOptions: AuthOptions;
 * type Context = { params: Promise<{ nextauth: string[] }> };
 * const nextAuth = NextAuth(authOptions) as (request: NextRequest, context: Context) => Promise<Response>;
 *
 * // Sign-in forms are a few hundred bytes: anything over 16 KiB gets 413 before next-auth reads it.
 * const handler = withBodyLimit(nextAuth, { limit: 16 * 1024 });
 * export { handler as GET, handler as POST };
 * ```
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
    // Loaded on the first bodied request, not on import: importing next/server installs
    // Next.js's globals, and `next-private-files/next` is imported by instrumentation.ts.
    const { NextRequest } = await import("next/server.js");
    const copy = new NextRequest(request.url, {
      method: request.method,
      headers: request.headers,
      body: body.byteLength > 0 ? body : null,
      signal: request.signal,
    });
    return handler(copy, context);
  };
}
