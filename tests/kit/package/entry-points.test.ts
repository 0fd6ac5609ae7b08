import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { assertFreshBuild, DIST_DIR, KIT_DIR, kitManifest } from "./support/built-kit";
import { loadedPackages, loadReport, patchReport, type LoadReport } from "./support/load-probe";

// The built package as an app gets it: each entry imported by name (through the exports
// map, into dist/) in a fresh Node process, with a module-resolution hook logging every
// ES import, and Node's own lists of loaded builtins and CommonJS files for the rest.
// "An app pays only for what it uses" is what these lists show.

const HEAVY = ["sharp", "next-auth", "jose", "busboy", "next", "@aws-sdk/client-s3", "@aws-sdk/lib-storage", "@aws-sdk/s3-request-presigner", "vitest", "drizzle-orm", "@tus/server", "@tus/utils", "@tus/file-store", "@tus/s3-store", "yazl", "buffer-crc32"];
const ENTRY_TIMEOUT_MS = 60_000;

const reports = new Map<string, Promise<LoadReport>>();
/** One probe per entry, shared by the tests that read it. */
function report(specifier: string): Promise<LoadReport> {
  if (!reports.has(specifier)) reports.set(specifier, loadReport(specifier));
  return reports.get(specifier)!;
}

function heavyLoaded(loaded: Set<string>): string[] {
  return [...HEAVY.filter((name) => loaded.has(name)), ...["node:http", "node:https"].filter((name) => loaded.has(name))];
}

beforeAll(() => {
  assertFreshBuild();
});

describe("the core, next-private-files", () => {
  it("loads neither sharp, next-auth, jose, busboy, next, the AWS SDK, vitest nor node:http", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const core = await report("next-private-files");
    const loaded = loadedPackages(core);
    // It did load the kit's own dependencies: the lists are not empty by accident.
    expect(loaded).toContain("mime");
    expect(loaded).toContain("range-parser");
    expect(core.imports.some(({ url }) => url.endsWith("/lib/private-files/dist/index.js"))).toBe(true);
    expect(heavyLoaded(loaded)).toEqual([]);
    expect(core.builtins).not.toContain("http");
    expect(core.builtins).not.toContain("_http_server");
  });

  it("patches nothing: node:http's prototypes and globalThis are as they were", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const core = await patchReport("next-private-files");
    expect(core.exports).toContain("definePrivateFiles");
    expect(core.changedOnImport).toEqual([]);
    expect(core.writeHeadIsOriginal).toBe(true);
    expect(core.emitIsOriginal).toBe(true);
  });
});

describe("the subpath entries", () => {
  it("next-private-files/upload loads busboy, and no AWS SDK, next-auth, jose or node:http", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const loaded = loadedPackages(await report("next-private-files/upload"));
    expect(loaded).toContain("busboy");
    expect(heavyLoaded(loaded)).toEqual(["busboy"]);
  });

  it("next-private-files/tus loads @tus/server, @tus/utils and @tus/file-store (and node:http through @tus/server), not @tus/s3-store or the AWS SDK until an S3 field needs them", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const loaded = loadedPackages(await report("next-private-files/tus"));
    for (const name of ["@tus/server", "@tus/utils", "@tus/file-store"]) expect(loaded).toContain(name);
    // node:http and node:https come with @tus/server (srvx/node). No busboy: the
    // intake's error answers take MultipartError from its own module.
    expect(heavyLoaded(loaded).sort()).toEqual(["@tus/file-store", "@tus/server", "@tus/utils", "node:http", "node:https"]);
  });

  it("next-private-files/s3 loads @aws-sdk/client-s3 (with lib-storage and the presigner), not next-auth or busboy", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const loaded = loadedPackages(await report("next-private-files/s3"));
    for (const name of ["@aws-sdk/client-s3", "@aws-sdk/lib-storage", "@aws-sdk/s3-request-presigner"]) expect(loaded).toContain(name);
    for (const name of ["next-auth", "jose", "busboy", "next"]) expect(loaded).not.toContain(name);
  });

  it("next-private-files/direct loads @aws-sdk/client-s3 and the presigner, not next-auth, jose or busboy", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const loaded = loadedPackages(await report("next-private-files/direct"));
    for (const name of ["@aws-sdk/client-s3", "@aws-sdk/s3-request-presigner"]) expect(loaded).toContain(name);
    for (const name of ["next-auth", "jose", "busboy", "next"]) expect(loaded).not.toContain(name);
  });

  it("next-private-files/next-auth loads next-auth, not the AWS SDK or busboy, and imports no jose of its own (jwe.ts decodes)", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const nextAuth = await report("next-private-files/next-auth");
    const loaded = loadedPackages(nextAuth);
    expect(loaded).toContain("next-auth");
    for (const name of ["busboy", "@aws-sdk/client-s3"]) expect(loaded).not.toContain(name);
    // next-auth itself loads jose (for getServerSession); the kit's own modules do not.
    expect(nextAuth.imports.filter(({ specifier, parent }) => specifier === "jose" && parent?.includes("/lib/private-files/dist/"))).toEqual([]);
  });

  it("next-private-files/authjs loads nothing heavy: neither jose, next-auth, @auth/core, the AWS SDK nor busboy", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const loaded = loadedPackages(await report("next-private-files/authjs"));
    for (const name of ["jose", "next-auth", "@auth/core", "next", "busboy", "@aws-sdk/client-s3"]) expect(loaded).not.toContain(name);
  });

  it("next-private-files/better-auth loads nothing heavy, and no better-auth (it takes the app's instance)", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const betterAuth = await report("next-private-files/better-auth");
    expect(betterAuth.imports.some(({ url }) => url.endsWith("/lib/private-files/dist/auth/better-auth.js"))).toBe(true);
    const loaded = loadedPackages(betterAuth);
    expect(heavyLoaded(loaded)).toEqual([]);
    expect([...loaded].filter((name) => name === "better-auth" || name.startsWith("@better-auth/") || name === "better-call" || name === "kysely")).toEqual([]);
  });

  it("next-private-files/prisma loads nothing heavy (it takes the app's Prisma delegate)", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const loaded = loadedPackages(await report("next-private-files/prisma"));
    expect(heavyLoaded(loaded)).toEqual([]);
    expect([...loaded].filter((name) => name.startsWith("@prisma/") || name === "prisma")).toEqual([]);
  });

  it("next-private-files/drizzle loads drizzle-orm (an optional peer, for this entry only) and no database driver", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const loaded = loadedPackages(await report("next-private-files/drizzle"));
    expect(loaded).toContain("drizzle-orm");
    expect(heavyLoaded(loaded)).toEqual(["drizzle-orm"]);
    for (const driver of ["better-sqlite3", "pg", "@libsql/client", "postgres"]) expect(loaded).not.toContain(driver);
    const manifest = kitManifest() as { peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>; dependencies?: Record<string, string> };
    expect(manifest.peerDependencies?.["drizzle-orm"]).toBeDefined();
    expect(manifest.peerDependenciesMeta?.["drizzle-orm"]?.optional).toBe(true);
    expect(manifest.dependencies?.["drizzle-orm"]).toBeUndefined();
  });

  it("next-private-files/testing loads vitest (an optional peer, for this entry only), not the AWS SDK, next-auth or busboy", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const testing = await report("next-private-files/testing");
    const loaded = loadedPackages(testing);
    expect(loaded).toContain("vitest");
    expect(heavyLoaded(loaded)).toEqual(["vitest"]);
  });

  it("next-private-files/clamav loads node:net and nothing heavy (no client library, no node:http)", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const clamav = await report("next-private-files/clamav");
    expect(clamav.imports.some(({ url }) => url.endsWith("/lib/private-files/dist/scan/clamd.js"))).toBe(true);
    const loaded = loadedPackages(clamav);
    expect(loaded).toContain("node:net");
    expect(heavyLoaded(loaded)).toEqual([]);
    // Only the kit itself: no npm package at all.
    expect([...loaded].filter((name) => !name.startsWith("node:") && name !== "next-private-files")).toEqual([]);
  });

  it("next-private-files/image loads nothing but itself: no next, no react, no Node built-in, no kit core (it runs in the browser)", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const image = await report("next-private-files/image");
    expect(image.imports.some(({ url }) => url.endsWith("/lib/private-files/dist/image/loader.js"))).toBe(true);
    const loaded = loadedPackages(image);
    expect([...loaded]).toEqual(["next-private-files"]);
    // Only the entry and its own modules, none of the core's (index.js, route/, http/…).
    const kitFiles = image.imports.map(({ url }) => url).filter((url) => url.includes("/lib/private-files/dist/")).map((url) => url.slice(url.indexOf("/dist/") + 6)).sort();
    expect(kitFiles).toEqual(["image.js", "image/loader.js", "image/query.js"]);
  });

  it("next-private-files/zip loads yazl and buffer-crc32, and nothing else heavy (no next, next-auth, busboy, AWS SDK or node:http)", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const loaded = loadedPackages(await report("next-private-files/zip"));
    expect(loaded).toContain("yazl");
    expect(heavyLoaded(loaded).sort()).toEqual(["buffer-crc32", "yazl"]);
  });

  it("only next-private-files/testing declares vitest, as an optional peer dependency", () => {
    const manifest = kitManifest() as { peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>; dependencies?: Record<string, string> };
    expect(manifest.peerDependencies?.vitest).toBeDefined();
    expect(manifest.peerDependenciesMeta?.vitest?.optional).toBe(true);
    expect(manifest.dependencies?.vitest).toBeUndefined();
  });

  it("next-private-files/next loads node:http but not next, and patches node:http only when its shims are called", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    const loaded = loadedPackages(await report("next-private-files/next"));
    expect(loaded).toContain("node:http");
    // withBodyLimit loads next/server on its first bodied request: importing it installs
    // Next.js's globals, which an import of the kit must not do.
    for (const name of ["next", "next-auth", "busboy", "@aws-sdk/client-s3"]) expect(loaded).not.toContain(name);

    const shims = await patchReport("next-private-files/next", true);
    expect(shims.changedOnImport).toEqual([]);
    expect(shims.writeHeadIsOriginal).toBe(true);
    expect(shims.emitIsOriginal).toBe(true);
    expect(shims.writeHeadIsOriginalAfterCall).toBe(false);
    expect(shims.emitIsOriginalAfterCall).toBe(false);
    expect(shims.changedOnCall?.filter((name) => !name.startsWith("globalThis."))).toEqual([
      "Server.prototype.Symbol(private-files.stamp-client-address)",
      "Server.prototype.emit",
      "ServerResponse.prototype.Symbol(private-files.restore-content-length)",
      "ServerResponse.prototype.writeHead",
    ]);
  });
});

describe("the exports map", () => {
  const manifest = kitManifest();
  const entries = Object.entries(manifest.exports).filter(([subpath]) => subpath !== "./package.json");
  const specifierOf = (subpath: string) => (subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`);

  it("has the fifteen entries, each with types and a default", () => {
    expect(entries.map(([subpath]) => subpath).sort()).toEqual([".", "./authjs", "./better-auth", "./clamav", "./direct", "./drizzle", "./image", "./next", "./next-auth", "./prisma", "./s3", "./testing", "./tus", "./upload", "./zip"]);
    for (const [, target] of entries) {
      expect(target).toEqual({ types: expect.stringMatching(/^\.\/dist\/.+\.d\.ts$/), default: expect.stringMatching(/^\.\/dist\/.+\.js$/) });
    }
  });

  it("every entry resolves, for Node, to its built .js, with its .d.ts beside it", { timeout: ENTRY_TIMEOUT_MS }, async () => {
    for (const [subpath, target] of entries) {
      if (typeof target === "string") throw new Error(`${subpath}: no conditions`);
      const js = path.join(KIT_DIR, target.default);
      const types = path.join(KIT_DIR, target.types);
      expect(types, subpath).toBe(js.replace(/\.js$/, ".d.ts"));
      expect(fs.existsSync(js), js).toBe(true);
      expect(fs.existsSync(types), types).toBe(true);
      const { imports } = await report(specifierOf(subpath));
      const entry = imports.find(({ specifier }) => specifier === specifierOf(subpath));
      expect(entry?.url, subpath).toBe(new URL(`file://${js}`).href);
    }
  });

  it("every entry resolves, for TypeScript (NodeNext), to its .d.ts", () => {
    const from = path.join(import.meta.dirname, "consumer.ts");
    for (const [subpath, target] of entries) {
      if (typeof target === "string") throw new Error(`${subpath}: no conditions`);
      const resolved = ts.resolveModuleName(specifierOf(subpath), from, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }, ts.sys, undefined, undefined, ts.ModuleKind.ESNext);
      expect(resolved.resolvedModule?.resolvedFileName, subpath).toBe(path.join(KIT_DIR, target.types));
    }
  });
});

describe("dist", () => {
  const files = fs.readdirSync(DIST_DIR, { recursive: true, encoding: "utf8" }).map((file) => path.join(DIST_DIR, file));

  it("names better-auth nowhere in an import, in no .js and no .d.ts (the adapter takes the app's instance by its shape)", () => {
    const built = files.filter((file) => file.endsWith(".js") || file.endsWith(".d.ts"));
    // Comments set aside: the TSDoc example imports better-auth, as an app would.
    const code = (file: string) => fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    const importing = built.filter((file) => /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)["'](?:better-auth|@better-auth\/)/.test(code(file)));
    expect(importing.map((file) => path.relative(DIST_DIR, file))).toEqual([]);
    // The adapter was built: the check above read it.
    expect(built).toContain(path.join(DIST_DIR, "auth", "better-auth.js"));
  });

  it("has a source map for every .js and every .d.ts, and each points into the shipped src/", () => {
    const built = files.filter((file) => file.endsWith(".js") || file.endsWith(".d.ts"));
    expect(built.length).toBeGreaterThan(50);
    for (const file of built) {
      const map = `${file}.map`;
      expect(fs.existsSync(map), map).toBe(true);
      expect(fs.readFileSync(file, "utf8").trimEnd().endsWith(`//# sourceMappingURL=${path.basename(map)}`), file).toBe(true);
      const { sources } = JSON.parse(fs.readFileSync(map, "utf8")) as { sources: string[] };
      expect(sources.length, map).toBe(1);
      const source = path.resolve(path.dirname(map), sources[0]!);
      expect(source.startsWith(path.join(KIT_DIR, "src") + path.sep), map).toBe(true);
      expect(fs.existsSync(source), source).toBe(true);
    }
    // src/ is in the package's "files", or the maps would point at nothing in the tarball.
    expect(JSON.parse(fs.readFileSync(path.join(KIT_DIR, "package.json"), "utf8")).files).toContain("src");
  });
});
