// Every TypeScript block of the docs (```ts and ```tsx in README.md and docs/*.md) is
// type-checked, so that an example can never rot: a renamed export, a wrong option, a
// model or column that does not exist, a missing import fails here, with the page and
// line of the block.
//
// How a page is checked: each page is one small app. A block whose first line names a
// file (`// lib/private-files.ts`, `// app/files/[...path]/route.ts`) is written to
// that path, so the page's other blocks can import it (`@/lib/private-files`); any other
// block is a module of its own. `@/lib/<x>` that the page does not declare comes from
// tests/docs/env/ (the app's Prisma client and next-auth options, declared with real
// types). The kit is its public entry points only (`next-private-files` and its
// subpaths, mapped to lib/private-files/src as tests/tsconfig.json does); next,
// next-auth, react, drizzle-orm (from the kit's node_modules) and Prisma's runtime come from node_modules, and `@prisma/client` is
// the client generated from tests/docs/schema.prisma. Strict mode, as an app would have it.
//
// A block that is deliberately not a module (a shell session, a diff, a fragment of
// options) uses another fence language: `sh`, `diff`, `text`.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { generateClient } from "../../scripts/prisma-cli.mjs";
import { beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const tmp = path.join(root, "tests/.tmp/docs-blocks");
const envDir = path.join(root, "tests/docs/env");
const prismaClientDir = path.join(root, "tests/.tmp/docs-prisma-client");

interface Block {
  /** The page, relative to the repository root. */
  readonly page: string;
  /** 1-based line of the block's first code line in the page. */
  readonly line: number;
  readonly lang: "ts" | "tsx";
  readonly code: string;
  /** The file the block's first line names, relative to the page's app; undefined: none. */
  readonly declares: string | undefined;
}

const TYPESCRIPT_FENCES = new Map<string, "ts" | "tsx">([
  ["ts", "ts"],
  ["typescript", "ts"],
  ["tsx", "tsx"],
]);

/** The TypeScript blocks of a markdown page, with where each starts. */
function extractBlocks(page: string, markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  let open: { fence: string; lang: "ts" | "tsx" | undefined; start: number; body: string[] } | undefined;
  lines.forEach((text, index) => {
    if (open === undefined) {
      const start = /^\s*(`{3,}|~{3,})\s*([^\s`]*)/.exec(text);
      if (start) open = { fence: start[1]!, lang: TYPESCRIPT_FENCES.get(start[2]!.toLowerCase()), start: index + 2, body: [] };
      return;
    }
    if (text.trim().startsWith(open.fence) && text.trim().replace(/[`~]/g, "") === "") {
      if (open.lang) {
        const code = open.body.join("\n");
        const named = /^\s*\/\/\s*((?:[\w.@\[\]()-]+\/)*[\w.@\[\]()-]+\.(?:ts|tsx|mts|d\.ts))(?=[\s:]|$)/.exec(open.body[0] ?? "");
        blocks.push({ page, line: open.start, lang: open.lang, code, declares: named?.[1] });
      }
      open = undefined;
      return;
    }
    open.body.push(text);
  });
  if (open !== undefined) throw new Error(`${page}:${open.start - 1}: a code fence that is never closed`);
  return blocks;
}

function docPages(): string[] {
  const docs = fs
    .readdirSync(path.join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", "lib/private-files/README.md", ...docs];
}

const pages = docPages().map((page) => ({ page, blocks: extractBlocks(page, fs.readFileSync(path.join(root, page), "utf8")) }));

const compilerOptions = (appDir: string): ts.CompilerOptions => ({
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.dom.d.ts", "lib.dom.iterable.d.ts", "lib.es2023.d.ts"],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force,
  jsx: ts.JsxEmit.ReactJSX,
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  esModuleInterop: true,
  isolatedModules: true,
  resolveJsonModule: true,
  skipLibCheck: true,
  noEmit: true,
  types: ["node", "react", "react-dom"],
  baseUrl: root,
  paths: {
    "@/*": [path.join(appDir, "*"), path.join(envDir, "*")],
    "next-private-files": [path.join(root, "lib/private-files/src/index.ts")],
    "next-private-files/*": [path.join(root, "lib/private-files/src/*.ts")],
    "@prisma/client": [path.join(prismaClientDir, "index.d.ts")],
    // drizzle-orm is the kit's devDependency, installed in lib/private-files/node_modules
    // only (not hoisted): a page's app finds it there, as the kit's source does.
    "drizzle-orm": [path.join(root, "lib/private-files/node_modules/drizzle-orm")],
    "drizzle-orm/*": [path.join(root, "lib/private-files/node_modules/drizzle-orm/*")],
    // A devDependency of the kit only (not hoisted to the root): the Better Auth section's blocks import it.
    "better-auth": [path.join(root, "lib/private-files/node_modules/better-auth/dist/index.d.mts")],
  },
});

// Parsed declaration files (next, next-auth, react, Prisma, the kit) are the same for
// every page: parse them once and hand the same source files to each page's program.
const sourceCache = new Map<string, ts.SourceFile | undefined>();
function cachingHost(options: ts.CompilerOptions, pageDir: string): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (fileName.startsWith(pageDir)) return getSourceFile(fileName, languageVersion, onError, shouldCreate);
    if (!sourceCache.has(fileName)) sourceCache.set(fileName, getSourceFile(fileName, languageVersion, onError, shouldCreate));
    return sourceCache.get(fileName);
  };
  return host;
}

interface Failure {
  /** `docs/guide.md:42`: the page and line the message is about. */
  readonly where: string;
  readonly message: string;
}

/** Writes a page's blocks as an app and type-checks it; failures by block. */
function checkPage(page: string, blocks: readonly Block[]): { byBlock: Map<Block, Failure[]>; other: Failure[] } {
  const appDir = path.join(tmp, page.replace(/[^\w.-]+/g, "_"));
  fs.rmSync(appDir, { recursive: true, force: true });
  const fileOf = new Map<string, Block>();
  const byBlock = new Map<Block, Failure[]>();
  const other: Failure[] = [];
  for (const block of blocks) {
    byBlock.set(block, []);
    const relative = block.declares ?? `__blocks/line-${block.line}.${block.lang}`;
    const file = path.join(appDir, relative);
    const earlier = [...fileOf.values()].find((b) => b.declares === block.declares && block.declares !== undefined);
    if (earlier) {
      byBlock.get(block)!.push({ where: `${page}:${block.line}`, message: `${relative} is declared twice on this page (first at line ${earlier.line})` });
      continue;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, block.code + "\n");
    fileOf.set(file, block);
  }
  // The app's own modules the blocks assume (lib/auth.ts, lib/db.ts), where a page does
  // not declare them: in the app too, so that a block importing `./auth` from
  // lib/private-files.ts resolves as one importing `@/lib/auth` does.
  for (const name of fs.readdirSync(envDir, { recursive: true }) as string[]) {
    const from = path.join(envDir, name);
    const to = path.join(appDir, name);
    if (!name.endsWith(".ts") || fs.statSync(from).isDirectory() || fs.existsSync(to)) continue;
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
  }
  const options = compilerOptions(appDir);
  const program = ts.createProgram({ rootNames: [...fileOf.keys()], options, host: cachingHost(options, appDir) });
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSourceFiles()
      .filter((file) => !file.fileName.includes("/node_modules/") && !file.fileName.startsWith(prismaClientDir))
      .flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
  ];
  for (const diagnostic of diagnostics) {
    const message = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
    const file = diagnostic.file;
    const block = file ? fileOf.get(path.resolve(file.fileName)) : undefined;
    if (!file || diagnostic.start === undefined) {
      other.push({ where: page, message });
    } else if (block) {
      const { line } = file.getLineAndCharacterOfPosition(diagnostic.start);
      byBlock.get(block)!.push({ where: `${page}:${block.line + line}`, message });
    } else {
      const { line } = file.getLineAndCharacterOfPosition(diagnostic.start);
      other.push({ where: `${path.relative(root, file.fileName)}:${line + 1}`, message });
    }
  }
  return { byBlock, other };
}

const report = (failures: readonly Failure[]) => failures.map((f) => `${f.where}: ${f.message}`).join("\n");

beforeAll(() => {
  // The docs' Prisma client: generated each run (about 3 s), so it follows the schema.
  // Prisma 7's CLI, as the demo's clients are generated (scripts/prisma-cli.mjs).
  const result = generateClient("tests/docs/schema.prisma", "file:./docs-never-opened.db", { encoding: "utf8", stdio: "pipe" });
  if (result.status !== 0) throw new Error(`prisma generate for tests/docs/schema.prisma failed:\n${result.stdout}\n${result.stderr}`);
}, 120_000);

describe("the docs' TypeScript blocks", () => {
  it("are found: every ts/tsx fence on every page is extracted", () => {
    for (const { page, blocks } of pages) {
      const markdown = fs.readFileSync(path.join(root, page), "utf8");
      // Any fence whose language starts with ts (`ts`, `tsx`, but also `ts-fragment`):
      // a block may not dodge the check with a made-up TypeScript-looking language.
      const fences = markdown.split("\n").filter((line) => /^\s*(```|~~~)\s*(ts|tsx|typescript)\b/i.test(line)).length;
      expect(blocks.length, page).toBe(fences);
    }
    // The README's usage example and the add-to-existing page are the ones people copy.
    expect(pages.find((p) => p.page === "README.md")?.blocks.length).toBeGreaterThanOrEqual(2);
    expect(pages.find((p) => p.page === "docs/add-to-existing-app.md")?.blocks.length).toBeGreaterThanOrEqual(5);
  });

  for (const { page, blocks } of pages.filter((p) => p.blocks.length > 0)) {
    describe(page, () => {
      let result: ReturnType<typeof checkPage> | undefined;
      const checked = () => (result ??= checkPage(page, blocks));

      it("compiles as an app, with nothing wrong outside its blocks", () => {
        expect(report(checked().other), "failures outside the blocks").toBe("");
      }, 120_000);

      for (const block of blocks) {
        it(`block at line ${block.line}${block.declares ? ` (${block.declares})` : ""} type-checks`, () => {
          expect(report(checked().byBlock.get(block) ?? []), `${page}:${block.line}`).toBe("");
        }, 120_000);
      }
    });
  }
});
