import { and, eq, gt, isNull, lt, or, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type { LinkRecord, LinkStore } from "../store.js";
import type { PgLinkTable } from "./pg-table.js";
import type { SqliteLinkTable } from "./sqlite-table.js";

/** A Drizzle database on SQLite: better-sqlite3, libsql, bun:sqlite, D1 (sync or async). */
export type DrizzleSqliteDatabase = BaseSQLiteDatabase<"sync" | "async", unknown, Record<string, unknown>>;
/** A Drizzle database on PostgreSQL: node-postgres, postgres.js, neon, PGlite. */
export type DrizzlePgDatabase = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

/** What {@link drizzleLinkStore} takes: a database and the links table of its dialect. */
export type DrizzleLinkStoreOptions =
  | {
      /** Your Drizzle database (`drizzle(...)` of a SQLite driver). */
      readonly db: DrizzleSqliteDatabase;
      /** The links table: {@link privateFileLinksSqlite} or one from {@link sqliteLinkTable}. */
      readonly table: SqliteLinkTable;
    }
  | {
      /** Your Drizzle database (`drizzle(...)` of a PostgreSQL driver). */
      readonly db: DrizzlePgDatabase;
      /** The links table: {@link privateFileLinksPg} or one from {@link pgLinkTable}. */
      readonly table: PgLinkTable;
    };

// The calls the store makes, which both dialects' query builders have with the same
// shape. Drizzle types each builder by dialect, so one implementation for both is
// written against this and the options are cast to it once, below.
type Columns = SqliteLinkTable["_"]["columns"];
interface Thenable<T> {
  then<R>(onFulfilled: (value: T) => R | PromiseLike<R>, onRejected?: (reason: unknown) => never): PromiseLike<R>;
}
interface LinkQueries {
  insert(table: object): { values(row: LinkRecord): Thenable<unknown> };
  select(columns: Columns): { from(table: object): { where(condition: SQL | undefined): { limit(count: number): Thenable<LinkRecord[]> } } };
  update(table: object): {
    set(values: Partial<Pick<LinkRecord, "usedAt" | "usedBy" | "revokedAt">>): {
      where(condition: SQL | undefined): { returning(columns: { id: Columns["id"] }): Thenable<{ id: string }[]> };
    };
  };
  delete(table: object): { where(condition: SQL | undefined): { returning(columns: { id: Columns["id"] }): Thenable<{ id: string }[]> } };
}

/**
 * A LinkStore on a Drizzle table (`links.store`), on SQLite or PostgreSQL: what
 * single-use links and revocation need. Consuming a single-use link is one conditional
 * `UPDATE … WHERE used_at IS NULL … RETURNING id`, so exactly one of any number of
 * concurrent downloads, on any number of app instances, gets it (PostgreSQL re-checks the
 * WHERE on the row after waiting for a concurrent writer; SQLite writes one at a time).
 * `RETURNING` (SQLite 3.35 or later) gives the rows touched the same way on every driver.
 * The table: {@link privateFileLinksSqlite} or {@link privateFileLinksPg} (or one named
 * by {@link sqliteLinkTable} / {@link pgLinkTable}) in your schema, or the kit's SQL in
 * `schema/drizzle/`.
 * @param options - Your Drizzle database and the links table of its dialect.
 * @example
 * ```ts
 * import Database from "better-sqlite3";
 * import { drizzle } from "drizzle-orm/better-sqlite3";
 * import { drizzleLinkStore, privateFileLinksSqlite } from "next-private-files/drizzle";
 *
 * const db = drizzle(new Database("app.db"), { schema: { privateFileLinksSqlite } });
 * export const linkStore = drizzleLinkStore({ db, table: privateFileLinksSqlite });
 * ```
 */
export function drizzleLinkStore(options: DrizzleLinkStoreOptions): LinkStore {
  const db = options.db as unknown as LinkQueries;
  const table = options.table as SqliteLinkTable;
  const columns: Columns = {
    id: table.id,
    model: table.model,
    field: table.field,
    recordId: table.recordId,
    singleUse: table.singleUse,
    expiresAt: table.expiresAt,
    createdAt: table.createdAt,
    createdBy: table.createdBy,
    usedAt: table.usedAt,
    usedBy: table.usedBy,
    revokedAt: table.revokedAt,
  };
  const touched = async (rows: Thenable<{ id: string }[]>) => (await rows).length;

  return {
    async create(link) {
      await db.insert(table).values({ ...link, usedAt: null, usedBy: null, revokedAt: null });
    },
    async find(id) {
      const [row] = await db.select(columns).from(table).where(eq(table.id, id)).limit(1);
      return row ?? null;
    },
    async consume(id, at, by) {
      const live = and(eq(table.id, id), isNull(table.usedAt), isNull(table.revokedAt), gt(table.expiresAt, at));
      return (await touched(db.update(table).set({ usedAt: at, usedBy: by }).where(live).returning({ id: table.id }))) === 1;
    },
    async release(id, usedAt) {
      await db.update(table).set({ usedAt: null, usedBy: null }).where(and(eq(table.id, id), eq(table.usedAt, usedAt))).returning({ id: table.id });
    },
    async revoke(id, at) {
      return (await touched(db.update(table).set({ revokedAt: at }).where(eq(table.id, id)).returning({ id: table.id }))) === 1;
    },
    async prune({ expiredBefore, usedBefore }) {
      return touched(db.delete(table).where(or(lt(table.expiresAt, expiredBefore), lt(table.usedAt, usedBefore))).returning({ id: table.id }));
    },
  };
}
