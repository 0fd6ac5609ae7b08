// Builds dist/ from src/ with tsc (the only builder here that runs on Node 20: tsup 9
// and tsdown need Node 22). A clean build each time, so no stale file of a removed
// module is ever packed; then the CLI gets its executable bit.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const tsc = createRequire(path.join(root, "package.json")).resolve("typescript/bin/tsc");
rmSync(path.join(root, "dist"), { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.json")], { stdio: "inherit" });
} catch {
  console.error("next-private-files: the build failed (tsc's errors above)");
  process.exit(1);
}
const cli = path.join(root, "dist", "cli", "main.js");
if (existsSync(cli)) chmodSync(cli, 0o755);
