// The links table for SQLite (better-sqlite3, libsql, bun:sqlite, D1): what
// drizzleLinkStore reads and writes. Times are integer milliseconds since the epoch
// (`timestamp_ms`), so comparisons in SQL are exact and need no date parsing. The same
// table as SQL: schema/drizzle/private-file-links.sqlite.sql.
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Defines the links table for SQLite under the name you give (column names are fixed:
 * they are what `schema/drizzle/private-file-links.sqlite.sql` creates). Export its
 * result from your Drizzle schema so drizzle-kit migrates it, and pass it to
 * {@link drizzleLinkStore}. {@link privateFileLinksSqlite} is this table named
 * `private_file_links`.
 * @param name - The table's name in the database.
 * @example
 * ```ts
 * // db/schema.ts
 * import { sqliteLinkTable } from "next-private-files/drizzle";
 *
 * export const fileLinks = sqliteLinkTable("file_links");
 * ```
 */
export function sqliteLinkTable(name: string) {
  return sqliteTable(
    name,
    {
      id: text("id").primaryKey(),
      model: text("model").notNull(),
      field: text("field").notNull(),
      recordId: text("record_id").notNull(),
      singleUse: integer("single_use", { mode: "boolean" }).notNull(),
      expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
      createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
      createdBy: text("created_by"),
      usedAt: integer("used_at", { mode: "timestamp_ms" }),
      usedBy: text("used_by"),
      revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    },
    (table) => [index(`${name}_record_idx`).on(table.model, table.field, table.recordId), index(`${name}_expires_at_idx`).on(table.expiresAt)],
  );
}

/** The links table for SQLite, as {@link sqliteLinkTable} defines it. */
export type SqliteLinkTable = ReturnType<typeof sqliteLinkTable>;

/**
 * The links table for SQLite, named `private_file_links`: add it to your Drizzle schema
 * (`export { privateFileLinksSqlite } from "next-private-files/drizzle"`) or create it with
 * the kit's `schema/drizzle/private-file-links.sqlite.sql`.
 * @example
 * ```ts
 * // db/schema.ts: drizzle-kit sees the table beside your own.
 * export { privateFileLinksSqlite } from "next-private-files/drizzle";
 * ```
 */
export const privateFileLinksSqlite: SqliteLinkTable = sqliteLinkTable("private_file_links");
