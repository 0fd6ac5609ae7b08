// Auth.js's own JWT module, @auth/core 0.41.3 (what next-auth 5.0.0-beta.32 runs on): a
// kit devDependency that npm keeps in lib/private-files/node_modules (the root has
// next-auth 4's older @auth-less tree), so it is reached by path, not by name.
export { encode, decode } from "../../../../lib/private-files/node_modules/@auth/core/jwt.js";
export type { AuthConfig } from "../../../../lib/private-files/node_modules/@auth/core/index.js";
