// prismaPendingUploadStore (next-private-files/prisma) through the published
// PendingUploadStore contract on PostgreSQL: a throw-away cluster on 127.0.0.1
// (tests/support/postgres.ts), the demo's PostgreSQL Prisma client over @prisma/adapter-pg
// with a pool of 20 (so the racing reservations run on separate connections and only the
// advisory lock makes them take turns), and the table made by the SQL the kit ships
// (lib/private-files/schema/prisma/pending-upload.postgresql.sql).
import fs from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { prismaPendingUploadStore } from "next-private-files/prisma";
import { runPendingUploadStoreContract } from "next-private-files/testing";
import { PrismaClient } from "@/lib/db/generated-postgres/client";
import { createPostgres } from "../../support/postgres";

const SHIPPED_SQL = path.resolve(import.meta.dirname, "../../../lib/private-files/schema/prisma/pending-upload.postgresql.sql");

let server: Awaited<ReturnType<typeof createPostgres>> | undefined;
let prisma: PrismaClient | undefined;

beforeAll(async () => {
  server = await createPostgres();
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(fs.readFileSync(SHIPPED_SQL, "utf8"));
  } finally {
    await client.end();
  }
  prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: server.url, max: 20 }) });
}, 120_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await server?.remove();
}, 60_000);

runPendingUploadStoreContract("prismaPendingUploadStore (PostgreSQL)", async () => {
  if (!prisma) throw new Error("no PostgreSQL: beforeAll failed");
  await prisma.pendingUpload.deleteMany({});
  return { store: prismaPendingUploadStore(prisma, { provider: "postgresql" }) };
});
