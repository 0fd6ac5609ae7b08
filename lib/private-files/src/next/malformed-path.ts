import { notFound } from "../http/responses.js";

/**
 * A 404 for a URL whose percent-escapes do not decode (`%zz`, a lone `%`, invalid
 * UTF-8), else undefined. Next.js 16 answers such paths with a 500 before the route
 * runs (it fails decoding a dynamic parameter, vercel/next.js#92527), so this runs in
 * `proxy.ts`, for the URLs with a `%` its matcher sends there.
 * @returns A plain 404 for a path that does not decode; `undefined` to let the request through.
 * @example
 * ```ts
 * // proxy.ts
 * import { NextResponse } from "next/server";
 * import { malformedPathAnswer } from "next-private-files/next";
 *
 * export function proxy(request: Request): Response {
 *   return malformedPathAnswer(request) ?? NextResponse.next();
 * }
 *
 * export const config = { matcher: ["/files/:path(.*%.*)"] };
 * ```
 */
export function malformedPathAnswer(request: Request): Response | undefined {
  const { pathname } = new URL(request.url);
  try {
    decodeURIComponent(pathname);
    return undefined;
  } catch {
    return notFound();
  }
}
