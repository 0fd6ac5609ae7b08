import http from "node:http";

import { CLIENT_ADDRESS_HEADER } from "../http/shim-headers.js";

export { CLIENT_ADDRESS_HEADER };

const PATCHED = Symbol.for("private-files.stamp-client-address");

type PatchedPrototype = typeof http.Server.prototype & { [PATCHED]?: true };

/**
 * Lets route handlers know the client's address, which they cannot see: what
 * `clientAddress()` reads when no trusted proxy says otherwise (rate limits, audit logs).
 * Installs the shim once per process (calling it again does nothing); call it from
 * `instrumentation.ts`'s `register()`, on the Node.js runtime.
 * It wraps the server's `emit("request")`, which runs before Next.js reads the headers:
 * a client-sent `CLIENT_ADDRESS_HEADER` is dropped (from `headers` and `rawHeaders`)
 * and replaced by `req.socket.remoteAddress`. Patching the prototype also covers the
 * server `next start` created before `register()` ran.
 * @param prototype - The prototype to patch; tests pass their own.
 * @example
 * ```ts
 * // instrumentation.ts
 * export async function register() {
 *   if (process.env.NEXT_RUNTIME === "nodejs") {
 *     const { restoreContentLength, stampClientAddress } = await import("next-private-files/next");
 *     restoreContentLength();
 *     stampClientAddress();
 *   }
 * }
 * ```
 */
export function stampClientAddress(prototype: PatchedPrototype = http.Server.prototype): void {
  if (prototype[PATCHED]) return;
  const emit = prototype.emit;
  prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") stamp(args[0] as http.IncomingMessage);
    return (emit as (...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof prototype.emit;
  prototype[PATCHED] = true;
}

function stamp(request: http.IncomingMessage): void {
  const raw = request.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    if (raw[i]!.toLowerCase() === CLIENT_ADDRESS_HEADER) raw.splice(i, 2);
  }
  const headers = request.headers;
  delete headers[CLIENT_ADDRESS_HEADER];
  const address = request.socket?.remoteAddress;
  if (address) {
    headers[CLIENT_ADDRESS_HEADER] = address;
    raw.push(CLIENT_ADDRESS_HEADER, address);
  }
}
