// `DATABASE_FILE=app.db node scripts/migrate.mjs`: Better Auth's tables through its own
// programmatic migrations (the options that shape its schema must match lib/auth.ts: no
// additional fields, no plugins), then the app's tables in plain SQL (lib/schema.ts reads them).
import Database from "better-sqlite3";
import { getMigrations } from "better-auth/db/migration";

const file = process.env.DATABASE_FILE;
if (!file) throw new Error("DATABASE_FILE is not set");
const sqlite = new Database(file);
try {
  const { toBeCreated, toBeAdded, runMigrations } = await getMigrations({ database: sqlite, emailAndPassword: { enabled: true }, telemetry: { enabled: false } });
  await runMigrations();
  console.log(`better-auth: created ${toBeCreated.map((table) => table.table).join(", ") || "no tables"}, added columns to ${toBeAdded.length} tables`);
  sqlite.exec(`
    CREATE TABLE IF NOT EXISTS documents (
      id INTEGER PRIMARY KEY,
      owner_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
      title TEXT NOT NULL,
      file TEXT
    );
    CREATE TABLE IF NOT EXISTS api_keys (
      id INTEGER PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
      key_hash TEXT NOT NULL UNIQUE
    );
  `);
  console.log("app: documents, api_keys");
} finally {
  sqlite.close();
}
