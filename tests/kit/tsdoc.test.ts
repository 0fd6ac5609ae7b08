// The public API's TSDoc, checked with the TypeScript compiler on the kit's source: every
// export of the entry points has a summary, every function, class and behaving
// constant an `@example`, every optional property of an options type its `@default` (or
// an "Unset: …" line), and every `@example` compiles against the real entry points, as an
// app using the package would write it. Each failure names the offenders.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const kit = path.join(root, "lib/private-files");
const ENTRIES = ["index", "next-auth", "authjs", "better-auth", "s3", "prisma", "drizzle", "upload", "tus", "direct", "next", "testing", "clamav", "image", "zip"] as const;
const importPath = (entry: string) => (entry === "index" ? "next-private-files" : `next-private-files/${entry}`);

/** Types whose optional properties must each state a default, beyond the `…Options` ones. */
const OPTION_TYPES_BY_NAME = new Set(["Delivery"]);

interface Export {
  readonly entry: string;
  readonly name: string;
  readonly symbol: ts.Symbol;
  readonly declaration: ts.Declaration;
}

/** The kit as `tsc -p lib/private-files` sees it. */
function kitProgram(): ts.Program {
  const configPath = path.join(kit, "tsconfig.json");
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, kit);
  return ts.createProgram({
    rootNames: ENTRIES.map((entry) => path.join(kit, "src", `${entry}.ts`)),
    options: { ...parsed.options, noEmit: true },
  });
}

function publicExports(program: ts.Program): Export[] {
  const checker = program.getTypeChecker();
  const found: Export[] = [];
  for (const entry of ENTRIES) {
    const file = program.getSourceFile(path.join(kit, "src", `${entry}.ts`));
    const module = file && checker.getSymbolAtLocation(file);
    if (!module) throw new Error(`entry ${entry} not found`);
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      for (const declaration of symbol.declarations ?? []) {
        found.push({ entry: importPath(entry), name: exported.name, symbol, declaration });
      }
    }
  }
  return found;
}

const label = (e: Export) => `${e.entry}: ${e.name}`;
const unique = (names: string[]) => [...new Set(names)].sort();

/** The JSDoc blocks attached to a declaration (a variable's sit on its statement). */
function docsOf(declaration: ts.Node): ts.JSDoc[] {
  return ts.getJSDocCommentsAndTags(declaration).filter((node): node is ts.JSDoc => ts.isJSDoc(node));
}

const commentText = (comment: ts.JSDoc["comment"]): string =>
  typeof comment === "string" ? comment : (comment ?? []).map((part) => part.text).join("");

function summaryOf(declaration: ts.Node): string {
  return docsOf(declaration)
    .map((doc) => commentText(doc.comment))
    .join("\n")
    .trim();
}

function tagsOf(declaration: ts.Node): ts.JSDocTag[] {
  return docsOf(declaration).flatMap((doc) => [...(doc.tags ?? [])]);
}

/** Plain data (a header name, a number, a list, a map): a summary is enough, no example. */
function isDataConstant(checker: ts.TypeChecker, declaration: ts.VariableDeclaration): boolean {
  const type = checker.getTypeAtLocation(declaration.name);
  if (type.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike)) return true;
  if (checker.isArrayType(type) || checker.isTupleType(type)) return true;
  const name = type.getSymbol()?.getName() ?? type.aliasSymbol?.getName();
  return name === "ReadonlyMap" || name === "Map" || name === "ReadonlyArray";
}

/** Exported functions, classes and constants that do something: each needs an `@example`. */
function needsExample(checker: ts.TypeChecker, declaration: ts.Declaration): boolean {
  if (ts.isFunctionDeclaration(declaration) || ts.isClassDeclaration(declaration)) return true;
  return ts.isVariableDeclaration(declaration) && !isDataConstant(checker, declaration);
}

/** The properties of an options type: an interface's own, or the members of a union of object types. */
function optionProperties(checker: ts.TypeChecker, e: Export): ts.Symbol[] {
  if (!ts.isInterfaceDeclaration(e.declaration) && !ts.isTypeAliasDeclaration(e.declaration)) return [];
  if (!e.name.endsWith("Options") && !OPTION_TYPES_BY_NAME.has(e.name)) return [];
  const type = checker.getDeclaredTypeOfSymbol(e.symbol);
  const members = type.isUnion() ? type.types : [type];
  return members.flatMap((member) => (member.flags & ts.TypeFlags.Object ? member.getProperties() : []));
}

function propertyDeclaration(property: ts.Symbol): ts.Declaration | undefined {
  return property.declarations?.[0];
}

/** `@default <value>`, or a doc line that starts with "Unset" (no default: what happens then). */
function statesDefault(declaration: ts.Declaration): boolean {
  if (tagsOf(declaration).some((tag) => tag.tagName.text === "default" && commentText(tag.comment).trim() !== "")) return true;
  return summaryOf(declaration)
    .split("\n")
    .some((line) => /^\s*Unset\b/.test(line));
}

/** The members of an exported interface or class: their examples are checked too. */
function membersOf(declaration: ts.Declaration): readonly (ts.TypeElement | ts.ClassElement)[] {
  if (ts.isInterfaceDeclaration(declaration) || ts.isClassDeclaration(declaration)) return declaration.members;
  return [];
}

/**
 * The public members of an exported interface or class, with their names: properties,
 * methods and constructor parameter properties; not private ones, nor an Error's `name`.
 */
function publicMembers(declaration: ts.Declaration): { name: string; node: ts.Node }[] {
  const named = (node: ts.Node & { name?: ts.PropertyName | ts.BindingName }) => ({ name: node.name?.getText() ?? "?", node });
  const isPrivate = (node: ts.Node) =>
    (ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)) ||
    ("name" in node && node.name !== undefined && ts.isPrivateIdentifier(node.name as ts.Node));
  const members: { name: string; node: ts.Node }[] = [];
  for (const member of membersOf(declaration)) {
    if (ts.isConstructorDeclaration(member)) {
      for (const parameter of member.parameters) {
        if (ts.isParameterPropertyDeclaration(parameter, member) && !isPrivate(parameter)) members.push(named(parameter));
      }
      continue;
    }
    if (isPrivate(member) || ts.isIndexSignatureDeclaration(member)) continue;
    if (ts.isClassDeclaration(declaration) && member.name?.getText() === "name") continue;
    members.push(named(member));
  }
  return members;
}

/** The fenced code blocks of every `@example` on a declaration. */
function examplesOf(declaration: ts.Declaration): { language: string; code: string }[] {
  return tagsOf(declaration)
    .filter((tag) => tag.tagName.text === "example")
    .flatMap((tag) => [...commentText(tag.comment).matchAll(/```(\w*)\n([\s\S]*?)```/g)])
    .map((match) => ({ language: match[1] ?? "", code: match[2] ?? "" }));
}

/**
 * Type-checks every example as a module of an app that installed the package: Next.js's
 * compiler settings (bundler resolution, strict, react-jsx), the entry points mapped to
 * the kit's source. Returns the diagnostics, by example.
 */
function compileExamples(examples: { name: string; language: string; code: string }[]): string[] {
  const dir = path.join(root, "tests/kit/.examples");
  const files = new Map<string, string>();
  examples.forEach((example, i) => {
    const extension = example.language === "tsx" ? "tsx" : "ts";
    const safe = example.name.replace(/[^A-Za-z0-9]+/g, "_");
    // `export {}`: each example is its own module, so two may declare the same names.
    files.set(path.join(dir, `${i}-${safe}.${extension}`), `${example.code}\nexport {};\n`);
  });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.ReactJSX,
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node", "react"],
    baseUrl: root,
    paths: {
      "next-private-files": ["lib/private-files/src/index.ts"],
      "next-private-files/*": ["lib/private-files/src/*.ts"],
      // drizzle-orm is the kit's devDependency, installed in lib/private-files/node_modules only.
      "drizzle-orm": ["lib/private-files/node_modules/drizzle-orm"],
      "drizzle-orm/*": ["lib/private-files/node_modules/drizzle-orm/*"],
      // A devDependency of the kit only (not hoisted): betterAuthSession's example imports it.
      "better-auth": ["lib/private-files/node_modules/better-auth/dist/index.d.mts"],
    },
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => files.has(path.resolve(name)) || fileExists.call(host, name);
  host.readFile = (name) => files.get(path.resolve(name)) ?? readFile.call(host, name);
  host.getSourceFile = (name, language, ...rest) => {
    const text = files.get(path.resolve(name));
    return text !== undefined ? ts.createSourceFile(name, text, language, true) : getSourceFile.call(host, name, language, ...rest);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file === undefined || files.has(path.resolve(diagnostic.file.fileName)))
    .map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      if (!diagnostic.file || diagnostic.start === undefined) return message;
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const name = path.basename(diagnostic.file.fileName).replace(/^\d+-/, "");
      return `${name} line ${line + 1}: ${message}`;
    });
}

describe("the public API's TSDoc", () => {
  const program = kitProgram();
  const checker = program.getTypeChecker();
  const exports = publicExports(program);

  it("finds the exports of every entry point", () => {
    for (const entry of ENTRIES) expect(exports.some((e) => e.entry === importPath(entry)), entry).toBe(true);
    expect(exports.map((e) => e.name)).toEqual(expect.arrayContaining(["definePrivateFiles", "nextAuthSession", "authjsSession", "betterAuthSession", "drizzleLinkStore", "s3Storage", "prismaLinkStore", "storeUpload", "withBodyLimit", "runFileStorageContract", "runLinkStoreContract"]));
  });

  it("gives every export a summary", () => {
    const missing = unique(exports.filter((e) => summaryOf(e.declaration) === "").map(label));
    expect(missing, `exports without a TSDoc summary:\n  ${missing.join("\n  ")}`).toEqual([]);
  });

  it("documents every public member of an exported interface or class", () => {
    const missing = unique(
      exports.flatMap((e) => publicMembers(e.declaration).filter((member) => summaryOf(member.node) === "").map((member) => `${e.name}.${member.name}`)),
    );
    expect(missing, `members without a doc comment:\n  ${missing.join("\n  ")}`).toEqual([]);
  });

  it("gives every function, class and behaving constant an @example with a code block", () => {
    const missing = unique(exports.filter((e) => needsExample(checker, e.declaration) && examplesOf(e.declaration).length === 0).map(label));
    expect(missing, `exports without an @example code block:\n  ${missing.join("\n  ")}`).toEqual([]);
  });

  it("documents every property of an options type, and states each optional one's default", () => {
    const undocumented: string[] = [];
    const noDefault: string[] = [];
    for (const e of exports) {
      for (const property of optionProperties(checker, e)) {
        const declaration = propertyDeclaration(property);
        const name = `${e.name}.${property.name}`;
        if (!declaration || summaryOf(declaration) === "") undocumented.push(name);
        else if (property.flags & ts.SymbolFlags.Optional && !statesDefault(declaration)) noDefault.push(name);
      }
    }
    expect(unique(undocumented), `options properties without a doc comment:\n  ${unique(undocumented).join("\n  ")}`).toEqual([]);
    expect(unique(noDefault), `optional properties without @default or an "Unset: …" line:\n  ${unique(noDefault).join("\n  ")}`).toEqual([]);
  });

  it("has examples that import only what the entry points export", () => {
    const exported = new Map(ENTRIES.map((entry) => [importPath(entry), new Set(exports.filter((e) => e.entry === importPath(entry)).map((e) => e.name))]));
    const wrong: string[] = [];
    for (const e of exports) {
      for (const { code } of examplesOf(e.declaration)) {
        for (const [, names, from] of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+"(next-private-files[^"]*)"/g)) {
          const available = exported.get(from!);
          if (!available) {
            wrong.push(`${e.name}: imports from ${from}, which is not an entry point`);
            continue;
          }
          for (const raw of names!.split(",")) {
            const name = raw.replace(/^\s*type\s+/, "").split(/\s+as\s+/)[0]!.trim();
            if (name && !available.has(name)) wrong.push(`${e.name}: ${from} exports no ${name}`);
          }
        }
      }
    }
    expect(unique(wrong), `examples importing what is not there:\n  ${unique(wrong).join("\n  ")}`).toEqual([]);
  });

  it("ships the docs in the built .d.ts files (what an editor shows an app)", () => {
    const tags = (text: string) => (text.match(/@(example|default)\b/g) ?? []).length;
    const differ: string[] = [];
    for (const file of program.getSourceFiles()) {
      if (!file.fileName.startsWith(path.join(kit, "src") + path.sep)) continue;
      const relative = path.relative(path.join(kit, "src"), file.fileName).replace(/\.ts$/, ".d.ts");
      const built = path.join(kit, "dist", relative);
      if (!existsSync(built)) {
        differ.push(`${relative}: missing (build the kit: npm run build:kit)`);
        continue;
      }
      const expected = tags(file.text);
      const shipped = tags(readFileSync(built, "utf8"));
      if (expected !== shipped) differ.push(`${relative}: ${shipped} @example/@default tags, the source has ${expected} (stale dist? npm run build:kit)`);
    }
    expect(differ, `built declarations without the source's docs:\n  ${differ.join("\n  ")}`).toEqual([]);
  });

  it("has examples that compile against the real API", { timeout: 180_000 }, () => {
    const seen = new Set<ts.Declaration>();
    const examples = exports.flatMap((e) => {
      if (seen.has(e.declaration)) return [];
      seen.add(e.declaration);
      // Examples on members (PrivateFiles.uploadPolicy…) and on types count too.
      const members = membersOf(e.declaration).flatMap((member) =>
        examplesOf(member).map((example) => ({ name: `${e.name}.${member.name?.getText() ?? "member"}`, ...example })),
      );
      return [...examplesOf(e.declaration).map((example) => ({ name: e.name, ...example })), ...members];
    });
    expect(examples.map((example) => example.name)).toEqual(expect.arrayContaining(["definePrivateFiles", "PrivateFiles.uploadPolicy"]));
    const errors = compileExamples(examples);
    expect(errors, `examples that do not compile:\n  ${errors.join("\n  ")}`).toEqual([]);
  });
});
