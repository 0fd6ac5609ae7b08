import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "./server";

/** The demo's data folder (`npm run demo`): database, stored files, generated secrets. */
export const DATA_DIR = path.join(ROOT, "data");

/** What must never reach the build output, relative to the project. */
export const PRIVATE_DATA = ["data/demo.db", "data/nextauth-secret", "data/link-secret", "data/files/submissions/tracing-canary.txt"];

/**
 * Makes sure each PRIVATE_DATA file exists before the build, as on a machine that ran
 * the demo. Existing files are left alone (they may be someone's real demo data); a
 * missing secret is generated as `npm run demo` would, a missing database is empty
 * (SQLite takes an empty file as an empty database).
 */
export function plantPrivateData(): void {
  for (const relative of PRIVATE_DATA) {
    const file = path.join(ROOT, relative);
    if (fs.existsSync(file)) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const content = relative.endsWith("secret") ? randomBytes(32).toString("base64url") : relative.endsWith(".db") ? "" : "stored file canary\n";
    fs.writeFileSync(file, content, { mode: 0o600 });
  }
}

/** Every file under `dir`, recursively (symlinks not followed). */
export function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}
