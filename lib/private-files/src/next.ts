// next-private-files/next: what ties the kit to Next.js's own server. The two shims patch
// `node:http` when called (from `instrumentation.ts`'s register()), never on import;
// `malformedPathAnswer` is for `proxy.ts`, `withBodyLimit` for the app's own routes.
export { restoreContentLength, LENGTH_HEADER } from "./next/restore-content-length.js";
export { stampClientAddress, CLIENT_ADDRESS_HEADER } from "./next/stamp-client-address.js";
export { malformedPathAnswer } from "./next/malformed-path.js";
export { withBodyLimit } from "./next/with-body-limit.js";
export type { NextRouteHandler } from "./next/with-body-limit.js";
