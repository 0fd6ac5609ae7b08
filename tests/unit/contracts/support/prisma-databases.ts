// The databases the Prisma stores' contract runs use (tests/unit/contracts/): the demo's
// generated clients (so these live with the demo's tests, not the kit's, which never
// import the demo), over a database made for the test file, and over one whose only
// table is made by the SQL the kit ships (lib/private-files/schema/prisma/<table>.*.sql),
// so that SQL is proven too. Each registers its own teardown (afterAll).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { PrismaClient } from "@/lib/db/generated/client";
import { PrismaClient as PostgresPrismaClient } from "@/lib/db/generated-postgres/client";
import { sqliteAdapter } from "@/lib/db/sqlite-adapter";
import { createPostgres } from "../../../support/postgres";

const ROOT = path.resolve(import.meta.dirname, "../../../..");
const MIGRATIONS = path.join(ROOT, "prisma/migrations");
/** The SQL the kit ships for `table` (`file-link-token`, `pending-upload`) on one database. */
const shippedSql = (table: string, database: "sqlite" | "postgresql") => fs.readFileSync(path.join(ROOT, "lib/private-files/schema/prisma", `${table}.${database}.sql`), "utf8");

/**
 * Two SQLite databases in a temp directory: one with the demo's migrations applied (the
 * SQL `prisma migrate deploy` would run, oldest first), one with only the kit's shipped
 * SQL for `table`. Both clients are disconnected and the directory removed after the file.
 */
export function sqliteContractDatabases(table: string): { migrated: PrismaClient; shipped: PrismaClient } {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), `pf-contract-${table}-`));
  const open = (name: string, sql: readonly string[]) => {
    const file = path.join(directory, name);
    const database = new Database(file);
    for (const statement of sql) database.exec(statement);
    database.close();
    return new PrismaClient({ adapter: sqliteAdapter(`file:${file}`, 5000) });
  };
  const migrations = fs
    .readdirSync(MIGRATIONS)
    .filter((entry) => fs.existsSync(path.join(MIGRATIONS, entry, "migration.sql")))
    .sort()
    .map((name) => fs.readFileSync(path.join(MIGRATIONS, name, "migration.sql"), "utf8"));
  const migrated = open("migrated.db", migrations);
  const shipped = open("shipped.db", [shippedSql(table, "sqlite")]);
  afterAll(async () => {
    await migrated.$disconnect();
    await shipped.$disconnect();
    fs.rmSync(directory, { recursive: true, force: true });
  });
  return { migrated, shipped };
}

/**
 * A throw-away PostgreSQL cluster on 127.0.0.1 for the file (tests/support/postgres.ts),
 * its table made by the kit's shipped SQL for `table`, and the demo's PostgreSQL client
 * over @prisma/adapter-pg with a pool of 20, so racing calls run on separate connections.
 * Returns the client once beforeAll has run; the cluster is removed after the file, also
 * when a case failed.
 */
export function postgresContractDatabase(table: string): () => PostgresPrismaClient {
  let server: Awaited<ReturnType<typeof createPostgres>> | undefined;
  let prisma: PostgresPrismaClient | undefined;
  beforeAll(async () => {
    server = await createPostgres();
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query(shippedSql(table, "postgresql"));
    } finally {
      await client.end();
    }
    prisma = new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: server.url, max: 20 }) });
  }, 120_000);
  afterAll(async () => {
    await prisma?.$disconnect();
    await server?.remove();
  }, 60_000);
  return () => {
    if (!prisma) throw new Error("no PostgreSQL: beforeAll failed");
    return prisma;
  };
}
