import http from "node:http";

import { LENGTH_HEADER } from "../http/shim-headers.js";

export { LENGTH_HEADER };

const PATCHED = Symbol.for("private-files.restore-content-length");

type PatchedPrototype = typeof http.ServerResponse.prototype & { [PATCHED]?: true };

/**
 * Gives downloads their `Content-Length` back: Next.js 16 drops it from route-handler
 * answers, so without this every file goes out chunked (no progress bar, no size for
 * download managers). Installs a `writeHead` patch on `node:http`'s ServerResponse, once
 * per process (calling it again does nothing); call it from `instrumentation.ts`'s
 * `register()`, on the Node.js runtime. It only acts on responses that carry
 * `LENGTH_HEADER` (the file route's), and never when the body is being re-encoded
 * (`Content-Encoding`) or already framed.
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
export function restoreContentLength(prototype: PatchedPrototype = http.ServerResponse.prototype): void {
  if (prototype[PATCHED]) return;
  const writeHead = prototype.writeHead;
  prototype.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
    const length = this.getHeader(LENGTH_HEADER);
    if (length !== undefined) {
      this.removeHeader(LENGTH_HEADER);
      const framed = this.hasHeader("content-length") || this.hasHeader("transfer-encoding");
      if (!framed && !this.hasHeader("content-encoding") && /^\d+$/.test(String(length))) {
        this.setHeader("content-length", String(length));
      }
    }
    return (writeHead as (...a: unknown[]) => http.ServerResponse).apply(this, args);
  } as typeof prototype.writeHead;
  prototype[PATCHED] = true;
}
