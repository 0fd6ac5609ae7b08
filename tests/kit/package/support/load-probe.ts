import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

/** One import the ES module loader resolved (resolve-log-hook.mjs). */
export interface ResolvedImport {
  specifier: string;
  parent: string | null;
  url: string;
}

/** What importing one entry of the built package loaded, in a fresh Node process. */
export interface LoadReport {
  /** Every ES import resolved from the entry down (the probe's own are left out). */
  imports: ResolvedImport[];
  /** Builtins loaded by the import, as Node names them (`http`, `internal/…`). */
  builtins: string[];
  /** CommonJS files loaded by the import (the ES loader's hook does not see `require`). */
  commonjs: string[];
}

export interface PatchReport {
  exports: string[];
  /** `ServerResponse.prototype.writeHead`-style names of the properties the import changed. */
  changedOnImport: string[];
  writeHeadIsOriginal: boolean;
  emitIsOriginal: boolean;
  changedOnCall?: string[];
  writeHeadIsOriginalAfterCall?: boolean;
  emitIsOriginalAfterCall?: boolean;
}

async function probe(specifier: string, mode: "load" | "patch" | "patch-call"): Promise<{ stdout: string; log: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-probe-"));
  const logFile = path.join(dir, "resolve.log");
  fs.writeFileSync(logFile, "");
  try {
    // From this folder, the package name resolves through node_modules/next-private-files
    // (the workspace link to lib/private-files) and its exports map: dist/, as an app sees it.
    const { stdout } = await run(
      process.execPath,
      ["--import", path.join(here, "register-resolve-log.mjs"), path.join(here, "probe-entry.mjs"), specifier, mode],
      { cwd: here, env: { ...process.env, KIT_RESOLVE_LOG: logFile, NODE_OPTIONS: "" }, timeout: 60_000 },
    );
    return { stdout, log: fs.readFileSync(logFile, "utf8") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Imports `specifier` in a fresh Node process and reports every module that came with it. */
export async function loadReport(specifier: string): Promise<LoadReport> {
  const { stdout, log } = await probe(specifier, "load");
  const lines = log.trim().split("\n").map((line) => JSON.parse(line) as ResolvedImport | { marker: string });
  const start = lines.findIndex((line) => "marker" in line);
  if (start < 0) throw new Error("the probe never started: no marker in the resolve log");
  const imports = lines.slice(start + 1) as ResolvedImport[];
  if (imports.length === 0) throw new Error(`the resolve hook logged nothing for ${specifier}: is module.register() working?`);
  return { imports, ...(JSON.parse(stdout) as Omit<LoadReport, "imports">) };
}

/** Imports `specifier` in a fresh Node process and reports what it changed in node:http and globalThis. */
export async function patchReport(specifier: string, callShims = false): Promise<PatchReport> {
  const { stdout } = await probe(specifier, callShims ? "patch-call" : "patch");
  return JSON.parse(stdout) as PatchReport;
}

/** The packages (`next-auth`, `@aws-sdk/client-s3`) and builtins (`node:http`) a report shows loaded. */
export function loadedPackages(report: LoadReport): Set<string> {
  const names = new Set<string>();
  const packageOf = (file: string): string | undefined => {
    const marker = `${path.sep}node_modules${path.sep}`;
    const at = file.lastIndexOf(marker);
    if (at < 0) return undefined;
    const [scope, name] = file.slice(at + marker.length).split(path.sep);
    return scope?.startsWith("@") ? `${scope}/${name}` : scope;
  };
  for (const { specifier, url } of report.imports) {
    if (url.startsWith("node:")) names.add(url);
    else if (url.startsWith("file:")) {
      const name = packageOf(fileURLToPath(url));
      if (name) names.add(name);
    }
    // A bare specifier names its package even when it resolves elsewhere (a workspace link).
    const bare = /^(?:@[^/]+\/)?[^./][^/]*/.exec(specifier)?.[0];
    if (bare && !specifier.startsWith("node:") && !url.startsWith("node:")) names.add(bare);
  }
  for (const file of report.commonjs) {
    const name = packageOf(file);
    if (name) names.add(name);
  }
  for (const builtin of report.builtins) if (!builtin.startsWith("internal/")) names.add(`node:${builtin}`);
  return names;
}
