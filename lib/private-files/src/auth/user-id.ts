import type { AnySession } from "../config/types.js";

/**
 * A library's session as the kit's: `null` without a session or user, and `user.id` a
 * string — the user's own id (a number or bigint as its string), else `fallback` (a JWT's
 * `sub`). No id at all is the app's misconfiguration, not an anonymous request: it
 * throws, and the route answers 503 (`hint` says what to set). Shared by the adapters.
 */
export function withStringUserId(session: unknown, fallback: string | undefined, hint: string): AnySession | null {
  if (!session || typeof session !== "object") return null;
  const user = (session as { user?: unknown }).user;
  if (!user || typeof user !== "object") return null;
  const own = (user as { id?: unknown }).id;
  // Already the kit's shape: no copy on the common path.
  if (typeof own === "string" && own !== "") return session as AnySession;
  const id = typeof own === "number" || typeof own === "bigint" ? String(own) : fallback;
  if (id === undefined || id === "") throw new Error(`session has no user id: ${hint}`);
  return { ...session, user: { ...user, id } } as AnySession;
}
