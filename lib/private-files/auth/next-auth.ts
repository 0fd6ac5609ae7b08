import { getServerSession, type AuthOptions } from "next-auth";
import type { SessionGetter } from "../config/types";

/**
 * The session getter for next-auth 4 in App Router route handlers: `getServerSession`
 * reads the request's cookies through `next/headers`. A cookie that does not decode
 * (forged, expired, another secret) is an anonymous request.
 */
export function nextAuthSession(authOptions: AuthOptions): SessionGetter {
  return () => getServerSession(authOptions);
}
