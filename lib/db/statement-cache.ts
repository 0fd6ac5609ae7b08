import type Database from "better-sqlite3";

/** Statements kept per connection: the app's queries are a few dozen texts; multi-row INSERTs of other sizes come and go. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * The part of a better-sqlite3 connection Prisma's adapter uses: `prepare(sql).bind(args)`,
 * then `run()`, or `columns()` and `raw().all()` (`reader` tells which), and `exec`/`close`.
 */
type Connection = Pick<Database.Database, "prepare" | "exec" | "close">;

/**
 * Prisma's better-sqlite3 adapter (6.19 and 7.x) calls `db.prepare(sql)` for every query
 * and binds it, so SQLite parses and plans the same few statements on every download:
 * about an eighth of an ORM call here (docs/performance.md). This connection hands the
 * adapter statements from a cache instead. better-sqlite3 binds a statement once for
 * good, so the adapter gets a thin statement that passes its arguments to each call
 * rather than binding the cached one. Safe because better-sqlite3 runs a statement to
 * the end synchronously (the adapter never iterates), and SQLite re-prepares a cached
 * statement itself when the schema changes under it.
 */
export function withStatementCache<C extends Connection>(db: C, size = STATEMENT_CACHE_SIZE): C {
  const cache = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let statement = cache.get(sql);
    if (statement) {
      // Most recently used last, so the first entry is the one to drop.
      cache.delete(sql);
    } else {
      statement = db.prepare(sql);
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, statement);
    return statement;
  };
  const prepare = (sql: string) => boundOnCall(prepared(sql));
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === "prepare") return prepare;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * A statement as the adapter uses it: `bind(args)` keeps the arguments for the call that
 * follows (`run()`, or `raw().all()` on a reader) instead of binding the shared statement.
 */
function boundOnCall(statement: Database.Statement) {
  return {
    get reader() {
      return statement.reader;
    },
    run: (...args: unknown[]) => statement.run(...args),
    bind: (args: unknown[]) => ({
      get reader() {
        return statement.reader;
      },
      run: () => statement.run(...args),
      columns: () => statement.columns(),
      raw: () => ({ all: () => statement.raw(true).all(...args) }),
    }),
  };
}
