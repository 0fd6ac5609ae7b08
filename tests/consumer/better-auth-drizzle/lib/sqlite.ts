import Database from "better-sqlite3";

// One SQLite file for Better Auth's tables and the app's own, one connection per process.
const globalForSqlite = globalThis as typeof globalThis & { appSqlite?: Database.Database };

export const sqlite: Database.Database = (globalForSqlite.appSqlite ??= new Database(process.env.DATABASE_FILE ?? "app.db"));
