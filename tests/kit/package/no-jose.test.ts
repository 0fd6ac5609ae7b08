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

// The kit declares jose "^4.15.5 || ^5.0.0 || ^6.0.0". For each major, a temp app folder
// gets a copy of the built kit and that jose in its node_modules (4 is the one installed
// here, for next-auth; 5 and 6 come from the registry by `npm pack`, into the temp folder
// only: nothing is added to the lockfile or cached in the repository). A fresh Node
// process there decodes, with the kit's nextAuthSession, cookies made by next-auth's own
// `encode`; the resolve hook shows which jose the kit really loaded.

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const repoModules = path.resolve(KIT_DIR, "../../node_modules");
const SECRET = "jose-range-test-secret";
const MAJORS = [4, 5, 6] as const;

let tmp = "";
const joseDirs = new Map<number, string>();

function versionAt(dir: string): string {
  return (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }).version;
}

/** `npm pack <spec>` from the registry into `dir`, unpacked: the package folder. */
async function packFromRegistry(spec: string, dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const { stdout } = await run("npm", ["pack", spec, "--json", "--pack-destination", dir, "--no-audit", "--no-fund"], { cwd: dir, timeout: 120_000 });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (!packed) throw new Error(`npm pack ${spec} printed no tarball`);
  const unpacked = path.join(dir, "unpacked");
  fs.mkdirSync(unpacked);
  await run("tar", ["-xzf", path.join(dir, packed.filename), "-C", unpacked, "--strip-components=1"]);
  return unpacked;
}

/** A temp app folder: node_modules/{next-private-files (a copy of the build), jose, next-auth}. */
function appWith(major: number): string {
  const app = path.join(tmp, `app-jose-${major}`);
  const modules = path.join(app, "node_modules");
  const kit = path.join(modules, "next-private-files");
  fs.mkdirSync(kit, { recursive: true });
  fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: `jose-${major}-app`, private: true, type: "module" }));
  // A copy, not a link: a link resolves back to lib/private-files, whose jose is the repo's.
  fs.copyFileSync(path.join(KIT_DIR, "package.json"), path.join(kit, "package.json"));
  fs.cpSync(DIST_DIR, path.join(kit, "dist"), { recursive: true });
  fs.symlinkSync(joseDirs.get(major)!, path.join(modules, "jose"));
  fs.symlinkSync(path.join(repoModules, "next-auth"), path.join(modules, "next-auth"));
  fs.copyFileSync(path.join(here, "support/decode-session.mjs"), path.join(app, "decode-session.mjs"));
  return app;
}

async function decodeIn(app: string, cookies: Record<string, string>): Promise<{ sessions: Record<string, unknown>; jose: ResolvedImport }> {
  const log = path.join(app, "resolve.log");
  fs.writeFileSync(log, "");
  const { stdout } = await run(process.execPath, ["--import", path.join(here, "support/register-resolve-log.mjs"), path.join(app, "decode-session.mjs")], {
    cwd: app,
    env: { ...process.env, NODE_OPTIONS: "", KIT_RESOLVE_LOG: log, KIT_SECRET: SECRET, KIT_COOKIES: JSON.stringify(cookies) },
    timeout: 60_000,
  });
  const imports = fs.readFileSync(log, "utf8").trim().split("\n").map((line) => JSON.parse(line) as ResolvedImport);
  const jose = imports.find(({ specifier, parent }) => specifier === "jose" && parent?.includes("/node_modules/next-private-files/dist/"));
  if (!jose) throw new Error("the kit copied into the temp app never imported jose (did it resolve back to lib/private-files?)");
  return { sessions: JSON.parse(stdout) as Record<string, unknown>, jose };
}

beforeAll(async () => {
  assertFreshBuild();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kit-jose-range-"));
  joseDirs.set(4, fs.realpathSync(path.join(repoModules, "jose")));
  joseDirs.set(5, await packFromRegistry("jose@5", path.join(tmp, "jose-5")));
  joseDirs.set(6, await packFromRegistry("jose@6", path.join(tmp, "jose-6")));
}, 240_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("nextAuthSession across the jose range the kit declares", () => {
  it("declares ^4.15.5 || ^5.0.0 || ^6.0.0, and the three folders hold one of each", () => {
    expect(kitManifest().dependencies.jose).toBe("^4.15.5 || ^5.0.0 || ^6.0.0");
    const versions = MAJORS.map((major) => versionAt(joseDirs.get(major)!));
    expect(versions.map((version) => Number(version.split(".")[0]))).toEqual([4, 5, 6]);
    expect(versions[0]).toBe("4.15.9");
  });

  for (const major of MAJORS) {
    it(`with jose ${major}: decodes next-auth's own cookie to its session, and refuses one of another secret or forged`, { timeout: 60_000 }, async () => {
      const token = { sub: "42", name: "Alice", email: "alice@example.com", role: "member" };
      const cookies = {
        good: await encode({ token, secret: SECRET }),
        otherSecret: await encode({ token, secret: "another-secret" }),
        forged: "not-a-jwe",
      };
      const { sessions, jose } = await decodeIn(appWith(major), cookies);
      // The kit's import of jose resolved inside the temp app, to this major.
      const joseRoot = path.join(tmp, `app-jose-${major}`, "node_modules", "jose");
      expect(fileURLToPath(jose.url).startsWith(fs.realpathSync(joseRoot) + path.sep), jose.url).toBe(true);
      expect(versionAt(fs.realpathSync(joseRoot)).split(".")[0]).toBe(String(major));
      expect(sessions).toEqual({
        good: { user: { id: "42", name: "Alice", email: "alice@example.com", role: "member" } },
        otherSecret: null,
        forged: null,
      });
    });
  }
});
