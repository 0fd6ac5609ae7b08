import fs from "node:fs";
import path from "node:path";

// Summarises the `.cpuprofile` files `node --cpu-prof` wrote: where the server spent its
// samples, by function (self time) and by where the code comes from.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/** Where a frame's code lives: a package, Next's own server, the app's bundle, Node, or V8. */
function origin(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node core";
  // The only WebAssembly in the server is Prisma's query compiler (query_compiler_bg.wasm).
  if (url.startsWith("wasm://")) return "WASM (Prisma's query compiler)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) {
    if (pkg[1] === "next" && url.includes("/compiled/")) return `next (compiled ${/compiled\/([^/]+)/.exec(url)?.[1] ?? "?"})`;
    return pkg[1]!;
  }
  if (url.includes("/.next/server/chunks/")) return "app bundle (.next/server/chunks)";
  if (url.includes("/.next/")) return "app bundle (.next)";
  return path.basename(url);
}

const shortUrl = (url: string) => url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/\.next\//, ".next/");

/** The busiest profile in `dir` (the `next-server` process serves; its parent idles), or undefined. */
export function busiestProfile(dir: string): CpuProfile | undefined {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")) : [];
  const profiles = files.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as CpuProfile);
  const busy = (p: CpuProfile) => p.nodes.reduce((n, node) => n + (node.callFrame.functionName === "(idle)" ? 0 : (node.hitCount ?? 0)), 0);
  return profiles.length === 0 ? undefined : profiles.reduce((a, b) => (busy(b) > busy(a) ? b : a));
}

/** A profile's busy samples (idle left out), by function and by origin. */
export function selfTime(profile: CpuProfile): { total: number; idle: number; active: number; byFunction: Map<string, number>; byOrigin: Map<string, number> } {
  const total = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
  const idle = profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").reduce((n, node) => n + (node.hitCount ?? 0), 0);
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0 || node.callFrame.functionName === "(idle)") continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"}  ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ""}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
    const from = origin(url, functionName);
    byOrigin.set(from, (byOrigin.get(from) ?? 0) + hits);
  }
  return { total, idle, active: total - idle, byFunction, byOrigin };
}

/** The busiest profile in `dir`, summarised: self time by origin and by function, and some frames' inclusive time. */
export function summariseProfiles(dir: string, top = 25): string {
  const profile = busiestProfile(dir);
  if (!profile) return `no .cpuprofile in ${dir}`;
  const { total, idle, active, byFunction, byOrigin } = selfTime(profile);

  // Inclusive samples of some frames that tell the story of a request.
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const inclusive = new Map<string, number>();
  // Prisma's client (runInChildSpan: a whole query; compile: its WASM query compiler;
  // commitTransaction: the COMMIT of a write), its SQLite adapter (queryRaw: reads,
  // executeRaw: writes, fsync included), the session decode, the file opens.
  const WATCH = /^(getServerSession|jwtDecrypt|hkdf|runInChildSpan|compile|commitTransaction|executeRaw|queryRaw|open|realpath|read|close)$/;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parents.get(id)) {
      const name = byId.get(id)?.callFrame.functionName ?? "";
      if (WATCH.test(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + hits);
      }
    }
  }

  const pct = (n: number) => `${((100 * n) / active).toFixed(1)}%`.padStart(6);
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const lines = [
    `profile: ${seconds.toFixed(1)} s, ${total} samples, ${((100 * idle) / total).toFixed(1)}% idle; shares below are of the ${active} busy samples`,
    "",
    "self time by origin:",
    ...[...byOrigin].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `  ${pct(v)}  ${k}`),
    "",
    `top ${top} functions by self time:`,
    ...[...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `  ${pct(v)}  ${k}`),
    "",
    "inclusive time of some frames (their callees included; names the bundler kept):",
    ...[...inclusive].sort((a, b) => b[1] - a[1]).map(([k, v]) => `  ${pct(v)}  ${k}`),
  ];
  return lines.join("\n");
}
