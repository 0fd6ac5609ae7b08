import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "./args.js";

/** What `init` needs to know of the app it writes into. Paths are relative to `root`, with `/`. */
export interface AppLayout {
  readonly root: string;
  /** `"src/"` when the app keeps its code in `src/` (Next.js's `src/app`), else `""`. */
  readonly codeDir: "" | "src/";
  /** The app's dependencies and devDependencies, by name. */
  readonly dependencies: ReadonlySet<string>;
  /** The first of these paths that exists, if any. */
  firstExisting(candidates: readonly string[]): string | undefined;
  /** The names in a folder (empty when it does not exist). */
  entries(folder: string): readonly string[];
  /** A file's text. */
  read(file: string): string;
}

/**
 * Reads the app at `root`. Refuses a folder without a `package.json`, so that a
 * mistyped `--dir` writes nothing.
 */
export function readAppLayout(root: string): AppLayout {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`--dir ${root} is not a folder`);
  const packageFile = path.join(root, "package.json");
  if (!existsSync(packageFile)) {
    throw new UsageError(`no package.json in ${root}: run init in your Next.js app's root folder, or pass --dir`);
  }
  let manifest: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  try {
    manifest = JSON.parse(readFileSync(packageFile, "utf8")) as typeof manifest;
  } catch (error) {
    throw new UsageError(`${packageFile} is not valid JSON: ${(error as Error).message}`);
  }
  const dependencies = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})]);
  const at = (file: string) => path.join(root, ...file.split("/"));
  const isDir = (folder: string) => existsSync(at(folder)) && statSync(at(folder)).isDirectory();
  // Next.js uses app/ when it exists, else src/app/; an app with neither yet follows src/.
  const codeDir = !isDir("app") && (isDir("src/app") || isDir("src")) ? "src/" : "";
  return {
    root,
    codeDir,
    dependencies,
    firstExisting: (candidates) => candidates.find((file) => existsSync(at(file))),
    entries: (folder) => (isDir(folder) ? readdirSync(at(folder)) : []),
    read: (file) => readFileSync(at(file), "utf8"),
  };
}

// Where apps commonly keep next-auth's options (not the route file: a route may
// export only its handlers, so authOptions cannot live there).
const AUTH_OPTIONS_FILES = [
  "lib/auth.ts",
  "lib/auth/options.ts",
  "lib/auth/index.ts",
  "lib/auth-options.ts",
  "lib/authOptions.ts",
  "lib/next-auth.ts",
  "auth.ts",
  "auth/options.ts",
];

const EXPORTS_AUTH_OPTIONS = /export\s+(const|let|var)\s+authOptions\b|export\s*\{[^}]*\bauthOptions\b[^}]*\}/;

/** The module (relative path, no extension) that exports the app's `authOptions`, when one of the usual places does. */
export function findAuthOptions(layout: AppLayout): string | undefined {
  for (const file of AUTH_OPTIONS_FILES.map((candidate) => layout.codeDir + candidate)) {
    if (layout.firstExisting([file]) && EXPORTS_AUTH_OPTIONS.test(layout.read(file))) return file.replace(/(\/index)?\.ts$/, "");
  }
  return undefined;
}
