#!/usr/bin/env node
// The `next-private-files` command (package.json `bin`). It runs in a plain Node.js
// process, so it imports only node: modules and its own folder, never the kit or Next.js.
import { parseCommand, UsageError } from "./args.js";
import { HELP } from "./help.js";
import { runInit } from "./init.js";
import { packageVersion } from "./version.js";

/** Runs the CLI on `argv` (without node and the script) and returns the exit status. */
export function main(argv: readonly string[], cwd: string = process.cwd()): number {
  try {
    const command = parseCommand(argv, cwd);
    if (command.kind === "help") {
      process.stdout.write(HELP);
      return 0;
    }
    if (command.kind === "version") {
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    return runInit(command.options, { log: (text) => process.stdout.write(`${text}\n`) });
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`next-private-files: ${error.message}\nRun next-private-files --help for the options.\n`);
      return 2;
    }
    process.stderr.write(`next-private-files: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
