// `npx tsx bench/async-context.ts`: does Node 20's AsyncLocalStorage make Prisma dearer
// inside Next? Next runs each request inside several AsyncLocalStorage contexts, and on
// Node 20 every promise created under one pays an async hook. This counts the promises one
// `findUnique` creates, then times it (µs of CPU per awaited call, ROUNDS calls after as
// many to warm up) bare and under ALS (default 8) nested AsyncLocalStorage contexts. The
// answer decides where docs/performance.md puts the floor's limit.
import { AsyncLocalStorage, createHook } from "node:async_hooks";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaClient } from "../lib/db/generated/client";
import { sqliteAdapter } from "../lib/db/sqlite-adapter";

const ROUNDS = Number(process.env.ROUNDS) || 20_000;
const root = path.resolve(__dirname, "..");
/** µs of this process's CPU per awaited call. */
async function cpu(call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < ROUNDS; i++) await call();
  const s = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) await call();
  const u = process.cpuUsage(s);
  return (u.user + u.system) / ROUNDS;
}
async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "als-"));
  const url = `file:${path.join(dir, "b.db")}`;
  const m = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/migrate.ts"], { cwd: root, env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
  if (m.status !== 0) throw new Error(m.stderr);
  const raw = new Database(path.join(dir, "b.db"));
  raw.prepare("INSERT INTO CountedDownload (description, file, fileName, fileSize, downloads, createdAt) VALUES ('b', 'downloadables/x', 'x', 1, 0, 0)").run();
  const prisma = new PrismaClient({ adapter: sqliteAdapter(url, 5000) });
  const find = () => prisma.countedDownload.findUnique({ where: { id: 1 } });
  // Count the promises one call creates, after a first call has warmed the client.
  let n = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === "PROMISE") n++;
    },
  });
  await find();
  hook.enable();
  n = 0;
  for (let i = 0; i < 100; i++) await find();
  hook.disable();
  console.log("promises per findUnique:", n / 100);
  console.log("bare:", (await cpu(find)).toFixed(1));
  const stores = Array.from({ length: Number(process.env.ALS ?? 8) }, () => new AsyncLocalStorage<object>());
  const runAll = (i: number, f: () => Promise<number>): Promise<number> =>
    i === stores.length ? f() : stores[i]!.run({}, () => runAll(i + 1, f));
  console.log(`${stores.length} ALS:`, (await runAll(0, () => cpu(find))).toFixed(1));
  console.log("bare again (the ALS hooks stay installed):", (await cpu(find)).toFixed(1));
  await prisma.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
}
main();
