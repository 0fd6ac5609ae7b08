import type Database from "better-sqlite3";

/** Statements kept per connection: the app's queries are a few dozen texts; multi-row INSERTs of other sizes come and go. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * The part of a better-sqlite3 connection Prisma's adapter uses: `prepare(sql).bind(args)`,
 * then `run()`, or `columns()` and `raw().all()` (`reader` tells which), and `exec`/`close`.
 */
type Connection = Pick<Database.Database, "prepare" | "exec" | "close">;

export interface StatementCacheOptions {
  /** Statements kept; the least recently used goes first. */
  size?: number;
  /** Write a bound `LIMIT ? OFFSET ?` into the SQL as its integers (`inlinePage`). */
  inlinePages?: boolean;
}

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
export function withStatementCache<C extends Connection>(db: C, { size = STATEMENT_CACHE_SIZE, inlinePages = true }: StatementCacheOptions = {}): C {
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (statement) {
      // Most recently used last, so the first entry is the one to drop.
      statements.delete(sql);
    } else {
      statement = db.prepare(sql);
      if (statements.size >= size) statements.delete(statements.keys().next().value!);
    }
    statements.set(sql, statement);
    return statement;
  };
  // Each text's page shape is worked out once; cheap to redo, so past the size they all go.
  const shapes = new Map<string, PageShape | null>();
  const shapeOf = (sql: string): PageShape | null => {
    let shape = shapes.get(sql);
    if (shape === undefined) {
      if (shapes.size >= size) shapes.clear();
      shapes.set(sql, (shape = pageShape(sql)));
    }
    return shape;
  };
  const prepare = (sql: string) => boundOnCall(sql, prepared, inlinePages ? shapeOf(sql) : null);
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === "prepare") return prepare;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Prisma ends every findUnique, findFirst and paged findMany on SQLite with this. */
const PAGE_SUFFIX = " LIMIT ? OFFSET ?";

/** A statement text that ends in a bound page: the text before it, and its `?` count. */
interface PageShape {
  head: string;
  placeholders: number;
}

function pageShape(sql: string): PageShape | null {
  return sql.endsWith(PAGE_SUFFIX) ? { head: sql.slice(0, -PAGE_SUFFIX.length), placeholders: placeholders(sql) } : null;
}

/**
 * The statement to run for `sql` with `args`, with a bound `LIMIT ? OFFSET ?` written into
 * the SQL as the two integers it binds. A bound LIMIT costs SQLite several times a literal
 * one on every run (a findUnique's read: about 12 against 4 µs bare, and about a third of
 * the whole Prisma call inside it; bench/prisma-calls.ts, docs/performance.md), while the
 * result is the same. Only when the last two placeholders are the suffix's (as many `?`
 * as arguments, so none hides in a string literal) and both values are integers: nothing
 * but digits and a sign reaches the SQL text. Each page size and offset is its own cached
 * statement; the cache's size bounds them.
 */
export function inlinePage(sql: string, args: unknown[]): { sql: string; args: unknown[] } | null {
  const shape = pageShape(sql);
  return shape && pageOf(shape, args);
}

function pageOf({ head, placeholders }: PageShape, args: unknown[]): { sql: string; args: unknown[] } | null {
  if (args.length !== placeholders) return null;
  const limit = args[args.length - 2];
  const offset = args[args.length - 1];
  if (!isInteger(limit) || !isInteger(offset)) return null;
  return { sql: `${head} LIMIT ${String(limit)} OFFSET ${String(offset)}`, args: args.slice(0, -2) };
}

function placeholders(sql: string): number {
  let count = 0;
  for (let at = sql.indexOf("?"); at !== -1; at = sql.indexOf("?", at + 1)) count++;
  return count;
}

function isInteger(value: unknown): value is number | bigint {
  return typeof value === "bigint" || Number.isSafeInteger(value);
}

/**
 * A statement as the adapter uses it: `bind(args)` keeps the arguments for the call that
 * follows (`run()`, or `raw().all()` on a reader) instead of binding the shared statement.
 * SQLite prepares nothing until then, because with a page to write in (`shape`) the text
 * as sent never runs. `prepare` errors surface there, inside the adapter's same `try`.
 */
function boundOnCall(sql: string, prepared: (sql: string) => Database.Statement, shape: PageShape | null) {
  return {
    get reader() {
      return prepared(sql).reader;
    },
    run: (...args: unknown[]) => prepared(sql).run(...args),
    bind: (bound: unknown[]) => {
      const page = shape && pageOf(shape, bound);
      const target = prepared(page ? page.sql : sql);
      const args = page ? page.args : bound;
      return {
        get reader() {
          return target.reader;
        },
        run: () => target.run(...args),
        columns: () => target.columns(),
        raw: () => ({ all: () => target.raw(true).all(...args) }),
      };
    },
  };
}
