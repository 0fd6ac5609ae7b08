// Cross-site request forgery: a page on another site can make a signed-in browser
// POST a form, or a `text/plain` fetch, to this app with the user's cookie. Browsers
// name the page's origin in `Origin` on every such request (and `Sec-Fetch-Site`
// says how it relates to the target), so a state-changing endpoint refuses what
// another origin sent. Clients that send neither (curl, server-to-server calls)
// are not a browser acting for someone else, and pass.

/** A state-changing request another site's page sent: 403, with the reason. */
export class CrossSiteRequestError extends Error {
  override readonly name = "CrossSiteRequestError";
  readonly status = 403;
}

/** `scheme://host[:port]`, lower case, default port dropped; `null` when not an http(s) origin. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null;
  } catch {
    return null;
  }
}

export interface AppOriginsOptions {
  /** The app's public URL (NEXTAUTH_URL, say): its origin. */
  readonly publicUrl?: string;
  /** The port the server listens on: adds `http://localhost:<port>` and `http://127.0.0.1:<port>`. */
  readonly port?: string | number;
  /** Further origins (`https://files.example.com`), e.g. from a comma-separated setting. */
  readonly extra?: readonly string[];
}

/**
 * The origins an app answers as its own: its public URL, plus the loopback names on
 * its port, so local clients (the demo, a health check) keep working. Values that are
 * not http(s) origins are ignored.
 */
export function appOrigins(options: AppOriginsOptions): readonly string[] {
  const candidates = [options.publicUrl, ...(options.extra ?? [])];
  const port = String(options.port ?? "").trim();
  if (/^[0-9]{1,5}$/.test(port)) candidates.push(`http://localhost:${port}`, `http://127.0.0.1:${port}`);
  const origins = new Set<string>();
  for (const candidate of candidates) {
    const origin = candidate?.trim() ? normalizeOrigin(candidate.trim()) : null;
    if (origin !== null) origins.add(origin);
  }
  return [...origins];
}

/**
 * Throws CrossSiteRequestError when a browser sent this request from a page that is not
 * one of `origins`: its `Origin` is another one (or `null`), or, without `Origin`, its
 * `Sec-Fetch-Site` is `cross-site` or `same-site` (a sibling subdomain is another
 * origin). A request with neither header passes.
 */
export function assertSameOrigin(request: Request, origins: readonly string[]): void {
  const origin = request.headers.get("origin");
  if (origin !== null) {
    const normalized = normalizeOrigin(origin);
    if (normalized === null || !origins.includes(normalized)) {
      throw new CrossSiteRequestError(`cross-site request refused: Origin ${JSON.stringify(origin.slice(0, 100))} is not this app's`);
    }
    return;
  }
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    throw new CrossSiteRequestError(`cross-site request refused: Sec-Fetch-Site is ${JSON.stringify(site.slice(0, 40))}`);
  }
}
