import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { PrismaClient } from "@/lib/db/generated/client";
import { sqliteAdapter } from "@/lib/db/sqlite-adapter";
import { inlinePage, withStatementCache } from "@/lib/db/statement-cache";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "statement-cache-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** A Prisma client of the demo's schema on a fresh SQLite file with the one table the tests use. */
async function clientWithTable(): Promise<PrismaClient> {
  const url = `file:${path.join(dir, `${Math.random().toString(36).slice(2)}.db`)}`;
  const prisma = new PrismaClient({ adapter: sqliteAdapter(url, 1000) });
  await prisma.$executeRawUnsafe(
    `CREATE TABLE "CountedDownload" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "description" TEXT NOT NULL UNIQUE, "file" TEXT NOT NULL, "fileName" TEXT NOT NULL, "fileSize" INTEGER NOT NULL, "downloads" INTEGER NOT NULL DEFAULT 0, "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP)`,
  );
  return prisma;
}

describe("the demo's SQLite statement cache (lib/db/statement-cache.ts)", () => {
  it("prepares each query once through Prisma's adapter, however often it runs, with each call's own arguments", async () => {
    const prisma = await clientWithTable();
    try {
      for (let i = 1; i <= 3; i++) {
        await prisma.countedDownload.create({ data: { description: `file ${i}`, file: `f/${i}`, fileName: `${i}.txt`, fileSize: i } });
      }
      const prepare = vi.spyOn(Database.prototype, "prepare");
      const names: string[] = [];
      for (let round = 0; round < 20; round++) {
        for (let id = 1; id <= 3; id++) names.push((await prisma.countedDownload.findUnique({ where: { id } }))!.fileName);
        await prisma.$executeRaw`UPDATE "CountedDownload" SET "downloads" = "downloads" + ${1} WHERE "id" = ${2}`;
      }
      // Without the cache the adapter prepares on every query: 80 here. With it: the
      // findUnique with its page written in (inlinePage), and the UPDATE.
      expect(prepare.mock.calls.length).toBeLessThanOrEqual(2);
      expect(names.slice(0, 3)).toEqual(["1.txt", "2.txt", "3.txt"]);
      expect(names.slice(-3)).toEqual(["1.txt", "2.txt", "3.txt"]);
      expect((await prisma.countedDownload.findUnique({ where: { id: 2 } }))!.downloads).toBe(20);
      expect(await prisma.countedDownload.findUnique({ where: { id: 99 } })).toBeNull();
    } finally {
      await prisma.$disconnect();
    }
  });

  it("keeps transactions working: a rolled-back write is gone, a committed one stays", async () => {
    const prisma = await clientWithTable();
    try {
      await prisma.$transaction([prisma.countedDownload.create({ data: { description: "kept", file: "f/k", fileName: "k", fileSize: 1 } })]);
      await expect(
        prisma.$transaction(async (tx) => {
          await tx.countedDownload.create({ data: { description: "dropped", file: "f/d", fileName: "d", fileSize: 1 } });
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect((await prisma.countedDownload.findMany()).map((r) => r.description)).toEqual(["kept"]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("drops the least recently used statement past its size, and prepares it again when it comes back", () => {
    const db = new Database(":memory:");
    const prepare = vi.spyOn(db, "prepare");
    const cached = withStatementCache(db, { size: 2 });
    const value = (n: number) => (cached.prepare(`SELECT ${n} AS n`).bind([]).raw().all() as unknown[][])[0]![0];
    expect([value(1), value(2), value(1), value(3), value(1), value(2)]).toEqual([1, 2, 1, 3, 1, 2]);
    // 1, 2, (1 cached), 3 drops 2, (1 cached), 2 again.
    expect(prepare.mock.calls.map(([sql]) => sql)).toEqual(["SELECT 1 AS n", "SELECT 2 AS n", "SELECT 3 AS n", "SELECT 2 AS n"]);
    db.close();
  });

  it("runs a statement that returns no rows with its arguments", () => {
    const db = withStatementCache(new Database(":memory:"));
    db.exec("CREATE TABLE t (n INTEGER)");
    const insert = db.prepare("INSERT INTO t (n) VALUES (?)");
    expect(insert.reader).toBe(false);
    for (const n of [4, 5]) expect(db.prepare("INSERT INTO t (n) VALUES (?)").bind([n]).run().changes).toBe(1);
    expect(db.prepare("SELECT n FROM t ORDER BY n").bind([]).raw().all()).toEqual([[4], [5]]);
    db.close();
  });

  it("writes a bound LIMIT ? OFFSET ? into the SQL as its integers, and only then", () => {
    const sql = "SELECT a FROM t WHERE id = ? LIMIT ? OFFSET ?";
    expect(inlinePage(sql, [7, 1n, 0n])).toEqual({ sql: "SELECT a FROM t WHERE id = ? LIMIT 1 OFFSET 0", args: [7] });
    expect(inlinePage(sql, [7, 20, 40])).toEqual({ sql: "SELECT a FROM t WHERE id = ? LIMIT 20 OFFSET 40", args: [7] });
    expect(inlinePage(sql, [7, -1n, 5n])).toEqual({ sql: "SELECT a FROM t WHERE id = ? LIMIT -1 OFFSET 5", args: [7] });
    // Not integers: left bound, so nothing but digits ever reaches the SQL text.
    expect(inlinePage(sql, [7, "1; DROP TABLE t", 0n])).toBeNull();
    expect(inlinePage(sql, [7, 1.5, 0])).toBeNull();
    // A `?` in a string literal: the placeholders are not the arguments one for one.
    expect(inlinePage("SELECT '?' FROM t WHERE id = ? LIMIT ? OFFSET ?", [7, 1n, 0n])).toBeNull();
    expect(inlinePage("SELECT a FROM t WHERE id = ?", [7])).toBeNull();
  });

  it("runs Prisma's findUnique and paged findMany with the page written into the SQL, with the same rows", async () => {
    const prisma = await clientWithTable();
    try {
      for (let i = 1; i <= 5; i++) await prisma.countedDownload.create({ data: { description: `file ${i}`, file: `f/${i}`, fileName: `${i}.txt`, fileSize: i } });
      const prepare = vi.spyOn(Database.prototype, "prepare");
      expect((await prisma.countedDownload.findUnique({ where: { id: 3 } }))!.fileName).toBe("3.txt");
      const page = await prisma.countedDownload.findMany({ orderBy: { id: "asc" }, take: 2, skip: 1 });
      expect(page.map((r) => r.fileName)).toEqual(["2.txt", "3.txt"]);
      const sent = prepare.mock.calls.map(([sql]) => sql);
      expect(sent.some((sql) => sql.endsWith(" LIMIT 1 OFFSET 0"))).toBe(true);
      expect(sent.some((sql) => sql.endsWith(" LIMIT 2 OFFSET 1"))).toBe(true);
      // The text as Prisma sent it never runs, so it is never prepared.
      expect(sent.filter((sql) => sql.endsWith(" LIMIT ? OFFSET ?"))).toEqual([]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("reports SQL that does not prepare as Prisma's error, although it now prepares at bind", async () => {
    const prisma = await clientWithTable();
    try {
      await expect(prisma.$queryRawUnsafe("SELECT nope FROM missing LIMIT ? OFFSET ?", 1, 0)).rejects.toThrow(/no such table: missing/);
      expect(await prisma.$queryRawUnsafe("SELECT 1 AS n")).toEqual([{ n: 1n }]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("keeps the page bound with inlinePages off", () => {
    const db = new Database(":memory:");
    const prepare = vi.spyOn(db, "prepare");
    const cached = withStatementCache(db, { size: 8, inlinePages: false });
    expect(cached.prepare("SELECT 1 AS n LIMIT ? OFFSET ?").bind([1n, 0n]).raw().all()).toEqual([[1]]);
    expect(prepare.mock.calls.map(([sql]) => sql)).toEqual(["SELECT 1 AS n LIMIT ? OFFSET ?"]);
    db.close();
  });
});
