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

/** CPU seconds (user + system) used so far by the process tree. */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    const stat = safeRead(`/proc/${p}/stat`);
    if (stat === "") continue; // exited while we looked
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  }
  return ticks / 100; // USER_HZ
}

/** Every descriptor of the tree, and how many of them point at `file`. */
export function descriptors(pid: number, file?: string): { total: number; onFile: number } {
  let total = 0;
  let onFile = 0;
  for (const p of processTree(pid)) {
    for (const fd of safeReaddir(`/proc/${p}/fd`)) {
      total++;
      if (file === undefined) continue;
      try {
        if (fs.readlinkSync(`/proc/${p}/fd/${fd}`) === file) onFile++;
      } catch {
        // closed while we looked
      }
    }
  }
  return { total, onFile };
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
