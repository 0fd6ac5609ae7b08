import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { withStatementCache } from "./statement-cache";

/**
 * Every connection the app opens runs in WAL mode with `synchronous = NORMAL`, the
 * usual settings for SQLite behind a web server:
 * - a commit appends to the write-ahead log without waiting for the disk; the log is
 *   synced at checkpoints. better-sqlite3 is synchronous, so with the default
 *   (`DELETE` journal, `FULL`) every commit's fsyncs paused the whole server, about
 *   1-2 ms per counted download here (bench/results, docs/performance.md).
 * - readers never wait for a writer, so a long write elsewhere (a migration, a
 *   script) no longer stalls downloads; only writes wait for it, up to `timeout`.
 * The cost: after a power loss or an OS crash (not an app crash) the last commits
 * since the last checkpoint may be gone; the database is never left corrupt.
 */
const PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";

type AdapterFactory = Pick<PrismaBetterSqlite3, "provider" | "adapterName" | "connect" | "connectToShadowDb">;
type Connection = Awaited<ReturnType<PrismaBetterSqlite3["connect"]>>;

/**
 * `nativeBinding`: better-sqlite3's compiled addon to load instead of its own build, for
 * a server run by another Node.js than the one npm installed with (its addon is built per
 * Node ABI; the bench runs the same build on Node 24 that way, bench/node24.ts).
 */
export function sqliteAdapter(url: string, timeout: number, nativeBinding?: string): AdapterFactory {
  const factory = new PrismaBetterSqlite3({ url, timeout, ...(nativeBinding ? { nativeBinding } : {}) });
  const tuned = async (connection: Promise<Connection>) => {
    const adapter = await connection;
    await adapter.executeScript(PRAGMAS);
    // SQLITE_STATEMENT_CACHE=off: without the cache; SQLITE_INLINE_PAGE=off: the cache
    // without writing LIMIT and OFFSET into the SQL. Both to measure them (bench/prisma-calls.ts).
    if (process.env.SQLITE_STATEMENT_CACHE !== "off") cacheStatements(adapter, process.env.SQLITE_INLINE_PAGE !== "off");
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => tuned(factory.connect()),
    connectToShadowDb: () => tuned(factory.connectToShadowDb()),
  };
}

/**
 * Gives the adapter's connection a statement cache (./statement-cache.ts). The adapter
 * keeps its better-sqlite3 connection in `client`, a field its types do not declare;
 * a Prisma upgrade that moves it fails here, at the first connection, rather than
 * quietly dropping the cache (tests/unit/statement-cache.test.ts).
 */
function cacheStatements(adapter: Connection, inlinePages: boolean): void {
  const holder = adapter as unknown as { client?: Parameters<typeof withStatementCache>[0] };
  if (typeof holder.client?.prepare !== "function") throw new Error("@prisma/adapter-better-sqlite3 no longer keeps its connection in `client`: update lib/db/sqlite-adapter.ts");
  holder.client = withStatementCache(holder.client, { inlinePages });
}
