// The consumer project's one-time work, shared by every consumer app's test file: the
// kit packed once (`npm pack`, which builds dist), Node 24 from the npm registry, and
// better-sqlite3 compiled once against Node 24's headers (no prebuilt binary can be
// downloaded here; compiling it per app would cost a minute and a half each). Each test
// file installs its own fixture app from this tarball (support/consumer-app.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { node24, type NodeDist } from "./support/node24";
import { cleanEnv, PhaseTimer, run } from "./support/run";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const kitDir = path.join(repo, "lib", "private-files");

/** What every consumer test file gets from the setup (`inject("consumerKit")`). */
export interface ConsumerKit {
  /** The packed kit, `next-private-files-<version>.tgz`. */
  tarball: string;
  /** The kit's version, as the tarball's package.json says. */
  version: string;
  node: NodeDist;
  /** better-sqlite3's compiled addon for Node 24, and the version it was built from. */
  sqliteAddon: { file: string; version: string };
  /** Where the setup's own output went. */
  log: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    consumerKit: ConsumerKit;
  }
}

/** The better-sqlite3 version every fixture pins (they must agree: one addon serves all). */
function pinnedSqliteVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(repo, "tests", "consumer", "team-files", "package.json"), "utf8")) as { dependencies: Record<string, string> };
  const version = manifest.dependencies["better-sqlite3"];
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`team-files must pin better-sqlite3 exactly, has ${version}`);
  return version;
}

export default async function setup(project: TestProject): Promise<() => void> {
  const log = path.join(repo, "tests", ".tmp", "consumer-setup.log");
  fs.mkdirSync(path.dirname(log), { recursive: true });
  fs.writeFileSync(log, `consumer setup ${new Date().toISOString()}\n`);
  const shared = fs.mkdtempSync(path.join(os.tmpdir(), "npf-consumer-kit-"));
  const timer = new PhaseTimer();
  try {
    const node = await timer.time("fetch Node 24", () => node24(log));
    const version = (JSON.parse(fs.readFileSync(path.join(kitDir, "package.json"), "utf8")) as { version: string }).version;
    const packDir = path.join(shared, "pack");
    fs.mkdirSync(packDir);
    await timer.time("npm pack (kit build)", () =>
      run("npm", ["pack", "--pack-destination", packDir, "--silent"], { cwd: kitDir, env: cleanEnv(path.dirname(process.execPath)), log, timeoutMs: 300_000 }),
    );
    const tarball = path.join(packDir, `next-private-files-${version}.tgz`);
    if (!fs.existsSync(tarball)) throw new Error(`npm pack made no ${tarball}`);

    const sqliteVersion = pinnedSqliteVersion();
    const addonDir = path.join(shared, "better-sqlite3");
    fs.mkdirSync(addonDir);
    fs.writeFileSync(path.join(addonDir, "package.json"), JSON.stringify({ name: "addon-build", private: true, dependencies: { "better-sqlite3": sqliteVersion } }));
    const env = cleanEnv(node.bin);
    await timer.time("better-sqlite3 for Node 24", async () => {
      await run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: addonDir, env, log, timeoutMs: 300_000 });
      await run("npm", ["rebuild", "better-sqlite3", "--build-from-source", `--nodedir=${node.dir}`], { cwd: addonDir, env: { ...env, JOBS: "2" }, log, timeoutMs: 900_000 });
    });
    const file = path.join(addonDir, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node");
    if (!fs.existsSync(file)) throw new Error(`the better-sqlite3 build left no ${file}`);

    project.provide("consumerKit", { tarball, version, node, sqliteAddon: { file, version: sqliteVersion }, log });
  } catch (error) {
    fs.rmSync(shared, { recursive: true, force: true });
    throw error;
  } finally {
    console.log(timer.report().replace("consumer test phases:", "consumer setup phases:"));
  }
  return () => fs.rmSync(shared, { recursive: true, force: true });
}
