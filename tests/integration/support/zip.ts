import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { signSelection } from "../../../lib/private-files/src/zip/selection-token";
import { baseUrl, workDir } from "./context";
import { LINK_SECRET } from "./server";
import type { CookieJar } from "./session";

const run = promisify(execFile);

/** POSTs a zip selection as the demo's form does (same-origin JSON). */
export function postZip(jar: CookieJar | undefined, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${baseUrl()}/files/zip`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(jar ? { Cookie: jar.header } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    redirect: "manual",
    signal,
  });
}

/** A `?selection=` the server accepts, made with its link secret, valid for an hour. */
export function signedSelection(items: { model: string; field: string; id: string | number }[], name: string | null = null): string {
  return signSelection({ items: items.map((item) => ({ ...item, id: String(item.id) })), name }, Math.floor(Date.now() / 1000) + 3600, LINK_SECRET);
}

/** A zip answer saved under the test's work dir, for unzip and Python. */
export async function saveZip(response: Response, name: string): Promise<string> {
  const file = path.join(workDir(), `${name}-${process.pid}-${Date.now()}.zip`);
  await fs.writeFile(file, new Uint8Array(await response.arrayBuffer()));
  return file;
}

/** `unzip -t`: whether every entry's CRC checks, and what it said. */
export async function unzipTest(file: string): Promise<{ ok: boolean; output: string }> {
  return run("unzip", ["-t", file], { maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout }) => ({ ok: /No errors detected/.test(stdout), output: stdout }),
    (error: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${error.stdout ?? ""}${error.stderr ?? ""}` }),
  );
}

/** The entries' names as Info-ZIP lists them (`unzip -Z1`). */
export async function unzipNames(file: string): Promise<string[]> {
  const { stdout } = await run("unzip", ["-Z1", file], { maxBuffer: 16 * 1024 * 1024 });
  return stdout.split("\n").filter((line) => line !== "");
}

/** The entries' names and sizes as Python's zipfile reads them; with `check`, it also reads every entry and checks its CRC (`testzip`). */
export async function pythonEntries(file: string, { check = true } = {}): Promise<{ name: string; size: number; utf8: boolean }[]> {
  const script = `import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nprint(json.dumps([{'name':i.filename,'size':i.file_size,'utf8':bool(i.flag_bits & 0x800)} for i in z.infolist()]))\n${check ? "assert z.testzip() is None" : ""}`;
  const { stdout } = await run("python3", ["-c", script, file], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as { name: string; size: number; utf8: boolean }[];
}

/** One entry's bytes (`unzip -p`), for small entries. */
export async function entryBytes(file: string, name: string): Promise<Buffer> {
  const { stdout } = await run("unzip", ["-p", file, name.replace(/[[\]*?\\]/g, "\\$&")], { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
