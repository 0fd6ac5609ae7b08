import { NextResponse } from "next/server";
import { malformedPathAnswer } from "@/lib/private-files/next/malformed-path";

// Runs only for the file route (see matcher): a URL with escapes that do not decode
// gets the route's own 404 instead of Next's 500 (vercel/next.js#92527).
export function proxy(request: Request): Response {
  return malformedPathAnswer(request) ?? NextResponse.next();
}

export const config = { matcher: "/files/:path*" };
