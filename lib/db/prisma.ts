import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseUrl, ensureSqliteFolder } from "./database-url";
import { PrismaClient } from "./generated/client";

// One client per process: route bundles and hot reloads share it through globalThis.
const globalForPrisma = globalThis as typeof globalThis & { demoPrisma?: PrismaClient };

function createClient(): PrismaClient {
  // timeout: wait for a lock instead of failing at once when another process
  // (a migration, a test fixture) holds it. better-sqlite3 waits synchronously,
  // so the whole server pauses meanwhile: keep it short.
  const url = databaseUrl();
  ensureSqliteFolder(url);
  const timeout = Number(process.env.SQLITE_BUSY_TIMEOUT_MS) || 5000;
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout }) });
}

export const prisma: PrismaClient = (globalForPrisma.demoPrisma ??= createClient());
