import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";

// One place decides where the demo's database lives, for the Prisma CLI
// (prisma.config.ts) and for the app (lib/db/prisma.ts) alike.
export const DEFAULT_DATABASE_URL = "file:./data/demo.db";

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL?.trim();
  return url ? url : DEFAULT_DATABASE_URL;
}

/** PostgreSQL (`postgres://` or `postgresql://`); anything else is a SQLite `file:` URL. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** SQLite will not create a missing folder: make the one the database file goes in. */
export function ensureSqliteFolder(url: string): void {
  if (!url.startsWith("file:")) return;
  const file = url.slice("file:".length).split("?")[0] ?? "";
  if (file === "" || file === ":memory:") return;
  // The path comes from configuration at run time; keep the bundler from tracing it.
  mkdirSync(dirname(resolve(/*turbopackIgnore: true*/ file)), { recursive: true });
}
