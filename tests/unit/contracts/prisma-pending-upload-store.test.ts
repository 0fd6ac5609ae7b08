// prismaPendingUploadStore (next-private-files/prisma) through the published
// PendingUploadStore contract: on SQLite over a temp database with the demo's migrations
// applied, and over one whose only table is made by the SQL the kit ships
// (lib/private-files/schema/prisma/pending-upload.sqlite.sql); on PostgreSQL in
// prisma-pending-upload-store-postgres.test.ts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll } from "vitest";
import { prismaPendingUploadStore } from "next-private-files/prisma";
import { runPendingUploadStoreContract } from "next-private-files/testing";
import { PrismaClient } from "@/lib/db/generated/client";
import { sqliteAdapter } from "@/lib/db/sqlite-adapter";

const MIGRATIONS = path.resolve(import.meta.dirname, "../../../prisma/migrations");
const SHIPPED_SQL = path.resolve(import.meta.dirname, "../../../lib/private-files/schema/prisma/pending-upload.sqlite.sql");

const directory = fs.mkdtempSync(path.join(os.tmpdir(), "pf-contract-pending-"));
const migrated = path.join(directory, "migrated.db");
const database = new Database(migrated);
for (const name of fs.readdirSync(MIGRATIONS).filter((entry) => fs.existsSync(path.join(MIGRATIONS, entry, "migration.sql"))).sort()) {
  database.exec(fs.readFileSync(path.join(MIGRATIONS, name, "migration.sql"), "utf8"));
}
database.close();
const shippedFile = path.join(directory, "shipped.db");
const shipped = new Database(shippedFile);
shipped.exec(fs.readFileSync(SHIPPED_SQL, "utf8"));
shipped.close();

const prisma = new PrismaClient({ adapter: sqliteAdapter(`file:${migrated}`, 5000) });
const prismaOnShippedSql = new PrismaClient({ adapter: sqliteAdapter(`file:${shippedFile}`, 5000) });
afterAll(async () => {
  await prisma.$disconnect();
  await prismaOnShippedSql.$disconnect();
  fs.rmSync(directory, { recursive: true, force: true });
});

runPendingUploadStoreContract("prismaPendingUploadStore (SQLite)", async () => {
  await prisma.pendingUpload.deleteMany({});
  return { store: prismaPendingUploadStore(prisma, { provider: "sqlite" }) };
});

runPendingUploadStoreContract("prismaPendingUploadStore (SQLite, the table from the kit's shipped SQL)", async () => {
  await prismaOnShippedSql.pendingUpload.deleteMany({});
  return { store: prismaPendingUploadStore(prismaOnShippedSql, { provider: "sqlite" }) };
});
