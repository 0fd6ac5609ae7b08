import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client";

// One client per process, shared by every route bundle.
const globalForDb = globalThis as typeof globalThis & { teamFilesDb?: PrismaClient };

export const db: PrismaClient = (globalForDb.teamFilesDb ??= new PrismaClient({
  adapter: new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? "file:./dev.db" }),
}));
