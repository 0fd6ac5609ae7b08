import http from "node:http";
import { baseUrl } from "./context";

/** Cookies kept between requests, as a browser would (name -> value, no attributes). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const index = pair?.indexOf("=") ?? -1;
      if (pair && index > 0) this.#cookies.set(pair.slice(0, index).trim(), pair.slice(index + 1).trim());
    }
  }

  get header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  has(name: string): boolean {
    return this.#cookies.has(name);
  }

  value(name: string): string | undefined {
    return this.#cookies.get(name);
  }
}

/**
 * Signs in through next-auth's own endpoints, as the sign-in page does:
 * GET /api/auth/csrf, then POST /api/auth/callback/credentials.
 */
export async function signIn(email: string, password = "demo-password", base = baseUrl()): Promise<CookieJar> {
  const jar = new CookieJar();
  const csrf = await fetch(`${base}/api/auth/csrf`);
  jar.store(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const callback = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: jar.header },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: "/" }),
  });
  jar.store(callback);
  if (!jar.has("next-auth.session-token")) throw new Error(`sign-in as ${email} failed (${callback.status})`);
  return jar;
}

/** fetch against the test server, with a jar's cookies when given. */
export function get(pathname: string, options: { jar?: CookieJar; headers?: Record<string, string>; method?: string } = {}) {
  const headers = new Headers(options.headers);
  if (options.jar) headers.set("Cookie", options.jar.header);
  return fetch(`${baseUrl()}${pathname}`, { method: options.method ?? "GET", headers, redirect: "manual" });
}

/** A GET through node:http, for headers fetch() will not let us set (Sec-Fetch-Mode). */
export function rawGet(pathname: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${baseUrl()}${pathname}`, { headers }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    });
    request.on("error", reject);
  });
}
