import type { AuthOptions, Session } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { prisma } from "../db/prisma";
import { hashPassword, needsRehash, verifyNobody, verifyPassword } from "./password";
import { createSessionCheck, sessionCheckTtl } from "./session-check";

/** Sessions: each decode checks the user's sessionVersion (cached; see session-check.ts). */
export const sessionCheck = createSessionCheck({
  load: (id) => prisma.user.findUnique({ where: { id }, select: { sessionVersion: true, isStaff: true } }),
  ttlMs: sessionCheckTtl(process.env.SESSION_CHECK_TTL_MS),
});

export const authOptions: AuthOptions = {
  secret: process.env.NEXTAUTH_SECRET,
  session: { strategy: "jwt" },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials) {
        const email = credentials?.email?.trim().toLowerCase();
        const password = credentials?.password;
        if (!email || !password) return null;
        const user = await prisma.user.findUnique({ where: { email } });
        // An unknown email costs one hash too, so the answer time does not tell.
        if (!user) return verifyNobody(password).then(() => null);
        if (!(await verifyPassword(password, user.passwordHash))) return null;
        if (needsRehash(user.passwordHash)) await rehash(user.id, user.passwordHash, password);
        return { id: String(user.id), email: user.email, name: user.name, isStaff: user.isStaff, sessionVersion: user.sessionVersion };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.isStaff = user.isStaff;
        token.sv = user.sessionVersion;
        return token;
      }
      const id = Number(token.uid);
      if (!Number.isSafeInteger(id)) return token;
      // Tokens from before sessionVersion existed carry none: they are version 0.
      const state = await sessionCheck.check(id, typeof token.sv === "number" ? token.sv : 0);
      // null ends the session: the kit's getter answers anonymous, and next-auth's own
      // session route clears the cookie (the session callback below refuses it).
      if (!state) return null as unknown as typeof token;
      token.isStaff = state.isStaff;
      return token;
    },
    session({ session, token }) {
      // next-auth 4 passes on what the jwt callback returned, even null; throwing here is
      // how its session route (and so getServerSession) drops the session and its cookie.
      if (!token) throw new Error("session ended (signed out or user gone)");
      if (token.uid) session.user = { ...session.user, id: token.uid, isStaff: token.isStaff === true };
      return session as Session;
    },
  },
  events: {
    // Sign-out ends every session of the user, on every instance, within the check's TTL
    // (here at once): a copied cookie stops working too.
    async signOut({ token }) {
      const id = Number(token?.uid);
      if (!Number.isSafeInteger(id)) return;
      await prisma.user.updateMany({ where: { id }, data: { sessionVersion: { increment: 1 } } });
      sessionCheck.forget(id);
    },
  },
};

/** Replaces a bcrypt (or weaker scrypt) hash after a successful check; never fails the sign-in. */
async function rehash(id: number, old: string, password: string): Promise<void> {
  try {
    // Only if nobody changed it meanwhile.
    await prisma.user.updateMany({ where: { id, passwordHash: old }, data: { passwordHash: await hashPassword(password) } });
  } catch (error) {
    console.warn(`password rehash for user ${id} failed: ${String(error)}`);
  }
}
