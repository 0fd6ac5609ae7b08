// DNS rebinding: a page on evil.example whose name is made to resolve to this server
// talks to it as "its own origin", so the browser sends `Host: evil.example`. Answering
// only the Host names the app is configured for defeats it.

/**
 * The `Host` values a set of origins is reached by: each origin's `host`, and, for an
 * origin on its scheme's default port, also with that port written out. Build it once
 * and pass it to `isAllowedHost`, to defeat DNS rebinding on your own routes (the file
 * route does this itself with the `origins` option).
 * @param origins - Origins such as `appOrigins(...)` returns.
 * @throws {TypeError} for a value that is not a URL.
 * @example
 * ```ts
 * import { allowedHosts } from "next-private-files";
 *
 * const hosts = allowedHosts(["https://app.example.com", "http://localhost:3000"]);
 * // Set { "app.example.com", "app.example.com:443", "localhost:3000" }
 * ```
 */
export function allowedHosts(origins: readonly string[]): ReadonlySet<string> {
  const hosts = new Set<string>();
  for (const origin of origins) {
    const url = new URL(origin);
    hosts.add(url.host.toLowerCase());
    if (url.port === "") hosts.add(`${url.hostname.toLowerCase()}:${url.protocol === "https:" ? 443 : 80}`);
  }
  return hosts;
}

/**
 * Whether the request's `Host` is one of `hosts` (compared case-insensitively; a request
 * without one is refused).
 * @example
 * ```ts
 * import { allowedHosts, isAllowedHost, misdirectedRequest } from "next-private-files";
 *
 * const hosts = allowedHosts(["https://app.example.com"]);
 *
 * export async function GET(request: Request): Promise<Response> {
 *   if (!isAllowedHost(request, hosts)) return misdirectedRequest();
 *   return Response.json({ ok: true });
 * }
 * ```
 */
export function isAllowedHost(request: Request, hosts: ReadonlySet<string>): boolean {
  const host = request.headers.get("host");
  return host !== null && hosts.has(host.toLowerCase());
}

/**
 * The answer to a request for a `Host` the app does not serve: 421 Misdirected Request,
 * plain text, not cached.
 * @example
 * ```ts
 * import { allowedHosts, isAllowedHost, misdirectedRequest } from "next-private-files";
 *
 * const hosts = allowedHosts(["https://app.example.com"]);
 * declare const request: Request;
 *
 * const refused = isAllowedHost(request, hosts) ? undefined : misdirectedRequest(); // status 421
 * ```
 */
export function misdirectedRequest(): Response {
  return new Response("Misdirected Request: this server does not answer for that Host\n", {
    status: 421,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
