// The demo's two Prisma CLIs, in one place (see docs/contributing.md, "The demo's database").
//
// The app runs Prisma 7's client: it caches query plans, so an ORM call costs about half
// of what it did on 6.19 (docs/performance.md). Prisma 7's CLI, though, runs migrations
// with a native schema engine it downloads, which these machines cannot do. So:
// - `generate` runs Prisma 7's CLI (`prisma`), which writes the client without the
//   schema engine. It still looks for one first; PRISMA_SCHEMA_ENGINE_BINARY names a
//   stand-in that fails loudly, so a generate that ever needed the engine would fail
//   instead of pretending.
// - everything else (migrate deploy, migrate dev, migrate diff, db push, validate) runs
//   Prisma 6.19's CLI (`prisma6`, an npm alias) with its JavaScript schema engine
//   (`engine: "js"`, prisma.config.ts), on a copy of the schema with the datasource URL
//   6.19 needs and 7 refuses (`.<name>.prisma6.prisma`, beside the schema, git-ignored).
//   Commands that would generate afterwards get --skip-generate (6.19's generator would
//   overwrite the 7 client), and the 7 client is generated after them instead.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PRISMA_7 = path.join(root, "node_modules", "prisma", "build", "index.js");
const PRISMA_6 = path.join(root, "node_modules", "prisma6", "build", "index.js");
const NO_SCHEMA_ENGINE = path.join(root, "scripts", "no-schema-engine.sh");

/** The two schemas: SQLite (the default) and PostgreSQL, with the URL each generate run is given (nothing connects). */
export const SCHEMAS = [
  { schema: "prisma/schema.prisma", url: "file:./data/demo.db" },
  { schema: "prisma/postgres/schema.prisma", url: "postgresql://localhost/generate-only" },
];

/**
 * A Prisma 7 schema as Prisma 6.19 reads it: `url = env("DATABASE_URL")` added to the
 * datasource block (7 takes the URL from the driver adapter; 6.19 insists on the line,
 * and without it falls back to downloading a query engine).
 */
export function toPrisma6Schema(text) {
  const datasource = /datasource\s+\w+\s*\{[^}]*\}/;
  const block = datasource.exec(text)?.[0];
  if (!block) throw new Error("the schema has no datasource block");
  if (/^\s*url\s*=/m.test(block)) return text;
  return text.replace(block, block.replace(/\}$/, '  url      = env("DATABASE_URL")\n}'));
}

/** Writes the 6.19 copy of `schema` beside it and returns its path (relative paths inside it stay right). */
export function prisma6SchemaFile(schema) {
  const source = path.resolve(root, schema);
  const copy = path.join(path.dirname(source), `.${path.basename(source, ".prisma")}.prisma6.prisma`);
  fs.writeFileSync(copy, `// Written by scripts/prisma-cli.mjs from ${path.basename(source)}: edit that file, not this one.\n${toPrisma6Schema(fs.readFileSync(source, "utf8"))}`);
  return copy;
}

function run(cli, args, options = {}) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: "inherit", ...options, env: { ...process.env, ...options.env } });
}

/** `prisma generate` (Prisma 7) of one schema; `options` as spawnSync's. Returns its result. */
export function generateClient(schema, url, options = {}) {
  return run(PRISMA_7, ["generate", "--schema", schema, "--config", "prisma/client.config.ts"], {
    ...options,
    env: { DATABASE_URL: url, PRISMA_SCHEMA_ENGINE_BINARY: NO_SCHEMA_ENGINE, PRISMA_HIDE_UPDATE_MESSAGE: "1", ...options.env },
  });
}

/** `prisma generate` (Prisma 7) of both schemas. Returns the exit status. */
export function generateClients() {
  for (const { schema, url } of SCHEMAS) {
    const result = generateClient(schema, url);
    if (result.status !== 0) return result.status ?? 1;
  }
  return 0;
}

/** Commands of Prisma 6.19's CLI that generate a client when they are done, unless told not to. */
const GENERATES_AFTER = [
  ["migrate", "dev"],
  ["migrate", "reset"],
  ["db", "push"],
];

/**
 * Runs Prisma 6.19's CLI: `--schema <file>` (default prisma/schema.prisma) is replaced by
 * its 6.19 copy, and a command that would generate gets --skip-generate, the 7 clients
 * being generated after it. `options` as spawnSync's; returns its result.
 */
export function prisma6(args, options = {}) {
  const list = [...args];
  // migrate diff names its schemas itself: each becomes its 6.19 copy.
  for (const flag of ["--from-schema-datamodel", "--to-schema-datamodel", "--from-schema", "--to-schema"]) {
    const at = list.indexOf(flag);
    if (at >= 0 && list[at + 1]) list[at + 1] = prisma6SchemaFile(list[at + 1]);
  }
  const diff = list[0] === "migrate" && list[1] === "diff";
  const at = list.indexOf("--schema");
  const schema = at >= 0 ? list.splice(at, 2)[1] : "prisma/schema.prisma";
  if (!diff) list.push("--schema", prisma6SchemaFile(schema));
  const generates = GENERATES_AFTER.some(([a, b]) => list[0] === a && list[1] === b) && !list.includes("--skip-generate");
  if (generates) list.push("--skip-generate");
  const result = run(PRISMA_6, list, { ...options, env: { PRISMA_HIDE_UPDATE_MESSAGE: "1", ...options.env } });
  if (result.status === 0 && generates) {
    const status = generateClients();
    if (status !== 0) return { ...result, status };
  }
  return result;
}

// `npm run prisma -- <command>`: generate with Prisma 7, anything else with 6.19.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.length === 0) {
    console.error("usage: npm run prisma -- <command>   (generate: Prisma 7; migrate, db, validate: Prisma 6.19)");
    process.exit(2);
  }
  if (args[0] === "generate") process.exit(generateClients());
  process.exit(prisma6(args).status ?? 1);
}
