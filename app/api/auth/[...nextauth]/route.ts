import NextAuth from "next-auth";
import { trustProxyFromEnv } from "@/lib/private-files";
import { authOptions } from "@/lib/auth/options";
import { rateLimitSignIn } from "@/lib/auth/rate-limit-sign-in";
import { signInLimiter } from "@/lib/auth/sign-in-limiter";

const nextAuth = NextAuth(authOptions) as (request: Request, context: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

// Failed sign-ins are limited per account and per client address (429 + Retry-After).
const handler = rateLimitSignIn(nextAuth, {
  limiter: signInLimiter(),
  trustProxy: trustProxyFromEnv(process.env.PRIVATE_FILES_TRUST_PROXY),
});

export { handler as GET, handler as POST };
