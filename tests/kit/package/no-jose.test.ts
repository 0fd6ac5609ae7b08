import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertFreshBuild, DIST_DIR, KIT_DIR, kitManifest } from "./support/built-kit";
import type { ResolvedImport } from "./support/load-probe";

// The kit decodes next-auth's and Auth.js's session cookies with node:crypto itself
// (src/auth/jwe.ts): jose is no longer a dependency. A temp app folder gets a copy of the
// built kit and next-auth, and no jose anywhere the kit could resolve it from; a fresh
// Node process there decodes, with the kit's nextAuthSession, cookies made by next-auth's
// own `encode`, and the resolve hook shows the kit never asked for jose.

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const repoModules = path.resolve(KIT_DIR, "../../node_modules");
const SECRET = "no-jose-test-secret";

let tmp = "";

/** A temp app folder: node_modules/{next-private-files (a copy of the build), next-auth}. */
function app(): string {
  const dir = path.join(tmp, "app");
  const modules = path.join(dir, "node_modules");
  const kit = path.join(modules, "next-private-files");
  fs.mkdirSync(kit, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "no-jose-app", private: true, type: "module" }));
  // A copy, not a link: a link resolves back to lib/private-files, next to the repo's jose.
  fs.copyFileSync(path.join(KIT_DIR, "package.json"), path.join(kit, "package.json"));
  fs.cpSync(DIST_DIR, path.join(kit, "dist"), { recursive: true });
  // next-auth's real path is the repository's: its own jose resolves there, not from here.
  fs.symlinkSync(path.join(repoModules, "next-auth"), path.join(modules, "next-auth"));
  fs.copyFileSync(path.join(here, "support/decode-session.mjs"), path.join(dir, "decode-session.mjs"));
  return dir;
}

beforeAll(() => {
  assertFreshBuild();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kit-no-jose-"));
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("session cookies without jose", () => {
  it("declares no jose, in dependencies or peerDependencies", () => {
    const manifest = kitManifest() as { dependencies: Record<string, string>; peerDependencies?: Record<string, string> };
    expect(manifest.dependencies.jose).toBeUndefined();
    expect(manifest.peerDependencies?.jose).toBeUndefined();
  });

  it("decodes next-auth's own cookie to its session, and refuses one of another secret or forged, with no jose installed", { timeout: 60_000 }, async () => {
    const token = { sub: "42", name: "Alice", email: "alice@example.com", role: "member" };
    const cookies = {
      good: await encode({ token, secret: SECRET }),
      otherSecret: await encode({ token, secret: "another-secret" }),
      forged: "not-a-jwe",
    };
    const dir = app();
    expect(fs.existsSync(path.join(dir, "node_modules", "jose"))).toBe(false);
    const log = path.join(dir, "resolve.log");
    fs.writeFileSync(log, "");
    const { stdout } = await run(process.execPath, ["--import", path.join(here, "support/register-resolve-log.mjs"), path.join(dir, "decode-session.mjs")], {
      cwd: dir,
      env: { ...process.env, NODE_OPTIONS: "", KIT_RESOLVE_LOG: log, KIT_SECRET: SECRET, KIT_COOKIES: JSON.stringify(cookies) },
      timeout: 60_000,
    });
    const imports = fs.readFileSync(log, "utf8").trim().split("\n").map((line) => JSON.parse(line) as ResolvedImport);
    // The copy really was the one loaded, and none of its modules asked for jose.
    expect(imports.some(({ url }) => url.includes(`${path.sep}app${path.sep}node_modules${path.sep}next-private-files${path.sep}dist${path.sep}`))).toBe(true);
    expect(imports.filter(({ specifier, parent }) => specifier === "jose" && parent?.includes("/node_modules/next-private-files/dist/"))).toEqual([]);
    expect(JSON.parse(stdout)).toEqual({
      good: { user: { id: "42", name: "Alice", email: "alice@example.com", role: "member" } },
      otherSecret: null,
      forged: null,
    });
  });
});
