import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseUrl, ensureSqliteFolder } from "./lib/db/database-url";

// The schema's datasource still reads env("DATABASE_URL") on Prisma 6.19.
process.env.DATABASE_URL = databaseUrl();

// engine "js": the JavaScript schema engine, so migrate/db push need no
// native engine download (see DESIGN.md).
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    ensureSqliteFolder(databaseUrl());
    return new PrismaBetterSQLite3({ url: databaseUrl() });
  },
});
