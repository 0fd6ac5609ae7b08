// Checks the package as npm would publish it: packs it (prepack builds dist) into a
// temp folder, then lints the tarball with publint (--strict: warnings fail too) and
// checks its types with @arethetypeswrong/cli in every resolution an ESM-only package
// supports (node16 from ESM, bundler). Run from the repository: npm run check:package.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const kit = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = mkdtempSync(path.join(os.tmpdir(), "next-private-files-pack-"));
const run = (command, args, cwd = kit) => execFileSync(command, args, { cwd, stdio: "inherit" });

try {
  run("npm", ["pack", "--silent", "--pack-destination", out]);
  const tarball = path.join(out, readdirSync(out).find((name) => name.endsWith(".tgz")));
  console.log(`packed ${path.basename(tarball)}`);
  run("npx", ["--no-install", "publint", "--strict", tarball]);
  // ESM only ("type": "module", no require condition): node10 and require() from CommonJS
  // are not supported, and the esm-only profile leaves them out.
  run("npx", ["--no-install", "attw", tarball, "--profile", "esm-only"]);
  console.log("package check: publint and arethetypeswrong pass");
} catch {
  console.error("package check failed (see above)");
  process.exitCode = 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
