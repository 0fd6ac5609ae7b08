// `npm run db:generate` (and postinstall): generates both Prisma clients, the
// SQLite one (prisma/schema.prisma -> lib/db/generated) and the PostgreSQL one
// (prisma/postgres/schema.prisma -> lib/db/generated-postgres); lib/db/prisma.ts
// picks one from DATABASE_URL at run time, so one build serves both databases.
//
// Prisma 6.19's CLI reads the schema's datasource URL while generating; when it
// does not fit the provider (a postgres URL for the SQLite schema, or the other
// way round) it silently falls back to downloading a native query engine, which
// fails offline. So each run gets a URL of its own provider; nothing connects.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const prisma = path.join(root, "node_modules", ".bin", "prisma");

const runs = [
  { schema: "prisma/schema.prisma", url: "file:./data/demo.db" },
  { schema: "prisma/postgres/schema.prisma", url: "postgresql://localhost/generate-only" },
];
for (const { schema, url } of runs) {
  const result = spawnSync(prisma, ["generate", "--schema", schema], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: url },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
