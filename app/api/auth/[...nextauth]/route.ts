import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { trustProxyFromEnv } from "next-private-files";
import { withBodyLimit } from "next-private-files/next";
import { authOptions } from "@/lib/auth/options";
import { rateLimitSignIn } from "@/lib/auth/rate-limit-sign-in";
import { signInLimiter } from "@/lib/auth/sign-in-limiter";
import { hostRefusal } from "@/lib/http/guard";

/** Sign-in forms are a few hundred bytes: 16 KiB is plenty. */
const AUTH_BODY_LIMIT = 16 * 1024;

type Context = { params: Promise<{ nextauth: string[] }> };
const nextAuth = NextAuth(authOptions) as (request: NextRequest, context: Context) => Promise<Response>;

// Failed sign-ins are limited per account and per client address (429 + Retry-After).
const rateLimited = rateLimitSignIn(nextAuth, {
  limiter: signInLimiter(),
  trustProxy: trustProxyFromEnv(process.env.PRIVATE_FILES_TRUST_PROXY),
});

// next-auth reads a POST body whole before any check: it gets the body only once it is
// known to fit the limit (413 otherwise). The limit is the outer wrapper, since the rate
// limiter reads the body too. Bodied requests skip proxy.ts (it would copy the body), so
// the Host check runs here too.
const limited = withBodyLimit(rateLimited, { limit: AUTH_BODY_LIMIT });
const handler = async (request: NextRequest, context: Context) => hostRefusal(request) ?? limited(request, context);

export { handler as GET, handler as POST };
