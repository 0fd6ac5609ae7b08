// next-private-files/next-auth: the session getter for next-auth 4 (`getSession` in
// `definePrivateFiles`). It alone imports next-auth.
export { nextAuthSession } from "./auth/next-auth.js";
