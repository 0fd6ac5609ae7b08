// Cross-site request forgery: a page on another site can make a signed-in browser
// POST a form, or a `text/plain` fetch, to this app with the user's cookie. Browsers
// name the page's origin in `Origin` on every such request (and `Sec-Fetch-Site`
// says how it relates to the target), so a state-changing endpoint refuses what
// another origin sent. Clients that send neither (curl, server-to-server calls)
// are not a browser acting for someone else, and pass.

/**
 * A state-changing request another site's page sent (cross-site request forgery): 403,
 * with the reason. Thrown by `assertSameOrigin` and by `readMultipart` with `origins`.
 * @example
 * ```ts
 * import { appOrigins, assertSameOrigin, CrossSiteRequestError } from "next-private-files";
 *
 * const origins = appOrigins({ publicUrl: process.env.NEXTAUTH_URL, port: process.env.PORT });
 *
 * export async function DELETE(request: Request): Promise<Response> {
 *   try {
 *     assertSameOrigin(request, origins);
 *   } catch (error) {
 *     if (error instanceof CrossSiteRequestError) return new Response(error.message, { status: error.status });
 *     throw error;
 *   }
 *   return new Response(null, { status: 204 });
 * }
 * ```
 */
export class CrossSiteRequestError extends Error {
  override readonly name = "CrossSiteRequestError";
  /** The HTTP status to answer with: 403. */
  readonly status = 403;
}

/**
 * An origin in the form browsers send in `Origin`: `scheme://host[:port]`, lower case,
 * default port dropped; `null` when the value is not an http(s) URL.
 * @example
 * ```ts
 * import { normalizeOrigin } from "next-private-files";
 *
 * normalizeOrigin("HTTPS://Files.Example.com:443/path"); // "https://files.example.com"
 * normalizeOrigin("ftp://example.com"); // null
 * ```
 */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null;
  } catch {
    return null;
  }
}

/** Options of `appOrigins`. Values that are empty or not http(s) are ignored. */
export interface AppOriginsOptions {
  /**
   * The app's public URL (NEXTAUTH_URL, say): its origin.
   * Unset: no public origin (only the loopback ones of `port`, and `extra`).
   */
  readonly publicUrl?: string;
  /**
   * The port the server listens on (1 to 5 digits): adds `http://localhost:<port>` and `http://127.0.0.1:<port>`.
   * Unset: no loopback origins.
   */
  readonly port?: string | number;
  /**
   * Further origins (`https://files.example.com`), e.g. from a comma-separated setting.
   * @default []
   */
  readonly extra?: readonly string[];
}

/**
 * The origins an app answers as its own: its public URL, plus the loopback names on
 * its port, so local clients (the demo, a health check) keep working. Values that are
 * not http(s) origins are ignored; duplicates are dropped. Pass the result to the
 * `origins` option, `assertSameOrigin` or `allowedHosts`.
 * @example
 * ```ts
 * import { appOrigins } from "next-private-files";
 *
 * const origins = appOrigins({
 *   publicUrl: process.env.NEXTAUTH_URL, // "https://app.example.com"
 *   port: process.env.PORT ?? 3000,
 *   extra: (process.env.EXTRA_ORIGINS ?? "").split(","),
 * });
 * // ["https://app.example.com", "http://localhost:3000", "http://127.0.0.1:3000"]
 * ```
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
 * Refuses cross-site request forgery on a state-changing route (POST, PUT, DELETE): a
 * browser's request from a page that is not one of `origins`: its `Origin` is another one
 * (or `null`), or, without `Origin`, its `Sec-Fetch-Site` is `cross-site` or `same-site` (a
 * sibling subdomain is another origin). A request with neither header (curl, a server)
 * passes: it is not a browser acting for someone else.
 * @param origins - The app's own origins (`appOrigins(...)`, `privateFiles.origins()`).
 * @throws {CrossSiteRequestError} when another site's page sent the request (403).
 * @example
 * ```ts
 * import { appOrigins, assertSameOrigin } from "next-private-files";
 *
 * const origins = appOrigins({ publicUrl: process.env.NEXTAUTH_URL });
 *
 * export async function POST(request: Request): Promise<Response> {
 *   assertSameOrigin(request, origins); // throws CrossSiteRequestError
 *   return new Response("done\n");
 * }
 * ```
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
