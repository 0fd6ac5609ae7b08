// prismaLinkStore (next-private-files/prisma) through the published LinkStore contract,
// on SQLite: the demo's generated Prisma client (so this lives with the demo's tests, not
// the kit's, which never import the demo) over a temp database with the demo's migrations
// applied, and over one whose only table is made by the SQL the kit ships
// (lib/private-files/schema/prisma/file-link-token.sqlite.sql). PostgreSQL:
// prisma-link-store-postgres.test.ts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll } from "vitest";
import { prismaLinkStore } from "next-private-files/prisma";
import { runLinkStoreContract } from "next-private-files/testing";
import { PrismaClient } from "@/lib/db/generated/client";
import { sqliteAdapter } from "@/lib/db/sqlite-adapter";

const MIGRATIONS = path.resolve(import.meta.dirname, "../../../prisma/migrations");
const SHIPPED_SQL = path.resolve(import.meta.dirname, "../../../lib/private-files/schema/prisma/file-link-token.sqlite.sql");

const directory = fs.mkdtempSync(path.join(os.tmpdir(), "pf-contract-prisma-"));
const file = path.join(directory, "links.db");
// The SQL `prisma migrate deploy` would run, oldest first (their names start with a timestamp).
const database = new Database(file);
for (const name of fs.readdirSync(MIGRATIONS).filter((entry) => fs.existsSync(path.join(MIGRATIONS, entry, "migration.sql"))).sort()) {
  database.exec(fs.readFileSync(path.join(MIGRATIONS, name, "migration.sql"), "utf8"));
}
database.close();
const shippedFile = path.join(directory, "shipped.db");
const shipped = new Database(shippedFile);
shipped.exec(fs.readFileSync(SHIPPED_SQL, "utf8"));
shipped.close();

const prisma = new PrismaClient({ adapter: sqliteAdapter(`file:${file}`, 5000) });
const prismaOnShippedSql = new PrismaClient({ adapter: sqliteAdapter(`file:${shippedFile}`, 5000) });
afterAll(async () => {
  await prisma.$disconnect();
  await prismaOnShippedSql.$disconnect();
  fs.rmSync(directory, { recursive: true, force: true });
});

runLinkStoreContract("prismaLinkStore (SQLite)", async () => {
  await prisma.fileLinkToken.deleteMany({});
  return { store: prismaLinkStore(prisma.fileLinkToken) };
});

runLinkStoreContract("prismaLinkStore (SQLite, the table from the kit's shipped SQL)", async () => {
  await prismaOnShippedSql.fileLinkToken.deleteMany({});
  return { store: prismaLinkStore(prismaOnShippedSql.fileLinkToken) };
});
