// Run in a fresh Node process by load-probe.ts: imports one entry of the built package by
// its name (so through the exports map, as an app would) and prints, as one JSON line,
// what that import changed in the process.
//   node --import ./register-resolve-log.mjs probe-entry.mjs <specifier> <mode>
// mode "load":  the builtins and CommonJS files loaded by the import (the ES imports are
//               in the resolve log). `node:http` is not touched before the import.
// mode "patch": which properties of node:http's prototypes and of globalThis the import
//               changed; then, with "patch-call", the same after calling the entry's
//               restoreContentLength() and stampClientAddress().
// Nothing here is imported statically but builtins, so the resolve log after the
// "probe:start" marker is the entry's own.
import { appendFileSync } from "node:fs";
import { createRequire } from "node:module";

const [specifier, mode] = process.argv.slice(2);
const require = createRequire(import.meta.url);

/** Every own property (symbols included) of each watched object, by value. */
function snapshot(targets) {
  const shot = new Map();
  for (const [name, target] of Object.entries(targets)) {
    for (const key of Reflect.ownKeys(target)) {
      const descriptor = Object.getOwnPropertyDescriptor(target, key);
      shot.set(`${name}.${String(key)}`, descriptor.get ?? descriptor.set ?? descriptor.value);
    }
  }
  return shot;
}

function changed(before, after) {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((key) => !before.has(key) || !after.has(key) || !Object.is(before.get(key), after.get(key))).sort();
}

function builtins() {
  return process.moduleLoadList.filter((entry) => entry.startsWith("NativeModule ")).map((entry) => entry.slice("NativeModule ".length));
}

appendFileSync(process.env.KIT_RESOLVE_LOG, `${JSON.stringify({ marker: "probe:start" })}\n`);

if (mode === "load") {
  const builtinsBefore = new Set(builtins());
  const cjsBefore = new Set(Object.keys(require.cache));
  await import(specifier);
  const result = {
    builtins: builtins().filter((name) => !builtinsBefore.has(name)),
    commonjs: Object.keys(require.cache).filter((file) => !cjsBefore.has(file)),
  };
  console.log(JSON.stringify(result));
} else if (mode === "patch" || mode === "patch-call") {
  const http = await import("node:http");
  const targets = {
    "ServerResponse.prototype": http.ServerResponse.prototype,
    "OutgoingMessage.prototype": http.OutgoingMessage.prototype,
    "IncomingMessage.prototype": http.IncomingMessage.prototype,
    "Server.prototype": http.Server.prototype,
    globalThis,
  };
  const originals = {
    writeHead: http.ServerResponse.prototype.writeHead,
    emit: http.Server.prototype.emit,
  };
  const before = snapshot(targets);
  const entry = await import(specifier);
  const result = {
    exports: Object.keys(entry).sort(),
    changedOnImport: changed(before, snapshot(targets)),
    writeHeadIsOriginal: http.ServerResponse.prototype.writeHead === originals.writeHead,
    emitIsOriginal: http.Server.prototype.emit === originals.emit,
  };
  if (mode === "patch-call") {
    entry.restoreContentLength();
    entry.stampClientAddress();
    result.changedOnCall = changed(before, snapshot(targets));
    result.writeHeadIsOriginalAfterCall = http.ServerResponse.prototype.writeHead === originals.writeHead;
    result.emitIsOriginalAfterCall = http.Server.prototype.emit === originals.emit;
  }
  console.log(JSON.stringify(result));
} else {
  throw new Error(`probe-entry.mjs: unknown mode ${mode}`);
}
