import path from "node:path";
import { defineConfig } from "prisma/config";

// Prisma 7's CLI, for `prisma generate` only (scripts/prisma-cli.mjs): the clients come
// from Prisma 7; migrations run on Prisma 6.19's CLI with the root prisma.config.ts.
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
});
