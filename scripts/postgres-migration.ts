// `npm run db:migration:postgres -- <name> [--from <schema file>]`: writes the next
// PostgreSQL migration, prisma/postgres/migrations/<UTC timestamp>_<name>/migration.sql,
// as the SQL that turns the previous prisma/postgres/schema.prisma into the current one.
// "Previous" is the file as committed at HEAD (or --from <file>; no committed file:
// from an empty database). `prisma migrate diff` compares two schema files and needs
// no database; `npm run db:migrate` applies the result (see docs/deploying.md, "PostgreSQL").
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { prisma6 } from "./prisma-cli.mjs";

const root = path.resolve(__dirname, "..");
const schema = "prisma/postgres/schema.prisma";
const args = process.argv.slice(2);
const fromIndex = args.indexOf("--from");
const fromFile = fromIndex >= 0 ? args.splice(fromIndex, 2)[1] : undefined;
const name = args[0] ?? "";
if (!/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration:postgres -- <name: lower case, digits, _> [--from <previous schema file>]");
  process.exit(2);
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pg-migration-"));
let from: string[];
if (fromFile) {
  from = ["--from-schema-datamodel", path.resolve(fromFile)];
} else {
  try {
    const previous = execFileSync("git", ["show", `HEAD:${schema}`], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const file = path.join(scratch, "previous.prisma");
    fs.writeFileSync(file, previous);
    from = ["--from-schema-datamodel", file];
  } catch {
    from = ["--from-empty"];
  }
}

// The Prisma CLI loads prisma.config.ts (the SQLite one) and opens its adapter; give it
// a scratch SQLite URL whatever DATABASE_URL says (a postgres URL there makes Prisma
// 6.19 fall back to downloading an engine). Nothing is written to it.
// Prisma 6.19's CLI: Prisma 7's runs diff on a schema engine it downloads (scripts/prisma-cli.mjs).
const result = prisma6(["migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"], {
  encoding: "utf8",
  stdio: "pipe",
  env: { DATABASE_URL: `file:${path.join(scratch, "unused.db")}` },
});
fs.rmSync(scratch, { recursive: true, force: true });
if (result.status !== 0) {
  console.error(result.stdout, result.stderr);
  process.exit(result.status ?? 1);
}
const sql = result.stdout;
if (!/^\s*(CREATE|ALTER|DROP)\b/im.test(sql)) {
  console.log(`${schema} has no change since the last migration: nothing written`);
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(root, "prisma", "postgres", "migrations", `${stamp}_${name}`);
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`wrote ${path.relative(root, dir)}/migration.sql: review it, run npm run db:migrate on a scratch database, commit it`);
