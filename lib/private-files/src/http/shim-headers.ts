// The request and response headers the Node-level shims of `next-private-files/next`
// share with the core. They live here, not beside the shims, so that the core never
// loads `node:http` (which the shims patch) just to know a header's name.

/**
 * The request header that carries the TCP peer's address to route handlers, which
 * cannot see the socket. `stampClientAddress()` sets it on every request and removes
 * any copy the client sent, so a route can trust it (`clientAddress()` reads it).
 */
export const CLIENT_ADDRESS_HEADER = "x-private-files-client-address";

/**
 * Next.js 16 drops `Content-Length` from every route-handler response
 * (`FORBIDDEN_HEADERS` in next/dist/server/send-response.js), so downloads would
 * go out chunked: no progress bar, no size for download managers. The file route
 * therefore also sends the length in this header, and `restoreContentLength()`
 * turns it back into `Content-Length` as the head is written.
 */
export const LENGTH_HEADER = "x-private-files-content-length";
