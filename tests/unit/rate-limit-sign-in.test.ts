import { describe, expect, it } from "vitest";
import { rateLimitSignIn } from "@/lib/auth/rate-limit-sign-in";
import type { SignInLimiter } from "@/lib/auth/sign-in-limiter";

// The wrapper alone, with a limiter that records what it is asked (the real one, in the
// database, is tested through next start: tests/integration/sign-in-hardening.test.ts).

function fakeLimiter(retryAfter?: number) {
  const calls: { account: string | null; address: string | null }[] = [];
  let succeeded = 0;
  const limiter = {
    limits: { perAccount: 10, perAddress: 50, windowMs: 900_000 },
    async attempt(account: string | null, address: string | null) {
      calls.push({ account, address });
      return { retryAfter, succeeded: async () => void succeeded++ };
    },
  } as SignInLimiter;
  return { limiter, calls, succeeded: () => succeeded };
}

const signInPost = (body: string, type = "application/x-www-form-urlencoded", headers: Record<string, string> = {}) =>
  new Request("http://app.test/api/auth/callback/credentials", { method: "POST", body, headers: { "Content-Type": type, "x-private-files-client-address": "192.0.2.7", ...headers } });

const ok = (setCookie?: string) => async () => {
  const response = new Response(null, { status: 302, headers: { Location: "/" } });
  if (setCookie) response.headers.append("Set-Cookie", setCookie);
  return response;
};

describe("rateLimitSignIn", () => {
  it("counts a sign-in by its normalised email and the stamped address, and takes a success back", async () => {
    const { limiter, calls, succeeded } = fakeLimiter();
    const handler = rateLimitSignIn(ok("next-auth.session-token=abc; Path=/; HttpOnly"), { limiter });
    const response = await handler(signInPost("email=%20Alice%40Example.com&password=x"), {});
    expect(response.status).toBe(302);
    expect(calls).toEqual([{ account: "alice@example.com", address: "192.0.2.7" }]);
    expect(succeeded()).toBe(1);
  });

  it("leaves a failure counted (no session cookie, or one being cleared)", async () => {
    const { limiter, succeeded } = fakeLimiter();
    await rateLimitSignIn(ok(), { limiter })(signInPost("email=a%40b.c&password=x"), {});
    await rateLimitSignIn(ok("next-auth.session-token=; Max-Age=0"), { limiter })(signInPost("email=a%40b.c&password=x"), {});
    expect(succeeded()).toBe(0);
  });

  it("answers 429 with Retry-After, without calling next-auth; JSON { url } for next-auth's client", async () => {
    const { limiter } = fakeLimiter(120);
    let called = false;
    const handler = rateLimitSignIn(async () => ((called = true), new Response()), { limiter });
    const plain = await handler(signInPost("email=a%40b.c&password=x"), {});
    expect(plain.status).toBe(429);
    expect(plain.headers.get("retry-after")).toBe("120");
    expect(await plain.text()).toMatch(/Too many sign-in attempts/);
    const json = await handler(signInPost(JSON.stringify({ email: "a@b.c", password: "x", json: "true", callbackUrl: "/staff" }), "application/json"), {});
    expect(json.status).toBe(429);
    expect(json.headers.get("retry-after")).toBe("120");
    const { url } = (await json.json()) as { url: string };
    expect(new URL(url).pathname).toBe("/signin");
    expect(new URL(url).searchParams.get("error")).toBe("TooManyAttempts");
    expect(new URL(url).searchParams.get("callbackUrl")).toBe("/staff");
    expect(called).toBe(false);
  });

  it("counts a body without an email against the address only, and passes other requests through uncounted", async () => {
    const { limiter, calls } = fakeLimiter();
    const handler = rateLimitSignIn(ok(), { limiter });
    await handler(signInPost("not a form", "text/plain"), {});
    await handler(new Request("http://app.test/api/auth/session"), {});
    await handler(new Request("http://app.test/api/auth/signout", { method: "POST" }), {});
    expect(calls).toEqual([{ account: null, address: "192.0.2.7" }]);
  });

  it("reads the forwarded address only when a proxy is trusted", async () => {
    const { limiter, calls } = fakeLimiter();
    const forwarded = () => signInPost("email=a%40b.c", undefined, { "X-Forwarded-For": "203.0.113.5" });
    await rateLimitSignIn(ok(), { limiter })(forwarded(), {});
    await rateLimitSignIn(ok(), { limiter, trustProxy: 1 })(forwarded(), {});
    expect(calls.map((call) => call.address)).toEqual(["192.0.2.7", "203.0.113.5"]);
  });
});
