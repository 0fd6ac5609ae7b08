import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A zip body written to a temp file, for `unzip` to read. */
export async function saveZip(response: Response): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pf-zip-"));
  const file = path.join(dir, "out.zip");
  await fs.writeFile(file, new Uint8Array(await response.arrayBuffer()));
  return file;
}

/** `unzip -t`'s verdict on a zip, and the names `unzip -Z1` lists. */
export async function testZip(file: string): Promise<{ ok: boolean; output: string; names: string[] }> {
  const tested = await run("unzip", ["-t", file], { maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout }) => ({ ok: true, output: stdout }),
    (error: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${error.stdout ?? ""}${error.stderr ?? ""}` }),
  );
  const { stdout } = await run("unzip", ["-Z1", file], { maxBuffer: 64 * 1024 * 1024 });
  return { ...tested, names: stdout.split("\n").filter((line) => line !== "") };
}

/** One entry's bytes, as `unzip -p` extracts them. */
export async function entryBytes(file: string, name: string): Promise<Buffer> {
  const { stdout } = await run("unzip", ["-p", file, name.replace(/[[\]*?\\]/g, "\\$&")], { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Per entry, its compression method as `zipinfo` (unzip -Zv) names it: "none (stored)" or "deflated". */
export async function methods(file: string): Promise<Map<string, string>> {
  const { stdout } = await run("unzip", ["-Zv", file], { maxBuffer: 64 * 1024 * 1024 });
  const found = new Map<string, string>();
  let current: string | null = null;
  for (const line of stdout.split("\n")) {
    const named = /^Central directory entry #\d+:/.exec(line);
    if (named) current = null;
    const nameLine = /^  (\S.*)$/.exec(line);
    if (current === null && nameLine && !line.includes(":")) current = nameLine[1]!.trim();
    const method = /compression method:\s+(.*)$/.exec(line);
    if (method && current !== null) found.set(current, method[1]!.trim());
  }
  return found;
}

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
