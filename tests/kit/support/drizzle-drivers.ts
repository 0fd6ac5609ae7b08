// Drizzle's drivers for the kit's tests. drizzle-orm is a devDependency of the kit only,
// and npm installs it in lib/private-files/node_modules (not hoisted to the root), where
// the kit's src finds it but a test file under tests/ does not: the tests reach it by
// path, here once. The database libraries themselves (better-sqlite3, pg) are the root's.
export { drizzle as drizzleBetterSqlite3 } from "../../../lib/private-files/node_modules/drizzle-orm/better-sqlite3/index.js";
export { drizzle as drizzleNodePostgres } from "../../../lib/private-files/node_modules/drizzle-orm/node-postgres/index.js";
export { getTableConfig as sqliteTableConfig } from "../../../lib/private-files/node_modules/drizzle-orm/sqlite-core/index.js";
export { getTableConfig as pgTableConfig } from "../../../lib/private-files/node_modules/drizzle-orm/pg-core/index.js";
export { eq } from "../../../lib/private-files/node_modules/drizzle-orm/index.js";
