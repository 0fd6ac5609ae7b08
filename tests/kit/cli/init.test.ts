// `npx next-private-files init`, run as users run it: the built CLI
// (lib/private-files/dist/cli/main.js, `npm run build:kit`) in a child process, on
// throwaway app folders. The last test type-checks what it writes with tsc, in an app
// set up like a fresh create-next-app one.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const kit = path.join(repo, "lib/private-files");
const cli = path.join(kit, "dist/cli/main.js");
const temps: string[] = [];

beforeAll(() => {
  // The test runs the build: a missing or stale one would test other code than src/cli.
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build:kit first`);
  for (const name of readdirSync(path.join(kit, "src/cli"))) {
    const built = path.join(kit, "dist/cli", name.replace(/\.ts$/, ".js"));
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(path.join(kit, "src/cli", name)).mtimeMs) {
      throw new Error(`${built} is older than src/cli/${name}: run npm run build:kit first`);
    }
  }
});

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A new app folder with a package.json and the given files. */
function app(files: Record<string, string> = {}, dependencies: Record<string, string> = { next: "16.4.6" }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "npf-init-"));
  temps.push(dir);
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "app", private: true, dependencies }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function run(args: readonly string[], cwd: string = os.tmpdir()) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file under `dir`, relative, sorted (node_modules and tsc's build info left out). */
function filesIn(dir: string): string[] {
  const found: string[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const relative = sub === "" ? entry.name : `${sub}/${entry.name}`;
      if (entry.name === "node_modules" || entry.name.endsWith(".tsbuildinfo")) continue;
      if (entry.isDirectory()) walk(relative);
      else found.push(relative);
    }
  };
  walk("");
  return found.sort();
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), "utf8");

describe("init in a fresh app", () => {
  it("writes the route, declarations, instrumentation.ts, proxy.ts and next.config.mjs, and says so", () => {
    const dir = app();
    const { status, stdout, stderr } = run(["init", "--dir", dir]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(filesIn(dir)).toEqual([
      "app/files/[...path]/route.ts",
      "instrumentation.ts",
      "lib/private-files.ts",
      "next.config.mjs",
      "package.json",
      "proxy.ts",
    ]);

    const route = read(dir, "app/files/[...path]/route.ts");
    expect(route).toContain('import { createPrivateFileRoute } from "next-private-files";');
    expect(route).toContain('import { privateFiles } from "../../../lib/private-files";');
    expect(route).toContain("export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = createPrivateFileRoute(privateFiles);");

    const instrumentation = read(dir, "instrumentation.ts");
    expect(instrumentation).toMatch(/export async function register\(\) \{\n  if \(process\.env\.NEXT_RUNTIME === "nodejs"\) \{/);
    expect(instrumentation).toContain('await import("next-private-files/next")');
    expect(instrumentation).toContain("restoreContentLength();");
    expect(instrumentation).toContain("stampClientAddress();");

    const proxy = read(dir, "proxy.ts");
    expect(proxy).toContain('import { malformedPathAnswer } from "next-private-files/next";');
    expect(proxy).toContain("return malformedPathAnswer(request) ?? NextResponse.next();");
    expect(proxy).toContain('matcher: ["/files/:path(.*%.*)"],');

    const declarations = read(dir, "lib/private-files.ts");
    expect(declarations).toContain("export interface Document {\n  id: string;");
    expect(declarations).toContain("  file: string | null;");
    expect(declarations).toContain("export const documents = privateModel({\n  id: stringId(),");
    expect(declarations).toContain('uploadTo: "documents",');
    expect(declarations).toContain("models: { Document: documents },");
    expect(declarations).toContain("getSession: nextAuthSession(authOptions),");
    expect(declarations).toContain('basePath: "/files",');
    // No auth options found: a placeholder the user replaces, flagged as such.
    expect(declarations).toMatch(/\/\/ TODO: your app's next-auth options[^\n]*\n[^\n]*\nconst authOptions: AuthOptions = \{ providers: \[\] \};/);

    expect(read(dir, "next.config.mjs")).toContain("serverExternalPackages: [");

    expect(stdout).toMatch(/^Created:\n  app\/files\/\[\.\.\.path\]\/route\.ts\n  lib\/private-files\.ts\n  instrumentation\.ts\n  proxy\.ts\n  next\.config\.mjs$/m);
    expect(stdout).not.toContain("Skipped");
    expect(stdout).toContain("Install: npm install next-private-files next-auth");
    expect(stdout).toContain("NEXTAUTH_SECRET");
    expect(stdout).toContain("PRIVATE_FILES_ROOT");
    expect(stdout).toContain("app/api/auth/[...nextauth]/route.ts exporting NextAuth(authOptions)");
  });

  it("writes into src/ when the app keeps its code there (next.config stays at the root)", () => {
    const dir = app({ "src/app/page.tsx": "export default function Page() { return null; }\n" });
    const { status, stdout } = run(["init"], dir);
    expect(status).toBe(0);
    expect(stdout).toContain("code in src/");
    expect(filesIn(dir)).toEqual([
      "next.config.mjs",
      "package.json",
      "src/app/files/[...path]/route.ts",
      "src/app/page.tsx",
      "src/instrumentation.ts",
      "src/lib/private-files.ts",
      "src/proxy.ts",
    ]);
    expect(read(dir, "src/app/files/[...path]/route.ts")).toContain('from "../../../lib/private-files";');
  });

  it("takes the model, field and id kind from the flags", () => {
    const dir = app();
    expect(run(["init", "--dir", dir, "--model", "Invoice", "--field", "pdf", "--id", "int"]).status).toBe(0);
    const declarations = read(dir, "lib/private-files.ts");
    expect(declarations).toContain('import { definePrivateFiles, privateModel, signedIn, intId } from "next-private-files";');
    expect(declarations).toContain("export interface Invoice {\n  id: number;");
    expect(declarations).toContain("  pdf: string | null;");
    expect(declarations).toContain("export const invoices = privateModel({\n  id: intId,");
    expect(declarations).toContain("load: async (id: number): Promise<Invoice | null> =>");
    expect(declarations).toContain("}).fields({\n  pdf: {");
    expect(declarations).toContain("models: { Invoice: invoices },");
    expect(run(["init", "--dir", app(), "--id", "uuid"]).status).toBe(0);
  });

  it("lists the app's database adapters and AWS SDK parts in serverExternalPackages", () => {
    const dir = app({}, { next: "16.4.6", "@prisma/adapter-pg": "6", "@aws-sdk/lib-storage": "3", react: "19" });
    expect(run(["init", "--dir", dir]).status).toBe(0);
    const config = read(dir, "next.config.mjs");
    expect(config).toMatch(/serverExternalPackages: \[\n    \/\/ [^\n]+\n    "@prisma\/adapter-pg",\n    \/\/ [^\n]+\n    "@aws-sdk\/lib-storage",\n  \],/);
    expect(config).not.toContain('"react"');
  });
});

describe("base path", () => {
  it.each(["files", "/files/", "//files//"])("normalises %s to /files", (basePath) => {
    const dir = app();
    const { status, stdout } = run(["init", "--dir", dir, "--base-path", basePath]);
    expect(status).toBe(0);
    expect(stdout).toContain("file route at /files");
    expect(existsSync(path.join(dir, "app/files/[...path]/route.ts"))).toBe(true);
    expect(read(dir, "lib/private-files.ts")).toContain('basePath: "/files",');
  });

  it("mounts a nested path at its folder, with its matcher and import path", () => {
    const dir = app();
    expect(run(["init", "--dir", dir, "--base-path", "/api/download"]).status).toBe(0);
    expect(read(dir, "app/api/download/[...path]/route.ts")).toContain('from "../../../../lib/private-files";');
    expect(read(dir, "proxy.ts")).toContain('matcher: ["/api/download/:path(.*%.*)"],');
    expect(read(dir, "lib/private-files.ts")).toContain('basePath: "/api/download",');
  });
});

describe("existing files", () => {
  it("never overwrites one (byte for byte), prints what to add instead, writes the rest, and exits 0", () => {
    const existing = {
      "instrumentation.ts": "export function register() {\n  console.log('mine');\n}\n",
      "proxy.ts": "export function proxy() {}\nexport const config = { matcher: ['/admin/:path*'] };\n",
      "next.config.ts": "export default { reactStrictMode: true };\n",
      "app/files/[...path]/route.ts": "export function GET() { return new Response('mine'); }\n",
    };
    const dir = app(existing);
    const { status, stdout } = run(["init", "--dir", dir]);
    expect(status).toBe(0);
    for (const [file, text] of Object.entries(existing)) expect(read(dir, file)).toBe(text);
    // Only the missing ones were written (no next.config.mjs beside next.config.ts).
    expect(filesIn(dir)).toEqual([...Object.keys(existing), "lib/private-files.ts", "package.json"].sort());
    expect(stdout).toMatch(/^Created:\n  lib\/private-files\.ts\n\n/m);
    expect(stdout).toContain("Skipped, it exists (init never overwrites a file). Add this to it yourself:");
    // A file's block: its header line, then the lines indented under it.
    const section = (file: string) => {
      const lines = stdout.split("\n");
      const start = lines.indexOf(`  ${file}`);
      expect(start, `${file} is listed`).toBeGreaterThan(-1);
      let end = start + 1;
      while (end < lines.length && (lines[end] === "" || lines[end]!.startsWith("    "))) end++;
      return lines.slice(start, end).join("\n");
    };
    expect(section("instrumentation.ts")).toContain("restoreContentLength();");
    expect(section("instrumentation.ts")).toContain('if (process.env.NEXT_RUNTIME === "nodejs") {');
    expect(section("proxy.ts")).toContain('import { malformedPathAnswer } from "next-private-files/next";');
    expect(section("proxy.ts")).toContain('"/files/:path(.*%.*)",');
    expect(section("next.config.ts")).toContain("serverExternalPackages");
    expect(section("app/files/[...path]/route.ts")).toContain("createPrivateFileRoute(privateFiles);");
  });

  it("keeps an existing middleware.ts and declarations file, and writes no proxy.ts beside the middleware", () => {
    const existing = {
      "middleware.ts": "export function middleware() {}\n",
      "lib/private-files.ts": "export const privateFiles = 1;\n",
    };
    const dir = app(existing);
    const { status, stdout } = run(["init", "--dir", dir]);
    expect(status).toBe(0);
    for (const [file, text] of Object.entries(existing)) expect(read(dir, file)).toBe(text);
    expect(existsSync(path.join(dir, "proxy.ts"))).toBe(false);
    expect(stdout).toContain("\n  middleware.ts\n");
    expect(stdout).toContain("\n  lib/private-files.ts\n");
    expect(stdout).toContain("What init would have written there:");
    expect(stdout).not.toContain("Replace the TODOs");
  });

  it("reports files already set up by a previous run and changes nothing on a second run", () => {
    const dir = app();
    expect(run(["init", "--dir", dir]).status).toBe(0);
    const before = Object.fromEntries(filesIn(dir).map((file) => [file, read(dir, file)]));
    const { status, stdout } = run(["init", "--dir", dir]);
    expect(status).toBe(0);
    expect(Object.fromEntries(filesIn(dir).map((file) => [file, read(dir, file)]))).toEqual(before);
    expect(stdout).not.toContain("Created:");
    expect(stdout).toContain("instrumentation.ts: already calls restoreContentLength()");
    expect(stdout).toContain("proxy.ts: already answers malformed /files URLs");
    expect(stdout).toContain("app/files/[...path]/route.ts: already exports createPrivateFileRoute's handlers");
  });
});

describe("dry run", () => {
  it("writes nothing and prints what it would write", () => {
    const dir = app({ "instrumentation.ts": "export function register() {}\n" });
    const { status, stdout } = run(["init", "--dir", dir, "--dry-run"]);
    expect(status).toBe(0);
    expect(filesIn(dir)).toEqual(["instrumentation.ts", "package.json"]);
    expect(stdout).toContain("dry run, nothing written");
    expect(stdout).toContain("Would create:\n  app/files/[...path]/route.ts\n");
    expect(stdout).toContain("      export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = createPrivateFileRoute(privateFiles);");
    expect(stdout).toContain("\n  instrumentation.ts\n");
  });
});

describe("bad input", () => {
  it.each([
    [["init", "--nope"], "Unknown option '--nope'"],
    [["init", "--base-path", "../x"], "segment '..' is not a plain folder name"],
    [["init", "--base-path", "/"], "not the site root"],
    [["init", "--base-path", "/files/[id]"], "segment '[id]' is not a plain folder name"],
    [["init", "--base-path", "/(group)"], "is not a plain folder name"],
    [["init", "--base-path", "/_private"], "is not a plain folder name"],
    [["init", "--base-path", "/a%20b"], "is not a plain folder name"],
    [["init", "--base-path", "/api/auth"], "collides with next-auth's route"],
    [["init", "--base-path", "api/auth/files"], "collides with next-auth's route"],
    [["init", "--model", "1Doc"], "--model must be an identifier"],
    [["init", "--model", "My-Doc"], "--model must be an identifier"],
    [["init", "--model", "class"], "reserved word"],
    [["init", "--model", "Promise"], "would clash"],
    [["init", "--field", "file name"], "--field must be an identifier"],
    [["init", "--field", "id"], "--field cannot be 'id'"],
    [["init", "--id", "long"], "--id must be one of string, int, uuid"],
    [["init", "--model"], "argument missing"],
    [["inti"], "unknown command 'inti'"],
    [[], "no command given"],
  ])("%j exits 2 with a message and writes nothing", (args, message) => {
    const dir = app();
    // --dir right after the command, so that a flag missing its value comes last.
    const { status, stdout, stderr } = run([...args.slice(0, 1), "--dir", dir, ...args.slice(1)]);
    expect(status).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain("next-private-files --help");
    expect(stdout).toBe("");
    expect(filesIn(dir)).toEqual(["package.json"]);
  });

  it("refuses a folder without a package.json (a mistyped --dir writes nothing)", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "npf-init-"));
    temps.push(dir);
    const { status, stderr } = run(["init", "--dir", dir]);
    expect(status).toBe(2);
    expect(stderr).toContain("no package.json in");
    expect(readdirSync(dir)).toEqual([]);
    expect(run(["init", "--dir", path.join(dir, "missing")]).status).toBe(2);
  });
});

describe("help and version", () => {
  it("--help says what is written and exits 0", () => {
    for (const args of [["--help"], ["init", "--help"], ["-h"]]) {
      const { status, stdout } = run(args);
      expect(status).toBe(0);
      expect(stdout).toContain("Usage: npx next-private-files init [options]");
      for (const flag of ["--dir", "--base-path", "--model", "--field", "--id", "--dry-run"]) expect(stdout).toContain(flag);
      expect(stdout).toContain("init never overwrites a file");
    }
  });

  it("--version prints the package's version", () => {
    const { version } = JSON.parse(read(kit, "package.json")) as { version: string };
    const { status, stdout } = run(["--version"]);
    expect(status).toBe(0);
    expect(stdout).toBe(`${version}\n`);
  });

  it("the built CLI loads only node: modules and its own files (it runs in a plain Node.js process)", () => {
    // A resolve hook that refuses any other module: a bare import of the kit, next or
    // anything else would fail the run.
    const hook = `export async function resolve(specifier, context, next) {
      if (!/^(node:|\\.\\/|file:)/.test(specifier)) throw new Error("the CLI imported " + specifier);
      return next(specifier, context);
    }`;
    const register = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const dir = app();
    const result = spawnSync(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(register)}`, cli, "init", "--dir", dir], { encoding: "utf8", timeout: 30_000 });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(existsSync(path.join(dir, "lib/private-files.ts"))).toBe(true);
    // The hook does refuse a bare import (so the run above proves something).
    const probe = spawnSync(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(register)}`, "--input-type=module", "-e", 'await import("next-private-files")'], { cwd: repo, encoding: "utf8", timeout: 30_000 });
    expect(probe.status).not.toBe(0);
    expect(probe.stderr).toContain("the CLI imported next-private-files");
    expect(read(kit, "dist/cli/main.js").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});

// A tsconfig as create-next-app 16 writes it.
const NEXT_APP_TSCONFIG = {
  compilerOptions: {
    target: "ES2017",
    lib: ["dom", "dom.iterable", "esnext"],
    allowJs: true,
    skipLibCheck: true,
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    module: "esnext",
    moduleResolution: "bundler",
    resolveJsonModule: true,
    isolatedModules: true,
    jsx: "react-jsx",
    incremental: true,
    plugins: [{ name: "next" }],
    paths: { "@/*": ["./*"] },
  },
  include: ["next-env.d.ts", "**/*.ts", "**/*.tsx", "**/*.mts"],
  exclude: ["node_modules"],
};

describe("the written files type-check", () => {
  /** An app whose node_modules is the repository's: next-private-files is the built package (its exports map), next and next-auth the installed ones. */
  function typedApp(files: Record<string, string>): string {
    const dir = app(
      {
        "tsconfig.json": JSON.stringify(NEXT_APP_TSCONFIG, null, 2),
        "next-env.d.ts": '/// <reference types="next" />\n/// <reference types="next/image-types/global" />\n',
        ...files,
      },
      { next: "16.4.6", "next-auth": "4.24.15", "next-private-files": "0.2.0" },
    );
    symlinkSync(path.join(repo, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
  }

  function tsc(dir: string) {
    const result = spawnSync(process.execPath, [path.join(repo, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", dir, "--listFiles"], { encoding: "utf8", timeout: 110_000 });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it("in a fresh app, with the placeholders as written", () => {
    const dir = typedApp({});
    expect(run(["init", "--dir", dir]).status).toBe(0);
    const { status, output } = tsc(dir);
    expect(output.replace(/^\/.*\.d\.ts$\n?/gm, "")).not.toContain("error");
    expect(status).toBe(0);
    // tsc did check the written files, against the built package.
    for (const file of ["app/files/[...path]/route.ts", "lib/private-files.ts", "instrumentation.ts", "proxy.ts"]) expect(output).toContain(path.join(dir, file));
    expect(output).toContain(path.join(kit, "dist/index.d.ts"));
  }, 120_000);

  it("in a src/ app whose next-auth options init finds and imports, with int ids at /api/download", () => {
    const dir = typedApp({
      "src/app/page.tsx": "export default function Page() { return null; }\n",
      "src/lib/auth.ts": 'import type { AuthOptions } from "next-auth";\n\nexport const authOptions: AuthOptions = { providers: [] };\n',
    });
    expect(run(["init", "--dir", dir, "--model", "Invoice", "--field", "pdf", "--id", "int", "--base-path", "/api/download"]).status).toBe(0);
    const declarations = read(dir, "src/lib/private-files.ts");
    expect(declarations).toContain('import { authOptions } from "./auth";');
    expect(declarations).not.toContain("const authOptions");
    const { status, output } = tsc(dir);
    expect(output.replace(/^\/.*\.d\.ts$\n?/gm, "")).not.toContain("error");
    expect(status).toBe(0);
    expect(output).toContain(path.join(dir, "src/app/api/download/[...path]/route.ts"));
  }, 120_000);
});
