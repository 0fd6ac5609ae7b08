import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "../../..");
export const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);

export { freePort } from "../../support/free-port";

/** Runs a command to completion; throws with its output when it fails. */
export function runOrThrow(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${path.basename(command)} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/**
 * Runs a setup command (build, migrate, seed) to completion without blocking the event
 * loop; throws with its output when it fails. `onChild` sees the child while it runs
 * (and `undefined` once it ended), so a Ctrl-C handler can stop it. runOrThrow blocks:
 * tsx SIGKILLs a script that does not take a Ctrl-C within 60 ms, so a script that must
 * clean up on Ctrl-C (the soak, the bench) uses this instead.
 */
export function runAsync(command: string, args: string[], env: NodeJS.ProcessEnv, onChild: (child: ChildProcess | undefined) => void = () => undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    onChild(child);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      onChild(undefined);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(command)} ${args.join(" ")} failed (${code ?? signal}):\n${output}`));
    });
  });
}

/**
 * Starts `next start` on 127.0.0.1 and waits until it answers. Its output goes to `logFile`.
 * `nodeArgs` (e.g. `--cpu-prof`, which NODE_OPTIONS refuses) run it under `node` with them.
 */
export async function startNext(port: number, env: NodeJS.ProcessEnv, logFile: string, nodeArgs: readonly string[] = [], node = process.execPath): Promise<ChildProcess> {
  const log = fs.openSync(logFile, "a");
  const args = ["start", "-H", "127.0.0.1", "-p", String(port)];
  // `node`: another Node.js binary to serve with (the bench's Node 24 case).
  const [command, argv] =
    nodeArgs.length === 0 && node === process.execPath ? [bin("next"), args] : [node, [...nodeArgs, path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), ...args]];
  const child = spawn(command, argv, {
    cwd: ROOT,
    env,
    stdio: ["ignore", log, log],
  });
  return answering(child, "next start", port, logFile);
}

/**
 * Starts the standalone server of the build (`node .next/standalone/server.js`, the way a
 * Docker image runs it) on 127.0.0.1:`port`, and waits until it answers.
 */
export async function startStandalone(port: number, env: NodeJS.ProcessEnv, logFile: string): Promise<ChildProcess> {
  const log = fs.openSync(logFile, "a");
  const child = spawn(process.execPath, [path.join(ROOT, ".next", "standalone", "server.js")], {
    cwd: path.join(ROOT, ".next", "standalone"),
    env: { ...env, HOSTNAME: "127.0.0.1", PORT: String(port) },
    stdio: ["ignore", log, log],
  });
  return answering(child, "the standalone server", port, logFile);
}

/** Resolves with `child` once it answers on `port`; kills it when it does not within 60 s. */
async function answering(child: ChildProcess, name: string, port: number, logFile: string): Promise<ChildProcess> {
  // Never leave a server behind, even when the test run itself dies.
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  child.once("exit", () => process.off("exit", kill));

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${logFile}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/auth/csrf`);
      if (response.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`${name} did not answer within 60 s; see ${logFile}`);
}

/** Stops a server: SIGTERM, then SIGKILL after 5 s. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** The environment of a test server: its database (a `file:` or `postgresql:` URL), storage root and secrets. */
export function serverEnv(port: number, databaseUrl: string, storageRoot: string): NodeJS.ProcessEnv {
  const postgres = /^postgres(ql)?:/.test(databaseUrl);
  return {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: databaseUrl,
    PRIVATE_FILES_ROOT: storageRoot,
    PRIVATE_FILES_MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
    NEXTAUTH_SECRET: "integration-test-secret",
    PRIVATE_FILES_LINK_SECRET: LINK_SECRET,
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    // Sign-out and staff changes show within this (lib/auth/session-check.ts; default 30 s).
    SESSION_CHECK_TTL_MS: "1000",
    // A test that locks the database sees the server give up after this long.
    SQLITE_BUSY_TIMEOUT_MS: "1500",
    // On PostgreSQL the driver is asynchronous, so the kit's timeout can cut a hung
    // query short: faults.test.ts shows it with a trigger that sleeps. (SQLite keeps
    // the default: its lock waits pause the whole process, no timer can fire.)
    ...(postgres ? { PRIVATE_FILES_TIMEOUT_MS: String(POSTGRES_TIMEOUT_MS), POSTGRES_CONNECT_TIMEOUT_MS: "2000" } : {}),
  };
}

/** PRIVATE_FILES_LINK_SECRET of test servers (a test may restart one with a rotated list). */
export const LINK_SECRET = "integration-link-secret-0123456789abcdef";

/** PRIVATE_FILES_TIMEOUT_MS of a test server on PostgreSQL. */
export const POSTGRES_TIMEOUT_MS = 4000;
