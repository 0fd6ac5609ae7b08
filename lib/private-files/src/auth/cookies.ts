// The session cookie as next-auth (4) and Auth.js (5) write it: one cookie, or chunks of
// it when the token outgrows a cookie's 4 KB. Shared by both getters.

/**
 * The session token from a `Cookie` header, as next-auth 4 and Auth.js 5 both read it
 * (their SessionStore): the cookie itself, or its chunks (`name.0`, `name.1`…) joined in
 * order. Cookie pairs are split and percent-decoded as Next.js's `cookies()` does; a
 * later duplicate wins.
 */
export function sessionCookieValue(header: string | null, name: string): string | undefined {
  if (!header || !header.includes(name)) return undefined;
  const chunks = new Map<string, string>();
  for (const pair of header.split(/; */)) {
    const at = pair.indexOf("=");
    const key = at === -1 ? pair : pair.slice(0, at);
    if (!key.startsWith(name)) continue;
    try {
      chunks.set(key, at === -1 ? "true" : decodeURIComponent(pair.slice(at + 1)));
    } catch {
      // a value that does not decode is skipped, as Next.js skips it
    }
  }
  if (chunks.size === 0) return undefined;
  if (chunks.size === 1) return chunks.values().next().value;
  const suffix = (key: string) => parseInt(key.split(".").pop() ?? "0");
  return [...chunks.keys()]
    .sort((a, b) => suffix(a) - suffix(b))
    .map((key) => chunks.get(key))
    .join("");
}
