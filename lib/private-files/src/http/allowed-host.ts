// DNS rebinding: a page on evil.example whose name is made to resolve to this server
// talks to it as "its own origin", so the browser sends `Host: evil.example`. Answering
// only the Host names the app is configured for defeats it.

/**
 * The `Host` values a set of origins is reached by: each origin's `host`, and, for an
 * origin on its scheme's default port, also with that port written out.
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

/** Whether the request's `Host` is one of `hosts` (a request without one is refused). */
export function isAllowedHost(request: Request, hosts: ReadonlySet<string>): boolean {
  const host = request.headers.get("host");
  return host !== null && hosts.has(host.toLowerCase());
}

/** 421 Misdirected Request: this server does not answer for that Host. */
export function misdirectedRequest(): Response {
  return new Response("Misdirected Request: this server does not answer for that Host\n", {
    status: 421,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
