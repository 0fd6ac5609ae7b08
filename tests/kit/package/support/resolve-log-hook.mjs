// A module-resolution hook (module.register(), Node 20.6+) that appends every import
// the ES module loader resolves to a log file, one JSON line each: the specifier as
// written, the module that wrote it, and what it resolved to. It runs on the loader's own
// thread, hence the file and not a message to the main thread.
import { appendFileSync } from "node:fs";

let logFile = "";

export function initialize(data) {
  logFile = data.logFile;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(logFile, `${JSON.stringify({ specifier, parent: context.parentURL ?? null, url: resolved.url })}\n`);
  return resolved;
}
