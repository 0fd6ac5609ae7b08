// `npx tsx bench/session-check.ts`: what the sign-out check (lib/auth/session-check.ts)
// adds to the kit's session getter per request, on the cached path every request but
// one per user per TTL takes. Two getters over the same cookie: the demo's callbacks
// without the check (as before issue 12) and with it (cache warm). No server, no
// database: the one lookup per TTL is a Prisma findUnique, not measured here.
import type { AuthOptions } from "next-auth";
import { encode } from "next-auth/jwt";
import { nextAuthSession } from "next-private-files/next-auth";
import { createSessionCheck } from "@/lib/auth/session-check";

const secret = "bench-secret";
const ROUNDS = Number(process.env.ROUNDS) || 20_000;

const sessionCallback: NonNullable<AuthOptions["callbacks"]>["session"] = ({ session, token }) => {
  if (!token) throw new Error("session ended");
  if (token.uid) session.user = { ...session.user, id: token.uid, isStaff: token.isStaff === true };
  return session;
};

const check = createSessionCheck({ ttlMs: 30_000, load: async () => ({ sessionVersion: 3, isStaff: false }) });

const without: AuthOptions = { secret, providers: [], callbacks: { jwt: ({ token }) => token, session: sessionCallback } };
const withCheck: AuthOptions = {
  secret,
  providers: [],
  callbacks: {
    async jwt({ token }) {
      const state = await check.check(Number(token.uid), typeof token.sv === "number" ? token.sv : 0);
      if (!state) return null as unknown as typeof token;
      token.isStaff = state.isStaff;
      return token;
    },
    session: sessionCallback,
  },
};

async function measure(options: AuthOptions, request: Request): Promise<number> {
  const getSession = nextAuthSession(options);
  for (let i = 0; i < 2000; i++) await getSession(request);
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) {
    const session = await getSession(request);
    if (!session) throw new Error("no session");
  }
  return Number(process.hrtime.bigint() - started) / 1000 / ROUNDS;
}

async function main() {
  const cookie = await encode({ token: { name: "Alice", email: "alice@example.com", uid: "1", isStaff: false, sv: 3 }, secret });
  const request = new Request("http://127.0.0.1/files/x", { headers: { Cookie: `next-auth.session-token=${cookie}` } });
  const results: Record<string, number[]> = { without: [], with: [] };
  // Interleaved runs, so load on the machine affects both alike.
  for (let run = 0; run < 5; run++) {
    results.without!.push(await measure(without, request));
    results.with!.push(await measure(withCheck, request));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const [a, b] = [median(results.without!), median(results.with!)];
  console.log(`session getter, ${ROUNDS} calls x 5 runs (median of runs):`);
  console.log(`  without the check: ${a.toFixed(1)} µs per request`);
  console.log(`  with the check (cached): ${b.toFixed(1)} µs per request (${b - a >= 0 ? "+" : ""}${(b - a).toFixed(1)} µs)`);
  // The check alone, cached: what the difference above is made of, without the noise of the decode.
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS * 10; i++) await check.check(1, 3);
  console.log(`  the cached check alone: ${(Number(process.hrtime.bigint() - started) / 1000 / (ROUNDS * 10)).toFixed(2)} µs per call`);
}

void main();
