import path from "node:path";
import { defineConfig } from "prisma6/config";
import { PrismaBetterSQLite3 } from "prisma6-adapter-better-sqlite3";
import { databaseUrl, ensureSqliteFolder, isPostgresUrl } from "./lib/db/database-url";
import { prisma6SchemaFile } from "./scripts/prisma-cli.mjs";

// Prisma 6.19's CLI (migrations; the app runs Prisma 7's client, see scripts/prisma-cli.mjs):
// run it with `npm run prisma -- <command>`, which gives it the schema with the
// datasource URL it reads, env("DATABASE_URL").
process.env.DATABASE_URL = databaseUrl();

// engine "js": the JavaScript schema engine, so migrate/db push need no
// native engine download (see DESIGN.md). This configuration is the SQLite one;
// PostgreSQL migrations are applied by scripts/migrate.ts (`npm run db:migrate`),
// because Prisma 6.19's `migrate deploy` fails through adapter-pg (docs/deploying.md, "PostgreSQL").
export default defineConfig({
  // Read before the command's --schema: 6.19 must find its datasource URL here too.
  schema: path.relative(process.cwd(), prisma6SchemaFile(path.join("prisma", "schema.prisma"))),
  migrations: { path: path.join("prisma", "migrations") },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    if (isPostgresUrl(databaseUrl())) {
      throw new Error("DATABASE_URL is a PostgreSQL URL: run `npm run db:migrate` (scripts/migrate.ts), not the Prisma CLI's migrate commands");
    }
    ensureSqliteFolder(databaseUrl());
    return new PrismaBetterSQLite3({ url: databaseUrl() });
  },
});
