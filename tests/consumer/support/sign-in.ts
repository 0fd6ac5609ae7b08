// Signs in through next-auth's own endpoints, as a browser's sign-in form does:
// GET /api/auth/csrf (token + cookie), then POST /api/auth/callback/credentials.

export class Cookies {
  readonly #cookies = new Map<string, string>();

  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(";")[0] ?? "";
      const equals = pair.indexOf("=");
      if (equals > 0) this.#cookies.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
    }
  }

  has(name: string): boolean {
    return this.#cookies.has(name);
  }

  get header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

export async function signIn(base: string, email: string, password: string): Promise<Cookies> {
  const cookies = new Cookies();
  const csrf = await fetch(`${base}/api/auth/csrf`);
  cookies.keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const callback = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies.header },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: base }),
  });
  cookies.keep(callback);
  if (!cookies.has("next-auth.session-token")) throw new Error(`sign-in as ${email} failed (${callback.status})`);
  return cookies;
}
