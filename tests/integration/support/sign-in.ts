// Signing in through next-auth's own endpoints, against any base URL. No vitest
// import here, so scripts outside the test runner (the soak test) can use it too.

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
 * Signs in as the sign-in page does: GET /api/auth/csrf, then
 * POST /api/auth/callback/credentials. Throws when no session cookie comes back.
 */
export async function signInAt(base: string, email: string, password = "demo-password"): Promise<CookieJar> {
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
