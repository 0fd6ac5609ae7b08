import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import Database from "better-sqlite3";
import { databasePath, storageRoot } from "./context";

// Test records are written straight into the server's SQLite database and files
// into its storage root, so a test can create exactly the case it needs
// (hostile stored paths, empty fields, sparse 4 GiB files…).

let db: Database.Database | undefined;
export function database(): Database.Database {
  db ??= new Database(databasePath(), { timeout: 10_000 });
  return db;
}

export function userId(email: string): number {
  const row = database().prepare("SELECT id FROM User WHERE email = ?").get(email) as { id: number } | undefined;
  if (!row) throw new Error(`no user ${email}`);
  return row.id;
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

export function insertSubmission(values: { owner: string; file: string; fileName: string; fileSize: number; description?: string }): number {
  const result = database()
    .prepare("INSERT INTO FileSubmission (description, ownerId, file, fileName, fileSize, createdAt) VALUES (?, ?, ?, ?, ?, ?)")
    .run(values.description ?? "fixture", userId(values.owner), values.file, values.fileName, values.fileSize, Date.now());
  return Number(result.lastInsertRowid);
}

export function insertCounted(values: { file: string; fileName: string; fileSize: number; description: string }): number {
  const result = database()
    .prepare("INSERT INTO CountedDownload (description, file, fileName, fileSize, downloads, createdAt) VALUES (?, ?, ?, ?, 0, ?)")
    .run(values.description, values.file, values.fileName, values.fileSize, Date.now());
  return Number(result.lastInsertRowid);
}

export function insertImage(values: { file: string; fileName: string; fileSize: number; title: string }): number {
  const result = database()
    .prepare("INSERT INTO SharedImage (title, image, imageName, imageSize, createdAt) VALUES (?, ?, ?, ?, ?)")
    .run(values.title, values.file, values.fileName, values.fileSize, Date.now());
  return Number(result.lastInsertRowid);
}

export function downloadsOf(id: number): number {
  const row = database().prepare("SELECT downloads FROM CountedDownload WHERE id = ?").get(id) as { downloads: number };
  return row.downloads;
}

export function count(table: "FileSubmission" | "CountedDownload" | "SharedImage" | "DownloadEvent"): number {
  return (database().prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** Removes a fixture row, so no later test sees a record whose file is gone. */
export function deleteRow(table: "FileSubmission" | "CountedDownload" | "SharedImage", id: number): void {
  database().prepare(`DELETE FROM ${table} WHERE id = ?`).run(id);
}

/**
 * Takes SQLite's exclusive lock from this process, as a long migration or a stuck
 * writer would: the server can neither read nor write until `release()`.
 */
export function lockDatabase(): { release(): void } {
  const holder = new Database(databasePath(), { timeout: 10_000 });
  holder.exec("BEGIN EXCLUSIVE");
  return {
    release() {
      holder.exec("ROLLBACK");
      holder.close();
    },
  };
}

/** Runs SQL in the server's database (triggers that inject faults, say). */
export function execute(sql: string): void {
  database().exec(sql);
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
}

/** The audit trail of one record, oldest first. */
export function auditOf(model: string, recordId: number): AuditRow[] {
  return database()
    .prepare(
      "SELECT userId, userEmail, model, field, recordId, method, outcome, reason, status, bytesSent, rangeStart FROM DownloadEvent WHERE model = ? AND recordId = ? ORDER BY id",
    )
    .all(model, String(recordId)) as AuditRow[];
}
