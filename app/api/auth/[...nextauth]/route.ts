import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { withBodyLimit } from "@/lib/private-files";
import { authOptions } from "@/lib/auth/options";
import { hostRefusal } from "@/lib/http/guard";

/** Sign-in forms are a few hundred bytes: 16 KiB is plenty. */
const AUTH_BODY_LIMIT = 16 * 1024;

type Context = { params: Promise<{ nextauth: string[] }> };
const nextAuth = NextAuth(authOptions) as (request: NextRequest, context: Context) => Promise<Response>;

// next-auth reads a POST body whole before any check: it gets the body only once it is
// known to fit the limit (413 otherwise). Bodied requests skip proxy.ts (it would copy
// the body), so the Host check runs here too.
const limited = withBodyLimit(nextAuth, { limit: AUTH_BODY_LIMIT });
const handler = async (request: NextRequest, context: Context) => hostRefusal(request) ?? limited(request, context);

export { handler as GET, handler as POST };
