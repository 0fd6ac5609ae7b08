// next-private-files/better-auth: the session getter for Better Auth (`getSession` in
// `definePrivateFiles`). It imports nothing of better-auth: it takes your instance.
export { betterAuthSession } from "./auth/better-auth.js";
export type { BetterAuthInstance, BetterAuthSessionOf, BetterAuthSessionOptions } from "./auth/better-auth.js";
