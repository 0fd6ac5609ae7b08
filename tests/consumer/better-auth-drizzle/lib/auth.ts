import { betterAuth } from "better-auth";
import { sqlite } from "./sqlite";

// Better Auth's built-in SQLite support: the better-sqlite3 connection itself. Its tables
// (user, session, account, verification) come from its migrations (scripts/migrate.mjs).
// BETTER_AUTH_SECRET and BETTER_AUTH_URL come from the environment.
export const auth = betterAuth({
  database: sqlite,
  emailAndPassword: { enabled: true },
  telemetry: { enabled: false },
});
