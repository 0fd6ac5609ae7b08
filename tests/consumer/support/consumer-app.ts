// One consumer app under test: a fixture folder of tests/consumer copied outside the
// repository, the kit installed into it from the tarball the project's global setup
// packed, better-sqlite3's Node-24 addon put in place, then built and served by the test
// file with the helpers below. Outside the repository, so that Node's module resolution
// can never climb up to the workspace's node_modules (where next-private-files is a
// symlink to lib/private-files).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import type { NodeDist } from "./node24";
import { cleanEnv, PhaseTimer, run, type Env } from "./run";
import { freePort, startNext, stopNext, type RunningServer } from "./server";

const consumerDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repo = path.resolve(consumerDir, "../..");

export interface ConsumerApp {
  /** The fixture's folder name under tests/consumer. */
  readonly fixture: string;
  /** The installed app (the copy). */
  readonly dir: string;
  /** A temporary folder around it, for the app's data; removed by `removeConsumerApp`. */
  readonly work: string;
  readonly node: NodeDist;
  /** Node 24 first on PATH, none of the test runner's variables. */
  readonly env: Env;
  /** Everything the app's commands printed (tests/.tmp/consumer-<fixture>.log, git-ignored). */
  readonly log: string;
  readonly timer: PhaseTimer;
  /** The kit's version installed. */
  readonly kitVersion: string;
  /** `node_modules/.bin/<name>` of the app. */
  bin(name: string): string;
  /** Runs a command in the app's folder with its env (plus `env`), timed as `phase` when given. */
  run(command: string, args: readonly string[], options?: { env?: Env; timeoutMs?: number; phase?: string }): Promise<string>;
}

/** The fixture's own files: none of a previous local run's output. */
function copyFixture(from: string, to: string): void {
  const skip = new Set(["node_modules", ".next", "next-env.d.ts", "generated"]);
  fs.cpSync(from, to, { recursive: true, filter: (source) => !skip.has(path.basename(source)) && !source.endsWith(".tsbuildinfo") });
}

/** Copies `tests/consumer/<fixture>` out, installs its dependencies and the packed kit. */
export async function installConsumerApp(fixture: string, options: { env?: Env } = {}): Promise<ConsumerApp> {
  const kit = inject("consumerKit");
  const source = path.join(consumerDir, fixture);
  if (!fs.existsSync(path.join(source, "package.json"))) throw new Error(`no consumer fixture ${source}`);
  const log = path.join(repo, "tests", ".tmp", `consumer-${fixture}.log`);
  fs.mkdirSync(path.dirname(log), { recursive: true });
  fs.writeFileSync(log, `consumer app ${fixture} ${new Date().toISOString()}\n`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `npf-${fixture}-`));
  const dir = path.join(work, fixture);
  const env = cleanEnv(kit.node.bin, options.env);
  const timer = new PhaseTimer();
  const app: ConsumerApp = {
    fixture,
    dir,
    work,
    node: kit.node,
    env,
    log,
    timer,
    kitVersion: kit.version,
    bin: (name) => path.join(dir, "node_modules", ".bin", name),
    run(command, args, runOptions = {}) {
      const go = () => run(command, args, { cwd: dir, env: { ...env, ...runOptions.env }, log, timeoutMs: runOptions.timeoutMs ?? 600_000 });
      return runOptions.phase ? timer.time(runOptions.phase, go) : go();
    },
  };
  try {
    copyFixture(source, dir);
    // Scripts off: the one native module comes from the setup's build below.
    await app.run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", kit.tarball], { phase: "npm install" });
    placeSqliteAddon(app, kit.sqliteAddon);
  } catch (error) {
    fs.rmSync(work, { recursive: true, force: true });
    throw error;
  }
  return app;
}

/** better-sqlite3 compiled once for Node 24 by the setup, copied where its loader looks. */
function placeSqliteAddon(app: ConsumerApp, addon: { file: string; version: string }): void {
  const moduleDir = path.join(app.dir, "node_modules", "better-sqlite3");
  if (!fs.existsSync(moduleDir)) return; // an app without SQLite
  const installed = (JSON.parse(fs.readFileSync(path.join(moduleDir, "package.json"), "utf8")) as { version: string }).version;
  if (installed !== addon.version) {
    throw new Error(`${app.fixture} installed better-sqlite3 ${installed}, the shared Node-24 build is ${addon.version}: pin ${addon.version} (and an "overrides" line) in its package.json`);
  }
  const release = path.join(moduleDir, "build", "Release");
  fs.mkdirSync(release, { recursive: true });
  fs.copyFileSync(addon.file, path.join(release, "better_sqlite3.node"));
}

/**
 * `next start` of the built app on Node 24, on 127.0.0.1 and a free port. `env` may be a
 * function of the server's base URL, for settings that name it (NEXTAUTH_URL, AUTH_URL).
 */
export async function startConsumerApp(app: ConsumerApp, env: Env | ((base: string) => Env) = {}): Promise<RunningServer> {
  const port = await freePort();
  const own = typeof env === "function" ? env(`http://127.0.0.1:${port}`) : env;
  return app.timer.time("next start", () =>
    startNext({
      node: app.node.node,
      nextBin: path.join(app.dir, "node_modules", "next", "dist", "bin", "next"),
      cwd: app.dir,
      env: { ...app.env, NODE_ENV: "production", ...own },
      log: app.log,
      port,
    }),
  );
}

/** Stops the server (when there is one), removes the app's folder, prints its phases. */
export async function removeConsumerApp(app: ConsumerApp | undefined, server?: RunningServer): Promise<void> {
  try {
    if (server) await stopNext(server);
  } finally {
    if (app) {
      fs.rmSync(app.work, { recursive: true, force: true });
      console.log(app.timer.report().replace("consumer test phases:", `consumer app ${app.fixture}:`));
    }
  }
}
