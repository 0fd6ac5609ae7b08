// The links table for PostgreSQL (node-postgres, postgres.js, neon, PGlite): what
// drizzleLinkStore reads and writes. Times are `timestamptz(3)`: milliseconds, as a
// JavaScript Date keeps them, and no time-zone guessing. The same table as SQL:
// schema/drizzle/private-file-links.postgresql.sql.
import { boolean, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

const time = (column: string) => timestamp(column, { withTimezone: true, precision: 3, mode: "date" });

/**
 * Defines the links table for PostgreSQL under the name you give (column names are
 * fixed: they are what `schema/drizzle/private-file-links.postgresql.sql` creates). Export
 * its result from your Drizzle schema so drizzle-kit migrates it, and pass it to
 * {@link drizzleLinkStore}. {@link privateFileLinksPg} is this table named
 * `private_file_links`.
 * @param name - The table's name in the database.
 * @example
 * ```ts
 * // db/schema.ts
 * import { pgLinkTable } from "next-private-files/drizzle";
 *
 * export const fileLinks = pgLinkTable("file_links");
 * ```
 */
export function pgLinkTable(name: string) {
  return pgTable(
    name,
    {
      id: text("id").primaryKey(),
      model: text("model").notNull(),
      field: text("field").notNull(),
      recordId: text("record_id").notNull(),
      singleUse: boolean("single_use").notNull(),
      expiresAt: time("expires_at").notNull(),
      createdAt: time("created_at").notNull(),
      createdBy: text("created_by"),
      usedAt: time("used_at"),
      usedBy: text("used_by"),
      revokedAt: time("revoked_at"),
    },
    (table) => [index(`${name}_record_idx`).on(table.model, table.field, table.recordId), index(`${name}_expires_at_idx`).on(table.expiresAt)],
  );
}

/** The links table for PostgreSQL, as {@link pgLinkTable} defines it. */
export type PgLinkTable = ReturnType<typeof pgLinkTable>;

/**
 * The links table for PostgreSQL, named `private_file_links`: add it to your Drizzle
 * schema (`export { privateFileLinksPg } from "next-private-files/drizzle"`) or create it
 * with the kit's `schema/drizzle/private-file-links.postgresql.sql`.
 * @example
 * ```ts
 * // db/schema.ts: drizzle-kit sees the table beside your own.
 * export { privateFileLinksPg } from "next-private-files/drizzle";
 * ```
 */
export const privateFileLinksPg: PgLinkTable = pgLinkTable("private_file_links");
