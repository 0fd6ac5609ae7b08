import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseUrl, ensureSqliteFolder } from "./database-url";
import { PrismaClient } from "./generated/client";

// One client per process: route bundles and hot reloads share it through globalThis.
const globalForPrisma = globalThis as typeof globalThis & { demoPrisma?: PrismaClient };

function createClient(): PrismaClient {
  // timeout: wait for a write lock instead of failing at once when another
  // process (a migration, a test fixture) holds it.
  const url = databaseUrl();
  ensureSqliteFolder(url);
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 5000 }) });
}

export const prisma: PrismaClient = (globalForPrisma.demoPrisma ??= createClient());
