import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";

// engine "js" through the driver adapter: `prisma migrate deploy` needs no native engine
// download. The migration SQL was written by `prisma migrate diff --from-empty
// --to-schema-datamodel prisma/schema.prisma --script`.
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? "file:./dev.db" });
  },
});
