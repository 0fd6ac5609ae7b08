import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client";

// Prisma 7: the query compiler in TypeScript/wasm, the driver adapter talks to SQLite.
// One client per process, shared by every route bundle.
const globalForDb = globalThis as typeof globalThis & { notesDb?: PrismaClient };

export const db: PrismaClient = (globalForDb.notesDb ??= new PrismaClient({
  adapter: new PrismaBetterSqlite3({ url: process.env.DATABASE_URL ?? "file:./dev.db" }),
}));
