import { isIP } from "node:net";
import { CLIENT_ADDRESS_HEADER } from "../http/shim-headers.js";

/**
 * How many proxies in front of the app append to `X-Forwarded-For`: a number of hops,
 * `true` for one, `false`/`0`/undefined for none (the header is then the client's word
 * and is ignored).
 */
export type TrustProxy = boolean | number | undefined;

/** Options of {@link clientAddress}. */
export interface ClientAddressOptions {
  /**
   * Proxies trusted to append to `X-Forwarded-For` (see {@link TrustProxy}); none by default,
   * so a client-sent `X-Forwarded-For` is never believed.
   * @default false
   */
  trustProxy?: TrustProxy;
}

/**
 * The client's IP address for a request, or null when it is unknown: for rate limits and
 * audit logs in route handlers, which cannot see the socket.
 *
 * With `trustProxy` (n hops), the address n entries from the right of
 * `X-Forwarded-For` (what the nearest trusted proxy saw; the left-most one when the
 * list is shorter). Otherwise, or when that entry is not an IP address, the socket
 * address that `stampClientAddress()` (instrumentation.ts) put in
 * `CLIENT_ADDRESS_HEADER`. `next start` passes a client-sent `X-Forwarded-For`
 * through untouched, so without a configured proxy it is never read.
 * IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) come back as IPv4.
 * @example
 * ```ts
 * import { clientAddress, trustProxyFromEnv } from "next-private-files";
 *
 * const trustProxy = trustProxyFromEnv(process.env.TRUST_PROXY); // "1" behind one nginx
 *
 * export async function POST(request: Request): Promise<Response> {
 *   const ip = clientAddress(request, { trustProxy }) ?? "unknown";
 *   return new Response(`hello ${ip}\n`);
 * }
 * ```
 */
export function clientAddress(request: Request, options: ClientAddressOptions = {}): string | null {
  const hops = trustedHops(options.trustProxy);
  if (hops > 0) {
    const forwarded = (request.headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    if (forwarded.length > 0) {
      const address = normalise(forwarded[Math.max(0, forwarded.length - hops)]!);
      if (address) return address;
    }
  }
  const stamped = request.headers.get(CLIENT_ADDRESS_HEADER);
  return stamped ? normalise(stamped) : null;
}

/**
 * Reads a `trustProxy` setting from an environment variable's text: "true" is one
 * hop, a whole number is that many, anything else (unset, "false", "0") none.
 * @example
 * ```ts
 * import { clientAddress, trustProxyFromEnv } from "next-private-files";
 *
 * trustProxyFromEnv("2"); // 2
 * trustProxyFromEnv(undefined); // false
 * declare const request: Request;
 * const ip = clientAddress(request, { trustProxy: trustProxyFromEnv(process.env.TRUST_PROXY) });
 * ```
 */
export function trustProxyFromEnv(value: string | undefined): TrustProxy {
  const text = value?.trim().toLowerCase();
  if (text === "true") return true;
  if (text && /^\d+$/.test(text)) return Number(text);
  return false;
}

function trustedHops(trustProxy: TrustProxy): number {
  if (trustProxy === true) return 1;
  if (typeof trustProxy === "number" && Number.isSafeInteger(trustProxy) && trustProxy > 0) return trustProxy;
  return 0;
}

function normalise(value: string): string | null {
  const address = value.startsWith("::ffff:") && isIP(value.slice(7)) === 4 ? value.slice(7) : value;
  return isIP(address) ? address.toLowerCase() : null;
}
