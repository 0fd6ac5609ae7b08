import { spawn } from "node:child_process";
import fs from "node:fs";

/** Environment variables for a child process (NODE_ENV optional, unlike Next's ProcessEnv). */
export type Env = Record<string, string | undefined>;

// Runs the consumer app's commands (npm, prisma, next) as a user's shell would, with the
// environment the test chose, and keeps their output for the error message.

export interface RunOptions {
  cwd: string;
  env: Env;
  /** Appended to this file, so a failure can show what happened. */
  log: string;
  timeoutMs: number;
}

/** Runs `command args`; resolves with its output, rejects with the output's tail when it fails. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    fs.appendFileSync(options.log, `\n$ ${command} ${args.join(" ")}\n`);
    const child = spawn(command, args, { cwd: options.cwd, env: options.env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
      fs.appendFileSync(options.log, chunk);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${output.slice(-4000)}`));
    });
  });
}

/**
 * The environment the consumer app's tools get: this machine's, minus what the test
 * runner and an outer `npm test` put there (NODE_ENV=test, NODE_OPTIONS, npm_config_*,
 * which would steer the inner npm), with `binDir` first on PATH.
 */
export function cleanEnv(binDir: string, extra: Env = {}): Env {
  const env: Env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|NODE_ENV$|NODE_OPTIONS$|INIT_CWD$|TEST$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, PATH: `${binDir}:${process.env.PATH ?? ""}`, NEXT_TELEMETRY_DISABLED: "1", CHECKPOINT_DISABLE: "1", ...extra };
}

/** Times each phase and prints the table at the end (CI keeps it in its log). */
export class PhaseTimer {
  readonly #phases: Array<{ name: string; ms: number }> = [];

  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.#phases.push({ name, ms: performance.now() - start });
    }
  }

  /** A phase timed elsewhere (the tests themselves, between the hooks). */
  record(name: string, ms: number): void {
    this.#phases.push({ name, ms });
  }

  report(): string {
    const total = this.#phases.reduce((sum, phase) => sum + phase.ms, 0);
    const lines = this.#phases.map(({ name, ms }) => `  ${name.padEnd(30)} ${(ms / 1000).toFixed(1).padStart(7)} s`);
    return ["consumer test phases:", ...lines, `  ${"total".padEnd(30)} ${(total / 1000).toFixed(1).padStart(7)} s`].join("\n");
  }
}
