// next-private-files/drizzle: the link store (`links.store`) on a Drizzle table, on
// SQLite or PostgreSQL, and the table itself for each dialect (add it to your schema, or
// create it with the SQL in the package's schema/drizzle/). Loads drizzle-orm (an
// optional peer dependency, needed by this entry only), never a database driver: you
// pass your own `db`.
export { drizzleLinkStore } from "./links/drizzle/drizzle-store.js";
export type { DrizzleLinkStoreOptions, DrizzleSqliteDatabase, DrizzlePgDatabase } from "./links/drizzle/drizzle-store.js";
export { sqliteLinkTable, privateFileLinksSqlite } from "./links/drizzle/sqlite-table.js";
export type { SqliteLinkTable } from "./links/drizzle/sqlite-table.js";
export { pgLinkTable, privateFileLinksPg } from "./links/drizzle/pg-table.js";
export type { PgLinkTable } from "./links/drizzle/pg-table.js";
