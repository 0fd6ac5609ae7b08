// Run by no-jose.test.ts in a fresh Node process, from a temp folder whose
// node_modules holds a copy of the built kit and next-auth (no jose): decodes the
// next-auth session cookies it is given with the kit's nextAuthSession and prints what
// each gave, as one JSON line. KIT_SECRET is next-auth's secret; KIT_COOKIES a JSON
// object of label -> cookie value.
import { nextAuthSession } from "next-private-files/next-auth";

const secret = process.env.KIT_SECRET;
const cookies = JSON.parse(process.env.KIT_COOKIES);
const getSession = nextAuthSession({
  secret,
  providers: [],
  session: { strategy: "jwt" },
  callbacks: { session: ({ session, token }) => ({ ...session, user: { ...session.user, role: token.role } }) },
});

const sessions = {};
for (const [label, value] of Object.entries(cookies)) {
  const request = new Request("http://app.test/files/x", { headers: { Cookie: `next-auth.session-token=${value}` } });
  sessions[label] = await getSession(request);
}
console.log(JSON.stringify(sessions));
