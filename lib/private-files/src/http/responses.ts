// The answers that carry no file. Bodies are short and generic: they never say
// more than the status does, and never echo the request.

export const ALLOWED_METHODS = "GET, HEAD";

const NO_STORE = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

function plain(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(`${body}\n`, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", ...NO_STORE, ...headers },
  });
}

export const notFound = () => plain(404, "Not Found");
/** Any other short refusal: the status and a body that says what to fix (never echoing the request). */
export const plainAnswer = (status: number, body: string) => plain(status, body);
export const unauthorized = () => plain(401, "Unauthorized: sign in to download this file");
export const forbidden = () => plain(403, "Forbidden");
export const methodNotAllowed = () => plain(405, "Method Not Allowed", { Allow: ALLOWED_METHODS });
export const internalError = () => plain(500, "Internal Server Error");
/** A refused link: 403 or 410 (Gone: a single-use link already used), with the short reason. */
export const linkRefused = (status: 403 | 410, reason: string) => plain(status, `${status === 410 ? "Gone" : "Forbidden"}: ${reason}`);
export const unavailable = (retryAfterSeconds: number) =>
  plain(503, "Service Unavailable", { "Retry-After": String(retryAfterSeconds) });

/**
 * A refusal as a page for people: the same status, HTML, never cached, and a policy
 * that lets the page style itself and show same-origin images but run nothing.
 */
export function htmlRefusal(status: number, html: string): Response {
  return new Response(html, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      ...NO_STORE,
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      "Referrer-Policy": "same-origin",
    },
  });
}

/** Sends a browser to sign in, coming back to `callbackUrl` afterwards. */
export function redirectToSignIn(signInUrl: string, callbackUrl: string): Response {
  const separator = signInUrl.includes("?") ? "&" : "?";
  return new Response(null, {
    status: 302,
    headers: { Location: `${signInUrl}${separator}callbackUrl=${encodeURIComponent(callbackUrl)}`, ...NO_STORE },
  });
}

/** A browser navigation (as opposed to `fetch`, curl or a download manager). */
export function isBrowserNavigation(request: Request): boolean {
  const mode = request.headers.get("sec-fetch-mode");
  if (mode !== null) return mode === "navigate";
  return (request.headers.get("accept") ?? "").includes("text/html");
}
