import { readFileSync } from "node:fs";

/** The package's version, read from its package.json (two folders up from src/cli or dist/cli). */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
  return String(manifest.version);
}
