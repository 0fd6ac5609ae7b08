import { clientAddress, type TrustProxy } from "next-private-files";
import type { SignInLimiter } from "./sign-in-limiter";

type Handler<R extends Request, C> = (request: R, context: C) => Promise<Response>;

export interface RateLimitSignInOptions {
  limiter: SignInLimiter;
  trustProxy?: TrustProxy;
  /** next-auth's session cookie name; a response that sets it is a successful sign-in. */
  sessionCookie?: string;
}

/** The error code the sign-in page shows as "too many attempts". */
export const TOO_MANY_ATTEMPTS = "TooManyAttempts";

/**
 * Wraps next-auth's route handler: a credentials sign-in (POST …/callback/credentials)
 * is counted per account and per client address before next-auth sees it, and one over
 * a limit is answered 429 with Retry-After without checking the password at all (so a
 * flood costs no hashing). next-auth itself would answer 401 or a redirect, whatever
 * authorize() throws. Every other request passes through untouched. It composes with
 * other wrappers of the same handler (a body-size cap belongs outside this one: the body
 * is read here, from a clone).
 */
export function rateLimitSignIn<R extends Request, C>(handler: Handler<R, C>, options: RateLimitSignInOptions): Handler<R, C> {
  const cookie = options.sessionCookie ?? "next-auth.session-token";
  return async (request, context) => {
    if (request.method !== "POST" || !new URL(request.url).pathname.endsWith("/callback/credentials")) return handler(request, context);
    const body = await formOf(request.clone());
    const email = body.email?.trim().toLowerCase() || null;
    const attempt = await options.limiter.attempt(email, clientAddress(request, { trustProxy: options.trustProxy }));
    if (attempt.retryAfter !== undefined) return tooMany(request, body, attempt.retryAfter);
    const response = await handler(request, context);
    if (setsSession(response, cookie)) await attempt.succeeded();
    return response;
  };
}

/** The fields next-auth reads from a sign-in body (form-encoded or JSON, as its getBody). */
async function formOf(request: Request): Promise<Record<string, string | undefined>> {
  const type = request.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) {
      const value: unknown = await request.json();
      if (!value || typeof value !== "object") return {};
      return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, typeof field === "string" ? field : undefined]));
    }
    if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(await request.text()));
  } catch {
    // a body that does not parse has no email; next-auth refuses it too
  }
  return {};
}

function setsSession(response: Response, cookie: string): boolean {
  return response.headers.getSetCookie().some((line) => {
    const [pair = ""] = line.split(";");
    const at = pair.indexOf("=");
    const name = pair.slice(0, at).trim();
    return at > 0 && (name === cookie || name.startsWith(`${cookie}.`)) && pair.slice(at + 1).trim() !== "";
  });
}

/**
 * 429 with Retry-After. next-auth's client (`signIn()`) posts `json=true` and reads
 * `{ url }`: it goes to the sign-in page with ?error=TooManyAttempts.
 */
function tooMany(request: Request, body: Record<string, string | undefined>, retryAfter: number): Response {
  const headers = { "Retry-After": String(retryAfter), "Cache-Control": "no-store" };
  if (body.json === "true") {
    const url = new URL("/signin", request.url);
    url.searchParams.set("error", TOO_MANY_ATTEMPTS);
    // The sign-in page keeps only same-site paths of it.
    if (body.callbackUrl) url.searchParams.set("callbackUrl", body.callbackUrl);
    return Response.json({ url: url.toString() }, { status: 429, headers });
  }
  return new Response(`Too many sign-in attempts. Try again in ${retryAfter} s.\n`, {
    status: 429,
    headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" },
  });
}
