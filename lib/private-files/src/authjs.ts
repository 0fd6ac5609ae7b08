// next-private-files/authjs: the session getter for Auth.js v5 (next-auth 5, `getSession`
// in `definePrivateFiles`). It imports neither next-auth nor @auth/core: it decodes the
// session cookie with node:crypto (auth/jwe.ts), and types the config by shape.
export { authjsSession } from "./auth/authjs.js";
export type { AuthjsConfig, AuthjsSessionOptions, AuthjsToken } from "./auth/authjs.js";
