// The contents init writes, and the snippets it prints when a file exists. Every
// TypeScript file here type-checks in a fresh create-next-app app with the kit,
// next and next-auth installed (tests/kit/cli/init.test.ts runs tsc on them).
import type { IdKind } from "./args.js";

/** `app/<basePath>/[...path]/route.ts`: every method goes to the kit's route. */
export function routeFile(declarationsImport: string): string {
  return `import { createPrivateFileRoute } from "next-private-files";
import { privateFiles } from "${declarationsImport}";

// Every download goes through the kit: GET and HEAD serve, other methods get 405.
// (Route handlers run on Node.js by default, which the kit needs: never set runtime = "edge".)
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = createPrivateFileRoute(privateFiles);
`;
}

const REGISTER_BODY = `  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { restoreContentLength, stampClientAddress } = await import("next-private-files/next");
    // Next.js drops Content-Length from route-handler answers: put it back on downloads.
    restoreContentLength();
    // Route handlers cannot see the socket: stamp its address into a header the client
    // cannot forge, for clientAddress(request) (rate limits).
    stampClientAddress();
  }`;

/** `instrumentation.ts`: the kit's two shims, installed once when the server starts. */
export function instrumentationFile(): string {
  return `// Runs once when the Next.js server starts.
export async function register() {
${REGISTER_BODY}
}
`;
}

/** What to merge into an existing `instrumentation.ts`. */
export function instrumentationMerge(): string {
  return `Inside its register() function (add one if it has none: export async function register() { ... }):
${REGISTER_BODY}`;
}

/** The matcher entry that sends file URLs with a `%` (and only those) to the proxy. */
export function proxyMatcher(basePath: string): string {
  return `${basePath}/:path(.*%.*)`;
}

/** `proxy.ts`: a 404 for file URLs whose escapes do not decode, instead of Next.js's 500. */
export function proxyFile(basePath: string): string {
  return `import { NextResponse } from "next/server";
import { malformedPathAnswer } from "next-private-files/next";

// A file URL whose percent-escapes do not decode (\`%zz\`, a lone \`%\`) gets 404 instead
// of Next.js's 500: Next fails decoding the route's parameter before the route runs
// (vercel/next.js#92527).
export function proxy(request: Request): Response {
  return malformedPathAnswer(request) ?? NextResponse.next();
}

// Only file URLs with a \`%\` come here (matched against the raw, still escaped path):
// every other download skips the proxy, which would cost it an extra pass through
// Next.js's middleware, and Next copies the body of each request it sends here into
// memory. Add your own paths to the list if you use the proxy for more.
// (Next reads this object without running the file: literals only.)
export const config = {
  matcher: ["${proxyMatcher(basePath)}"],
};
`;
}

/** What to merge into an existing `proxy.ts` (or `middleware.ts`). */
export function proxyMerge(basePath: string, file: string): string {
  return `1. import { malformedPathAnswer } from "next-private-files/next";
2. First thing in the exported function (proxy or middleware), for a file URL whose escapes do not decode:
     const malformed = malformedPathAnswer(request);
     if (malformed) return malformed;
3. In config.matcher, add the file URLs with a %, and keep other file URLs out of your
   own entries (each request the proxy sees costs a pass through it, and its body is copied):
     "${proxyMatcher(basePath)}",${file.startsWith("middleware") || file.startsWith("src/middleware") ? "\n(Next.js 16 calls this file proxy.ts; middleware.ts still works.)" : ""}`;
}

/** The packages to keep out of Next.js's server bundles, each with why. */
export interface ExternalPackage {
  readonly name: string;
  readonly why: string;
}

/** `next.config.mjs`, written only when the app has no next.config at all. */
export function nextConfigFile(packages: readonly ExternalPackage[]): string {
  const entries = packages.map((p) => `    // ${p.why}\n    ${JSON.stringify(p.name)},\n`).join("");
  return `/** @type {import('next').NextConfig} */
const nextConfig = {
  // Packages loaded as real Node.js modules instead of bundled into each route: native
  // database drivers and the AWS SDK. (next-private-files itself needs no entry.)
  serverExternalPackages: [
${entries}  ],
};

export default nextConfig;
`;
}

/** What to add to an existing next.config. */
export function nextConfigMerge(packages: readonly ExternalPackage[]): string {
  if (packages.length === 0) {
    return `Nothing to add now: next-private-files itself needs no serverExternalPackages entry.
When you add a native database driver (@prisma/adapter-better-sqlite3, @prisma/adapter-pg)
or the AWS SDK for s3Storage, list it in serverExternalPackages.`;
  }
  return `In nextConfig, add (or merge into an existing serverExternalPackages list):
  serverExternalPackages: [${packages.map((p) => JSON.stringify(p.name)).join(", ")}],
Why:
${packages.map((p) => `  ${p.name}: ${p.why}`).join("\n")}`;
}

/** What the declarations file needs to know. */
export interface DeclarationsInput {
  readonly model: string;
  readonly variable: string;
  readonly field: string;
  readonly id: IdKind;
  readonly basePath: string;
  readonly uploadTo: string;
  /** Where the route and this file are written, relative to the app root. */
  readonly routePath: string;
  readonly declarationsPath: string;
  /** The import path of the app's `authOptions`, when init found them. */
  readonly authOptionsImport: string | undefined;
}

const ID_CODECS: Record<IdKind, { readonly codec: string; readonly name: string; readonly type: string }> = {
  string: { codec: "stringId()", name: "stringId", type: "string" },
  int: { codec: "intId", name: "intId", type: "number" },
  uuid: { codec: "uuidId", name: "uuidId", type: "string" },
};

/** `lib/private-files.ts`: one model with one protected file field, and the kit's configuration. */
export function declarationsFile(input: DeclarationsInput): string {
  const { model, variable, field, basePath, uploadTo, routePath, declarationsPath } = input;
  const id = ID_CODECS[input.id];
  const auth = input.authOptionsImport
    ? `import { authOptions } from "${input.authOptionsImport}";\n`
    : "";
  const authPlaceholder = input.authOptionsImport
    ? ""
    : `
// TODO: your app's next-auth options, as passed to NextAuth(). Replace this placeholder
// with an import of them, e.g.  import { authOptions } from "./auth";
const authOptions: AuthOptions = { providers: [] };
`;
  return `import { definePrivateFiles, privateModel, signedIn, ${id.name} } from "next-private-files";
import { nextAuthSession } from "next-private-files/next-auth";
${input.authOptionsImport ? "" : `import type { AuthOptions } from "next-auth";\n`}${auth}
/**
 * ${/^[AEIOU]/.test(model) ? "An" : "A"} ${model} record as your ORM returns it.
 * TODO: use your ORM's own type instead (Prisma: import type { ${model} } from "@prisma/client").
 */
export interface ${model} {
  id: ${id.type};
  /** The stored file's path under the storage root (\`${uploadTo}/report.pdf\`); null when empty. */
  ${field}: string | null;
}
${authPlaceholder}
/** ${model}.${field}: who may download it (any signed-in user, for a start). */
export const ${variable} = privateModel({
  id: ${id.codec},
  // TODO: load the record with your ORM, e.g.
  //   load: (id) => prisma.${lowerFirst(model)}.findUnique({ where: { id } }),
  // Until then every download of ${/^[AEIOU]/.test(model) ? "an" : "a"} ${model} answers 503 and logs this error.
  load: async (id: ${id.type}): Promise<${model} | null> => {
    throw new Error(\`${declarationsPath}: load ${model} \${id} with your ORM (a placeholder written by next-private-files init)\`);
  },
}).fields({
  ${field}: {
    // New uploads go to this folder of the storage root, and downloads are confined to it.
    uploadTo: "${uploadTo}",
    // Who may download: a function of the request's user and the record, e.g.
    //   condition: (request, record) => request.user?.id === record.ownerId,
    condition: signedIn,
  },
});

/** The kit's configuration: what ${routePath} serves. */
export const privateFiles = definePrivateFiles({
  models: { ${model}: ${variable} },
  getSession: nextAuthSession(authOptions),
  // Files are read from PRIVATE_FILES_ROOT (default ./data/files): set it to a folder
  // outside the project in production.
  basePath: "${basePath}",
});

/** A record's download URL: ${basePath}/${model}/${field}/<id>/<name>. */
export const fileUrl = privateFiles.fileUrl;
`;
}

function lowerFirst(value: string): string {
  return value.charAt(0).toLowerCase() + value.slice(1);
}
