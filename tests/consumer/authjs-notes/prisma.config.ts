import path from "node:path";
import { defineConfig } from "prisma/config";

// Prisma 7: the datasource URL lives here. Only `prisma generate` is run, which needs no
// database; the tables come from schema.sql.
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  datasource: { url: process.env.DATABASE_URL ?? "file:./dev.db" },
});
