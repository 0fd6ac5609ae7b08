import { NextResponse } from "next/server";
import { malformedPathAnswer } from "next-private-files/next";
import { hostRefusal } from "@/lib/http/guard";

// Two jobs, for the requests the matcher below sends here:
// - a URL whose percent-escapes do not decode gets 404 instead of Next's 500 (Next
//   fails decoding a dynamic parameter before any route runs, vercel/next.js#92527);
// - a Host that is not one of the app's origins gets 421 (DNS rebinding; lib/http/guard.ts).
export function proxy(request: Request): Response {
  return malformedPathAnswer(request) ?? hostRefusal(request) ?? NextResponse.next();
}

// Which requests come here, and why not all of them:
// - Downloads (`/files/…`) skip the proxy, which would cost every download an extra pass
//   through Next's middleware: the kit's route checks the Host itself (its `origins`
//   option). Only file URLs with a `%` come here, for the escape check. Matched against
//   the raw (still escaped) path, as the 404s in hostile-input.test.ts show.
// - Requests with a body skip it: Next copies the body of every request it passes through
//   the proxy into memory and waits for all of it before the route runs, which would undo
//   the routes' body limits (a 100 MB sign-in POST read whole). Those routes check the Host
//   themselves (lib/http/guard.ts, app/api/auth). A bodied request with a `%` in its path
//   still comes here (no route of the app has one; the copy is capped by
//   proxyClientMaxBodySize in next.config.mjs).
// - Static assets and the bench's baselines (404 unless the bench runs) skip it.
// (Next reads this object without running the file: literals only.)
export const config = {
  matcher: [
    "/files/:path(.*%.*)",
    {
      source: "/((?!_next/static/|_next/image|files/|bench/).*)",
      missing: [
        { type: "header", key: "content-length" },
        { type: "header", key: "transfer-encoding" },
      ],
    },
    "/((?!files/|_next/static/).*%.*)",
  ],
};
