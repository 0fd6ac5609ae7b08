import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseKind, databasePath, databaseUrl, postgresDataDir, storageRoot } from "./context";
import { startPostgres, stopPostgres } from "./postgres";

// Test records are written straight into the server's database and files into its
// storage root, so a test can create exactly the case it needs (hostile stored
// paths, empty fields, sparse 4 GiB files…). One async API for both databases:
// better-sqlite3 on SQLite, `pg` on PostgreSQL. SQL here is written once, with
// "quoted" identifiers (Prisma's PostgreSQL tables keep their camelCase names
// only when quoted; SQLite accepts the quotes too) and `?` placeholders.

interface Backend {
  query<T>(sql: string, params: unknown[]): Promise<T[]>;
  /** The value to store in a DateTime column, the way Prisma stores it. */
  time(date: Date): unknown;
}

function sqliteBackend(): Backend {
  const db = new Database(databasePath(), { timeout: 10_000 });
  return {
    async query<T>(sql: string, params: unknown[]) {
      const statement = db.prepare(sql);
      if (statement.reader) return statement.all(...params) as T[];
      statement.run(...params);
      return [];
    },
    // Prisma's SQLite adapter keeps DateTime as milliseconds since the epoch.
    time: (date) => date.getTime(),
  };
}

function postgresBackend(): Backend {
  const pool = new pg.Pool({ connectionString: databaseUrl(), max: 4, connectionTimeoutMillis: 10_000 });
  // lockDatabase() stops the server: idle connections die, the pool opens new ones.
  pool.on("error", () => undefined);
  return {
    async query<T>(sql: string, params: unknown[]) {
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${++n}`);
      return (await pool.query(text, params)).rows as T[];
    },
    // TIMESTAMP(3) without time zone, in UTC, as Prisma writes it.
    time: (date) => date.toISOString().replace("T", " ").replace("Z", ""),
  };
}

let backend: Backend | undefined;
const db = () => (backend ??= databaseKind() === "postgres" ? postgresBackend() : sqliteBackend());

/** `date` as the server's database keeps a DateTime, for `query` parameters. */
export const dbTime = (date: Date) => db().time(date);

/** Runs one SQL statement (`?` placeholders) in the server's database; returns its rows. */
export function query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return db().query<T>(sql, params);
}

export async function userId(email: string): Promise<number> {
  const [row] = await query<{ id: number }>(`SELECT "id" FROM "User" WHERE "email" = ?`, [email]);
  if (!row) throw new Error(`no user ${email}`);
  return Number(row.id);
}

/** Every user, by email: booleans as booleans on both databases. */
export async function users(): Promise<{ email: string; passwordHash: string; isStaff: boolean }[]> {
  const rows = await query<{ email: string; passwordHash: string; isStaff: number | boolean }>(
    `SELECT "email", "passwordHash", "isStaff" FROM "User" ORDER BY "email"`,
  );
  return rows.map((row) => ({ ...row, isStaff: Boolean(row.isStaff) }));
}

/** Writes bytes under the storage root; returns the stored (relative) path. */
export async function writeStored(relative: string, bytes: Uint8Array): Promise<string> {
  const target = path.join(storageRoot(), relative);
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, bytes);
  return relative;
}

export const randomData = (size: number) => new Uint8Array(randomBytes(size));
export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function insert(sql: string, params: unknown[]): Promise<number> {
  const [row] = await query<{ id: number }>(`${sql} RETURNING "id"`, params);
  return Number(row!.id);
}

export async function insertSubmission(values: { owner: string; file: string; fileName: string; fileSize: number; description?: string }): Promise<number> {
  return insert(`INSERT INTO "FileSubmission" ("description", "ownerId", "file", "fileName", "fileSize", "createdAt") VALUES (?, ?, ?, ?, ?, ?)`, [
    values.description ?? "fixture",
    await userId(values.owner),
    values.file,
    values.fileName,
    values.fileSize,
    db().time(new Date()),
  ]);
}

export function insertCounted(values: { file: string; fileName: string; fileSize: number; description: string }): Promise<number> {
  return insert(`INSERT INTO "CountedDownload" ("description", "file", "fileName", "fileSize", "downloads", "createdAt") VALUES (?, ?, ?, ?, 0, ?)`, [
    values.description,
    values.file,
    values.fileName,
    values.fileSize,
    db().time(new Date()),
  ]);
}

export function insertImage(values: { file: string; fileName: string; fileSize: number; title: string }): Promise<number> {
  return insert(`INSERT INTO "SharedImage" ("title", "image", "imageName", "imageSize", "createdAt") VALUES (?, ?, ?, ?, ?)`, [
    values.title,
    values.file,
    values.fileName,
    values.fileSize,
    db().time(new Date()),
  ]);
}

export async function downloadsOf(id: number): Promise<number> {
  const [row] = await query<{ downloads: number }>(`SELECT "downloads" FROM "CountedDownload" WHERE "id" = ?`, [id]);
  return Number(row!.downloads);
}

type Table = "FileSubmission" | "CountedDownload" | "SharedImage" | "DownloadEvent";

export async function count(table: Table): Promise<number> {
  const [row] = await query<{ n: number | string }>(`SELECT COUNT(*) AS "n" FROM "${table}"`);
  return Number(row!.n);
}

/** The stored path of the first record of a model (the seeded one). */
export async function firstStoredPath(table: "CountedDownload" | "SharedImage", column: "file" | "image"): Promise<string> {
  const [row] = await query<{ path: string }>(`SELECT "${column}" AS "path" FROM "${table}" ORDER BY "id" LIMIT 1`);
  return row!.path;
}

/** Removes a fixture row, so no later test sees a record whose file is gone. */
export async function deleteRow(table: Exclude<Table, "DownloadEvent">, id: number): Promise<void> {
  await query(`DELETE FROM "${table}" WHERE "id" = ?`, [id]);
}

/**
 * Makes the database unavailable to the server until `release()`:
 * - SQLite: takes the write lock from this process, as a long migration or a stuck
 *   writer would: the server's writes fail after SQLITE_BUSY_TIMEOUT_MS. Its reads go
 *   on (WAL mode: readers never wait for a writer; lib/db/sqlite-adapter.ts).
 * - PostgreSQL: stops the server (fast shutdown: every connection is closed);
 *   `release()` starts it again, and the app's pool must reconnect on its own.
 */
export async function lockDatabase(): Promise<{ release(): Promise<void> }> {
  if (databaseKind() === "postgres") {
    const dataDir = postgresDataDir();
    stopPostgres(dataDir);
    return {
      async release() {
        startPostgres(dataDir);
      },
    };
  }
  const holder = new Database(databasePath(), { timeout: 10_000 });
  holder.exec("BEGIN EXCLUSIVE");
  return {
    async release() {
      holder.exec("ROLLBACK");
      holder.close();
    },
  };
}

/**
 * Makes the record lookup of FileSubmission fail until `release()`, on SQLite, where
 * no lock stops a reader (WAL): the table is renamed away, as a half-applied
 * migration would leave it, so every query of it fails at once.
 */
export async function breakSubmissionLookup(): Promise<{ release(): Promise<void> }> {
  if (databaseKind() !== "sqlite") throw new Error("breakSubmissionLookup is for SQLite; on PostgreSQL use lockDatabase()");
  await query(`ALTER TABLE "FileSubmission" RENAME TO "FileSubmission_away"`);
  return {
    async release() {
      await query(`ALTER TABLE "FileSubmission_away" RENAME TO "FileSubmission"`);
    },
  };
}

/**
 * Makes every update of one CountedDownload row (the demo's preDownload counter)
 * fail with an error ("raise"), or hang for a minute ("hang", PostgreSQL only:
 * SQLite has no way to sleep in a trigger). Returns the function that undoes it.
 */
export async function breakCounter(id: number, mode: "raise" | "hang"): Promise<() => Promise<void>> {
  const name = `break_counter_${id}`;
  if (databaseKind() === "sqlite") {
    if (mode === "hang") throw new Error("SQLite triggers cannot sleep");
    await query(`CREATE TRIGGER "${name}" BEFORE UPDATE ON "CountedDownload" WHEN OLD."id" = ${id} BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    return async () => {
      await query(`DROP TRIGGER IF EXISTS "${name}"`);
    };
  }
  const body = mode === "raise" ? "RAISE EXCEPTION 'injected failure';" : "PERFORM pg_sleep(60); RETURN NEW;";
  await query(`CREATE FUNCTION "${name}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body} END $$`);
  await query(`CREATE TRIGGER "${name}" BEFORE UPDATE ON "CountedDownload" FOR EACH ROW WHEN (OLD."id" = ${id}) EXECUTE FUNCTION "${name}"()`);
  return async () => {
    // A sleeping update holds its row lock, and DROP TRIGGER would wait for it: cancel it first.
    await query(`SELECT pg_cancel_backend("pid") FROM pg_stat_activity WHERE "wait_event" = 'PgSleep' AND "pid" <> pg_backend_pid()`);
    await query(`DROP TRIGGER IF EXISTS "${name}" ON "CountedDownload"`);
    await query(`DROP FUNCTION IF EXISTS "${name}"()`);
  };
}

export interface AuditRow {
  userId: number | null;
  userEmail: string | null;
  model: string;
  field: string;
  recordId: string;
  method: string;
  outcome: string;
  reason: string | null;
  status: number;
  bytesSent: number;
  rangeStart: number | null;
  linkId: string | null;
}

/** The audit trail of one record, oldest first (BigInt columns as numbers on both databases). */
export async function auditOf(model: string, recordId: number): Promise<AuditRow[]> {
  const rows = await query<AuditRow>(
    `SELECT "userId", "userEmail", "model", "field", "recordId", "method", "outcome", "reason", "status", "bytesSent", "rangeStart", "linkId" FROM "DownloadEvent" WHERE "model" = ? AND "recordId" = ? ORDER BY "id"`,
    [model, String(recordId)],
  );
  return rows.map((row) => ({
    ...row,
    bytesSent: Number(row.bytesSent),
    rangeStart: row.rangeStart === null ? null : Number(row.rangeStart),
  }));
}

/** A user written straight into the database (a fixture of its own, so no test locks out the seeded ones). */
export async function insertUser(values: { email: string; passwordHash: string; name?: string; isStaff?: boolean }): Promise<number> {
  return insert(`INSERT INTO "User" ("email", "name", "passwordHash", "isStaff", "createdAt") VALUES (?, ?, ?, ?, ?)`, [
    values.email,
    values.name ?? values.email,
    values.passwordHash,
    databaseKind() === "postgres" ? (values.isStaff ?? false) : Number(values.isStaff ?? false),
    db().time(new Date()),
  ]);
}

export async function deleteUser(email: string): Promise<void> {
  await query(`DELETE FROM "User" WHERE "email" = ?`, [email]);
}

export async function passwordHashOf(email: string): Promise<string> {
  const [row] = await query<{ passwordHash: string }>(`SELECT "passwordHash" FROM "User" WHERE "email" = ?`, [email]);
  return row!.passwordHash;
}

export async function setStaff(email: string, isStaff: boolean): Promise<void> {
  await query(`UPDATE "User" SET "isStaff" = ? WHERE "email" = ?`, [databaseKind() === "postgres" ? isStaff : Number(isStaff), email]);
}

/** The sign-in limiter's rows (lib/auth/sign-in-limiter.ts), by key. */
export async function throttleRows(): Promise<Map<string, number>> {
  const rows = await query<{ key: string; failures: number | string }>(`SELECT "key", "failures" FROM "SignInThrottle"`);
  return new Map(rows.map((row) => [row.key, Number(row.failures)]));
}
