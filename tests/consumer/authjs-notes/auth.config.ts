import type { NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { db } from "./lib/db";
import { passwordMatches } from "./lib/password";

// Auth.js v5 with JWT sessions (the default without an adapter). The one object both
// NextAuth() (auth.ts) and the kit's authjsSession (lib/private-files.ts) read.
export const authConfig = {
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials) {
        const { email, password } = credentials;
        if (typeof email !== "string" || typeof password !== "string") return null;
        const user = await db.user.findUnique({ where: { email } });
        if (!user || !(await passwordMatches(password, user.passwordHash))) return null;
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ],
  session: { strategy: "jwt" },
  callbacks: {
    // Auth.js puts the user's id in the token's `sub`; the session shows it as user.id.
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
} satisfies NextAuthConfig;
