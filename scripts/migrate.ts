// `npm run db:migrate`: brings the database named by DATABASE_URL up to date.
//
// - SQLite (a `file:` URL, the default): `prisma migrate deploy` with
//   prisma/migrations, as before.
// - PostgreSQL (`postgres://` or `postgresql://`): applies the SQL files in
//   prisma/postgres/migrations/<name>/migration.sql itself, through `pg`.
//   Prisma 6.19's `migrate deploy` cannot run there: with `engine: "js"` it goes
//   through @prisma/adapter-pg, whose introspection fails ("Column type 'name'
//   could not be deserialized"), and the native schema engine is a download these
//   machines cannot make. `prisma migrate diff` (offline) writes the SQL; this
//   script only applies it. See docs/deploying.md, "PostgreSQL".
//
// On PostgreSQL, every pending migration runs in its own transaction (PostgreSQL
// DDL is transactional: a failing migration leaves nothing half done) and is
// recorded in `_prisma_migrations`, the table and columns `prisma migrate deploy`
// uses (name, sha256 checksum of migration.sql, finished_at), so the history
// stays readable by Prisma's own tooling. A session-level advisory lock makes
// concurrent runs (two app instances starting at once) take turns: the second one
// finds nothing left to do.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { databaseUrl, isPostgresUrl } from "../lib/db/database-url";
import { prisma6 } from "./prisma-cli.mjs";

const root = path.resolve(__dirname, "..");
export const POSTGRES_MIGRATIONS = path.join(root, "prisma", "postgres", "migrations");
/** Arbitrary, fixed: every run of this script contends for the same lock. */
const ADVISORY_LOCK_KEY = 72_194_337_001;

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The migration folders, oldest first (their names start with a UTC timestamp). */
export function postgresMigrations(dir = POSTGRES_MIGRATIONS): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Connects, retrying for up to `waitMs` while the server is still starting or unreachable. */
async function connect(url: string, waitMs: number): Promise<pg.Client> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() >= deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Applies the pending PostgreSQL migrations; returns the names applied. */
export async function migratePostgres(url: string, log: (line: string) => void = console.log): Promise<string[]> {
  const client = await connect(url, Number(process.env.MIGRATE_WAIT_MS) || 30_000);
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
    await client.query(MIGRATIONS_TABLE);
    const rows = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const failed = rows.rows.find((row) => row.finished_at === null);
    if (failed) throw new Error(`migration ${failed.migration_name} is recorded as started but never finished: fix the database, then mark it rolled back`);
    const done = new Map(rows.rows.map((row) => [row.migration_name, row.checksum]));
    const migrations = postgresMigrations();
    for (const name of done.keys()) {
      if (!migrations.some((m) => m.name === name)) log(`warning: ${name} is applied but not in ${path.relative(root, POSTGRES_MIGRATIONS)}`);
    }
    for (const migration of migrations) {
      const checksum = done.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) log(`warning: ${migration.name} was edited after it was applied`);
        continue;
      }
      try {
        await client.query("BEGIN");
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw new Error(`migration ${migration.name} failed and was rolled back: ${(error as Error).message}`, { cause: error });
      }
      applied.push(migration.name);
      log(`applied ${migration.name}`);
    }
    if (applied.length === 0) log(`no pending migration (${migrations.length} applied)`);
    await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]);
  } finally {
    await client.end();
  }
  return applied;
}

async function main(): Promise<void> {
  const url = databaseUrl();
  if (isPostgresUrl(url)) {
    console.log(`PostgreSQL: applying ${path.relative(root, POSTGRES_MIGRATIONS)}`);
    await migratePostgres(url);
    return;
  }
  // Prisma 6.19's CLI: Prisma 7's cannot migrate offline (scripts/prisma-cli.mjs).
  const result = prisma6(["migrate", "deploy"]);
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
