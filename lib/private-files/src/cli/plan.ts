import path from "node:path";
import { indent } from "./indent.js";
import { modelVariable, type InitOptions } from "./args.js";
import { findAuthOptions, type AppLayout } from "./layout.js";
import {
  declarationsFile,
  instrumentationFile,
  instrumentationMerge,
  nextConfigFile,
  nextConfigMerge,
  proxyFile,
  proxyMatcher,
  proxyMerge,
  routeFile,
  type ExternalPackage,
} from "./templates.js";

/** One thing init does: write a new file, or tell what to add to one that exists. */
export type Step =
  | { readonly kind: "create"; readonly file: string; readonly contents: string }
  | { readonly kind: "add"; readonly file: string; readonly instructions: string }
  | { readonly kind: "present"; readonly file: string; readonly note: string };

/** Everything init will do, decided before anything is written. */
export interface Plan {
  readonly steps: readonly Step[];
  /** What the user does next, in order. */
  readonly nextSteps: readonly string[];
}

// Packages an app may have that should stay out of Next.js's bundles, as the demo's
// next.config.mjs keeps them: what loads a native database driver, and the parts of the
// AWS SDK that next-private-files/s3 uses. Listed only when the app depends on them.
// Next.js's own list already has better-sqlite3, pg, @prisma/client and
// @aws-sdk/client-s3; next-private-files itself is written to be bundled.
const EXTERNALS: readonly ExternalPackage[] = [
  { name: "@prisma/adapter-better-sqlite3", why: "loads the native better-sqlite3 driver" },
  { name: "@prisma/adapter-pg", why: "loads the pg driver" },
  { name: "@aws-sdk/lib-storage", why: "the AWS SDK's multipart uploads, used by s3Storage" },
  { name: "@aws-sdk/s3-request-presigner", why: "the AWS SDK's presigned URLs, used by s3Storage's redirect delivery" },
];

/** Decides what init writes into the app and what it only prints, given the app as it is now. */
export function planInit(options: InitOptions, layout: AppLayout): Plan {
  const { basePath, model, field, id } = options;
  const code = layout.codeDir;
  const steps: Step[] = [];

  const declarationsPath = `${code}lib/private-files.ts`;
  const routeDir = `${code}app${basePath}/[...path]`;
  const routePath = `${routeDir}/route.ts`;

  // The route, unless a route or page is there already, or a sibling dynamic folder
  // ([id]) would make Next.js refuse two different slugs at one level.
  const existingRoute = layout.firstExisting([`${routeDir}/route.ts`, `${routeDir}/route.js`, `${routeDir}/page.tsx`, `${routeDir}/page.jsx`, `${routeDir}/page.ts`, `${routeDir}/page.js`]);
  const siblings = layout.entries(`${code}app${basePath}`).filter((name) => name.startsWith("[") && name !== "[...path]");
  const declarationsImport = importPath(routeDir, declarationsPath);
  if (existingRoute && /createPrivateFileRoute/.test(layout.read(existingRoute))) {
    steps.push({ kind: "present", file: existingRoute, note: "already exports createPrivateFileRoute's handlers" });
  } else if (existingRoute) {
    steps.push({
      kind: "add",
      file: existingRoute,
      instructions: `The file route must export every method from the kit:\n${indent(routeFile(declarationsImport).trimEnd(), 2)}`,
    });
  } else if (siblings.length > 0) {
    steps.push({
      kind: "add",
      file: `${code}app${basePath}/${siblings[0]}`,
      instructions: `${routePath} was not written: Next.js refuses a catch-all next to ${siblings[0]} in one folder.\nPick another --base-path, or move that route, then write ${routePath}:\n${indent(routeFile(declarationsImport).trimEnd(), 2)}`,
    });
  } else {
    steps.push({ kind: "create", file: routePath, contents: routeFile(declarationsImport) });
  }

  const existingDeclarations = layout.firstExisting([declarationsPath, `${code}lib/private-files.js`, `${code}lib/private-files/index.ts`]);
  const authOptionsModule = findAuthOptions(layout);
  const declarations = declarationsFile({
    model,
    variable: modelVariable(model),
    field,
    id,
    basePath,
    uploadTo: modelVariable(model).toLowerCase(),
    routePath,
    declarationsPath,
    authOptionsImport: authOptionsModule === undefined ? undefined : importPath(path.posix.dirname(declarationsPath), authOptionsModule),
  });
  if (existingDeclarations) {
    steps.push({
      kind: "add",
      file: existingDeclarations,
      instructions: `The route imports { privateFiles } from it: it must export\n  export const privateFiles = definePrivateFiles({ models: { ... }, getSession: ..., basePath: "${basePath}" });\nWhat init would have written there:\n${indent(declarations.trimEnd(), 2)}`,
    });
  } else {
    steps.push({ kind: "create", file: declarationsPath, contents: declarations });
  }

  const instrumentation = layout.firstExisting([`${code}instrumentation.ts`, `${code}instrumentation.js`, `${code}instrumentation.mjs`]);
  if (!instrumentation) {
    steps.push({ kind: "create", file: `${code}instrumentation.ts`, contents: instrumentationFile() });
  } else if (/restoreContentLength/.test(layout.read(instrumentation))) {
    steps.push({ kind: "present", file: instrumentation, note: "already calls restoreContentLength()" });
  } else {
    steps.push({ kind: "add", file: instrumentation, instructions: instrumentationMerge() });
  }

  const proxy = layout.firstExisting([`${code}proxy.ts`, `${code}proxy.js`, `${code}middleware.ts`, `${code}middleware.js`]);
  if (!proxy) {
    steps.push({ kind: "create", file: `${code}proxy.ts`, contents: proxyFile(basePath) });
  } else {
    const text = layout.read(proxy);
    if (/malformedPathAnswer/.test(text) && text.includes(proxyMatcher(basePath))) {
      steps.push({ kind: "present", file: proxy, note: `already answers malformed ${basePath} URLs` });
    } else {
      steps.push({ kind: "add", file: proxy, instructions: proxyMerge(basePath, proxy) });
    }
  }

  const externals = EXTERNALS.filter((p) => layout.dependencies.has(p.name));
  const nextConfig = layout.firstExisting(["next.config.ts", "next.config.mjs", "next.config.js", "next.config.mts", "next.config.cjs"]);
  if (nextConfig) {
    steps.push({ kind: "add", file: nextConfig, instructions: nextConfigMerge(externals) });
  } else {
    steps.push({ kind: "create", file: "next.config.mjs", contents: nextConfigFile(externals) });
  }

  const missing = ["next-private-files", "next-auth"].filter((name) => !layout.dependencies.has(name));
  const nextSteps = [
    ...(missing.length > 0 ? [`Install: npm install ${missing.join(" ")}`] : []),
    ...(existingDeclarations
      ? []
      : [`Replace the TODOs in ${declarationsPath}: the ${model} type and load() with your ORM${authOptionsModule === undefined ? ", and import your next-auth authOptions" : ""}.`]),
    ...(authOptionsModule === undefined && layout.entries(`${code}app/api/auth`).length === 0
      ? [`Set up next-auth if the app has not: its options (authOptions) and ${code}app/api/auth/[...nextauth]/route.ts exporting NextAuth(authOptions) as GET and POST.`]
      : []),
    "Set NEXTAUTH_SECRET (next-auth signs sessions with it): openssl rand -base64 32",
    "Set PRIVATE_FILES_ROOT to the folder your files are stored in (default ./data/files); keep it out of public/ and out of git.",
    `Link to a file: privateFiles.fileUrl("${model}", "${field}", record) gives ${basePath}/${model}/${field}/<id>/<name>.`,
  ];
  return { steps, nextSteps };
}

/** The import specifier from a file in `fromDir` to `target` (both relative to the app root), without extension. */
function importPath(fromDir: string, target: string): string {
  const relative = path.posix.relative(fromDir, target.replace(/\.tsx?$/, ""));
  return relative.startsWith(".") ? relative : `./${relative}`;
}
