import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

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

type AdapterFactory = Pick<PrismaBetterSQLite3, "provider" | "adapterName" | "connect" | "connectToShadowDb">;
type Connection = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;

export function sqliteAdapter(url: string, timeout: number): AdapterFactory {
  const factory = new PrismaBetterSQLite3({ url, timeout });
  const tuned = async (connection: Promise<Connection>) => {
    const adapter = await connection;
    await adapter.executeScript(PRAGMAS);
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => tuned(factory.connect()),
    connectToShadowDb: () => tuned(factory.connectToShadowDb()),
  };
}
