import { notFound } from "../http/responses";

/**
 * A 404 for a file URL whose percent-escapes do not decode (`%zz`, a lone `%`,
 * invalid UTF-8), else undefined. Next.js 16 answers such paths with a 500 before
 * the route runs (it fails decoding the catch-all parameter, vercel/next.js#92527),
 * so this runs in `proxy.ts`, limited to the file route by its matcher.
 */
export function malformedPathAnswer(request: Request): Response | undefined {
  const { pathname } = new URL(request.url);
  try {
    decodeURIComponent(pathname);
    return undefined;
  } catch {
    return notFound();
  }
}
