import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The kit's package folder (lib/private-files) and its build output. */
export const KIT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../lib/private-files");
export const DIST_DIR = path.join(KIT_DIR, "dist");

/** The kit's package.json, as npm and Node read it. */
export interface KitManifest {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
}

export function kitManifest(): KitManifest {
  return JSON.parse(fs.readFileSync(path.join(KIT_DIR, "package.json"), "utf8")) as KitManifest;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Throws unless dist/ holds a build of the current src/: every source file has its .js,
 * no older than the source. These tests check the package as it is published, so they
 * read dist/ and do not rebuild it themselves: a rebuild (scripts/build.mjs starts by
 * deleting dist/) would pull it from under any other test or `next build` running at the
 * same time. `npm run typecheck` builds it first, as `npm run build:kit` does.
 */
export function assertFreshBuild(): void {
  const src = path.join(KIT_DIR, "src");
  const stale = sourceFiles(src).filter((file) => {
    const built = path.join(DIST_DIR, path.relative(src, file)).replace(/\.ts$/, ".js");
    return !fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(file).mtimeMs;
  });
  if (stale.length > 0) {
    throw new Error(
      `lib/private-files/dist is missing or older than ${stale.length} source file(s) (${path.relative(KIT_DIR, stale[0]!)}…): run npm run build:kit first`,
    );
  }
}
