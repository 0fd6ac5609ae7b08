// `npx tsx bench/prisma-calls.ts`: what each database call of a counted download costs
// outside Next, in µs of this process's CPU per awaited call, on a migrated temp SQLite
// database: the demo's Prisma client (lib/db/prisma.ts's adapter, WAL) without the
// statement cache (lib/db/statement-cache.ts), with it but the page left bound, and with
// it as the app runs it, against better-sqlite3's own prepared statements. ROUNDS
// (default 20000) calls each, after as many to warm up; the Prisma ways run twice in turn
// and the second pass is reported.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaClient } from "../lib/db/generated/client";
import { sqliteAdapter } from "../lib/db/sqlite-adapter";

const ROUNDS = Number(process.env.ROUNDS) || 20_000;
const root = path.resolve(__dirname, "..");

async function cpuMicrosPerCall(call: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < ROUNDS; i++) await call();
  const start = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) await call();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / ROUNDS;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prisma-calls-"));
  try {
    const url = `file:${path.join(dir, "bench.db")}`;
    const migrated = spawnSync(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/migrate.ts"], { cwd: root, env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
    if (migrated.status !== 0) throw new Error(`migrate failed: ${migrated.stderr}${migrated.stdout}`);
    const raw = new Database(path.join(dir, "bench.db"));
    raw.prepare("INSERT INTO CountedDownload (description, file, fileName, fileSize, downloads, createdAt) VALUES ('bench', 'downloadables/x', 'x', 1, 0, 0)").run();

    const rows: Record<string, Record<string, number>> = {};
    // Each way twice, alternating; the second pass counts (the first warms the JIT for both).
    for (const mode of ["off", "bound", "inline", "off", "bound", "inline"] as const) {
      if (mode === "off") process.env.SQLITE_STATEMENT_CACHE = "off";
      else delete process.env.SQLITE_STATEMENT_CACHE;
      if (mode === "bound") process.env.SQLITE_INLINE_PAGE = "off";
      else delete process.env.SQLITE_INLINE_PAGE;
      const prisma = new PrismaClient({ adapter: sqliteAdapter(url, 5000) });
      const label = { off: "Prisma, no statement cache", bound: "Prisma, statement cache, LIMIT ? OFFSET ? bound", inline: "Prisma, statement cache, page written in (the default)" }[mode];
      rows[label] = {
        "findUnique by id": await cpuMicrosPerCall(() => prisma.countedDownload.findUnique({ where: { id: 1 } })),
        "raw UPDATE (the counter)": await cpuMicrosPerCall(() => prisma.$executeRaw`UPDATE "CountedDownload" SET "downloads" = "downloads" + ${1} WHERE "id" = ${1}`),
        "update with increment (ORM)": await cpuMicrosPerCall(() => prisma.countedDownload.update({ where: { id: 1 }, data: { downloads: { increment: 1 } } })),
      };
      await prisma.$disconnect();
    }
    const find = raw.prepare("SELECT * FROM CountedDownload WHERE id = ?");
    const update = raw.prepare("UPDATE CountedDownload SET downloads = downloads + ? WHERE id = ?");
    rows["better-sqlite3, prepared"] = {
      "findUnique by id": await cpuMicrosPerCall(() => find.get(1)),
      "raw UPDATE (the counter)": await cpuMicrosPerCall(() => update.run(1, 1)),
    };
    // The statement Prisma sends for findUnique, run bare: a bound LIMIT and OFFSET, and
    // the adapter's columns() on every read (docs/performance.md, "Where the floor's time goes").
    const prismaSql = await findUniqueSql(url);
    const prismaFind = raw.prepare(prismaSql);
    const literalFind = raw.prepare(prismaSql.replace("LIMIT ? OFFSET ?", "LIMIT 1 OFFSET 0"));
    rows["better-sqlite3, Prisma's findUnique SQL (LIMIT ? OFFSET ?)"] = { "findUnique by id": await cpuMicrosPerCall(() => prismaFind.raw(true).all(1, 1n, 0n)) };
    rows["better-sqlite3, the same with LIMIT 1 OFFSET 0 inline"] = { "findUnique by id": await cpuMicrosPerCall(() => literalFind.raw(true).all(1)) };
    rows["better-sqlite3, columns() of that statement"] = { "findUnique by id": await cpuMicrosPerCall(() => prismaFind.columns()) };
    raw.close();

    const columns = ["findUnique by id", "raw UPDATE (the counter)", "update with increment (ORM)"];
    console.log(`| ${ROUNDS} calls each, µs of CPU per call | ${columns.join(" | ")} |`);
    console.log(`|---|${columns.map(() => "---:").join("|")}|`);
    for (const [label, cells] of Object.entries(rows)) console.log(`| ${label} | ${columns.map((c) => (cells[c] === undefined ? "" : cells[c].toFixed(1))).join(" | ")} |`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The SQL text the demo's client sends for `countedDownload.findUnique` (taken, not copied,
 * so a Prisma upgrade keeps these rows honest), without the statement cache, which would
 * prepare it with the page written in.
 */
async function findUniqueSql(url: string): Promise<string> {
  process.env.SQLITE_STATEMENT_CACHE = "off";
  const prepare = Database.prototype.prepare;
  const seen: string[] = [];
  Database.prototype.prepare = function (this: Database.Database, sql: string) {
    seen.push(sql);
    return prepare.call(this, sql);
  } as typeof prepare;
  const prisma = new PrismaClient({ adapter: sqliteAdapter(url, 5000) });
  try {
    await prisma.$connect();
    seen.length = 0;
    await prisma.countedDownload.findUnique({ where: { id: 1 } });
  } finally {
    Database.prototype.prepare = prepare;
    delete process.env.SQLITE_STATEMENT_CACHE;
    await prisma.$disconnect();
  }
  const sql = seen.find((text) => /^SELECT .*CountedDownload.* LIMIT \? OFFSET \?$/s.test(text));
  if (!sql) throw new Error(`findUnique no longer sends SELECT ... LIMIT ? OFFSET ?: ${JSON.stringify(seen)}`);
  return sql;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
