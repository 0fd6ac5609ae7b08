// proxy.ts imports this file. The kit's core entry is side-effect free ESM
// ("sideEffects": false), so the proxy bundle keeps only these checks of it.
import { allowedHosts, appOrigins, assertSameOrigin, CrossSiteRequestError, isAllowedHost, misdirectedRequest } from "next-private-files";

// The demo's own origins, and the checks its routes share (proxy.ts, app/api/*).
//
//   NEXTAUTH_URL                    the public URL (links are built from it, never from Host)
//   PORT                            set by `next start -p` (and read by the standalone
//                                   server): http://localhost:<port>, http://127.0.0.1:<port>
//   PRIVATE_FILES_ALLOWED_ORIGINS   further origins, comma-separated (a second public name)
//
// Read on first use, at run time: `next build` runs without them.

let origins: readonly string[] | undefined;
let hosts: ReadonlySet<string> | undefined;

/** The origins the demo answers as its own. */
export function demoOrigins(): readonly string[] {
  return (origins ??= appOrigins({
    publicUrl: process.env.NEXTAUTH_URL,
    port: process.env.PORT,
    extra: (process.env.PRIVATE_FILES_ALLOWED_ORIGINS ?? "").split(","),
  }));
}

/** 421 when the request's Host is not one of the demo's origins (DNS rebinding), else undefined. */
export function hostRefusal(request: Request): Response | undefined {
  return isAllowedHost(request, (hosts ??= allowedHosts(demoOrigins()))) ? undefined : misdirectedRequest();
}

/**
 * What a state-changing API route checks first: the Host (421), then that no other
 * site's page sent it (403, as JSON like the routes' other errors). Undefined: go on.
 */
export function refuseForeignRequest(request: Request): Response | undefined {
  const host = hostRefusal(request);
  if (host) return host;
  try {
    assertSameOrigin(request, demoOrigins());
    return undefined;
  } catch (error) {
    if (error instanceof CrossSiteRequestError) {
      return Response.json({ error: error.message }, { status: error.status, headers: { "Cache-Control": "no-store" } });
    }
    throw error;
  }
}
