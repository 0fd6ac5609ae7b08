import type { DefaultSession } from "next-auth";

// The demo's session carries the user's id and staff flag: next-auth's `Session` for
// the pages, the kit's `SessionUser` for its conditions and hooks.
declare module "next-auth" {
  interface Session {
    user: { id: string; isStaff: boolean } & DefaultSession["user"];
  }
  interface User {
    isStaff: boolean;
    sessionVersion: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    isStaff?: boolean;
    /** The user's sessionVersion at sign-in (lib/auth/session-check.ts). */
    sv?: number;
  }
}

declare module "next-private-files" {
  interface SessionUser {
    isStaff: boolean;
  }
}
