// prismaLinkStore (next-private-files/prisma) through the published LinkStore contract on
// PostgreSQL: a throw-away cluster on 127.0.0.1 (tests/support/postgres.ts) for this file,
// the demo's PostgreSQL Prisma client (prisma/postgres/schema.prisma) over @prisma/adapter-pg,
// and the FileLinkToken table made by the SQL the kit ships
// (lib/private-files/schema/prisma/file-link-token.postgresql.sql), so that SQL is proven too.
import fs from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { prismaLinkStore } from "next-private-files/prisma";
import { runLinkStoreContract } from "next-private-files/testing";
import { PrismaClient } from "@/lib/db/generated-postgres/client";
import { createPostgres } from "../../support/postgres";

const SHIPPED_SQL = path.resolve(import.meta.dirname, "../../../lib/private-files/schema/prisma/file-link-token.postgresql.sql");

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
  // A pool of 20, so the 50 concurrent consumes race on separate connections.
  prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: server.url, max: 20 }) });
}, 120_000);

// Stops the cluster even when a case (or beforeAll, after the cluster started) failed.
afterAll(async () => {
  await prisma?.$disconnect();
  await server?.remove();
}, 60_000);

runLinkStoreContract("prismaLinkStore (PostgreSQL)", async () => {
  if (!prisma) throw new Error("no PostgreSQL: beforeAll failed");
  await prisma.fileLinkToken.deleteMany({});
  return { store: prismaLinkStore(prisma.fileLinkToken) };
});
