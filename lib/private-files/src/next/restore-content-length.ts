import http from "node:http";

import { LENGTH_HEADER } from "../http/shim-headers.js";

export { LENGTH_HEADER };

const PATCHED = Symbol.for("private-files.restore-content-length");

type PatchedPrototype = typeof http.ServerResponse.prototype & { [PATCHED]?: true };

/**
 * Installs the shim once per process; call it from `instrumentation.ts`'s `register()`.
 * It only acts on responses that carry `LENGTH_HEADER`, and never when the body is
 * being re-encoded (`Content-Encoding`) or already framed.
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
