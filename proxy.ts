import { NextResponse } from "next/server";
import { malformedPathAnswer } from "@/lib/private-files/next/malformed-path";

// Runs only for file URLs with a percent-escape (see matcher): one whose escapes do
// not decode gets the route's own 404 instead of Next's 500 (vercel/next.js#92527).
// URLs without a `%` cannot be malformed that way and skip the proxy, which would
// otherwise cost every download an extra pass through Next's middleware.
export function proxy(request: Request): Response {
  return malformedPathAnswer(request) ?? NextResponse.next();
}

// Matched against the raw (still escaped) path, as the 404s in hostile-input.test.ts show.
export const config = { matcher: "/files/:path(.*%.*)" };
