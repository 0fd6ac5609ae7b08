import fs from "node:fs";

// Reads the server's process tree from /proc: `next start` serves from a child process.

export function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    const current = pids[i]!;
    for (const task of safeReaddir(`/proc/${current}/task`)) {
      const children = safeRead(`/proc/${current}/task/${task}/children`).trim();
      if (children) pids.push(...children.split(/\s+/).map(Number));
    }
  }
  return pids;
}

/** Resident memory of the whole tree, in bytes. */
export function treeRss(pid: number): number {
  let kib = 0;
  for (const p of processTree(pid)) {
    const match = /VmRSS:\s+(\d+) kB/.exec(safeRead(`/proc/${p}/status`));
    if (match) kib += Number(match[1]);
  }
  return kib * 1024;
}

/** How many descriptors in the tree point at `file`. */
export function openDescriptors(pid: number, file: string): number {
  let n = 0;
  for (const p of processTree(pid)) {
    for (const fd of safeReaddir(`/proc/${p}/fd`)) {
      try {
        if (fs.readlinkSync(`/proc/${p}/fd/${fd}`) === file) n++;
      } catch {
        // closed while we looked
      }
    }
  }
  return n;
}

/** Polls until `check` is true or the time is up; returns the last result. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
