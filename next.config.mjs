// What `next build` must never copy into `.next/standalone` (docs/deploying.md): the
// demo's database, stored files and generated secrets all live in ./data, and a
// Docker image built from the standalone output would carry them. The kit's fs calls
// are marked so Turbopack does not trace them (lib/private-files/storage/local.ts);
// this keeps the folder out even if some other code ever makes the tracer look there.
const PRIVATE_DATA = ["./data/**/*", "./.env", "./.env.*", "./tests/.tmp/**/*", "./bench/results/**/*"];

// Pages must not be framed by another site (clickjacking): CSP frame-ancestors for
// current browsers, X-Frame-Options for old ones. Not on file answers (/files/): Next
// would put this policy in place of theirs, a sandbox CSP (lib/private-files/http/headers.ts),
// and downloads skip the extra header work.
const NO_FRAMING = [
  { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
  { key: "X-Frame-Options", value: "DENY" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PRIVATE_FILES_STANDALONE=1 next build: a self-contained server in .next/standalone
  // (the Docker way; docs/deploying.md). The integration tests build that way, then run
  // the same build with `next start` too (it only warns when the setting is on at start).
  output: process.env.PRIVATE_FILES_STANDALONE === "1" ? "standalone" : undefined,
  outputFileTracingExcludes: { "/*": PRIVATE_DATA, "/**/*": PRIVATE_DATA },
  // The file route streams from disk and loads native better-sqlite3 (or pg): keep these
  // packages as real Node modules instead of bundling them.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "@prisma/adapter-pg"],
  poweredByHeader: false,
  // forbidden() and app/forbidden.tsx: the staff page answers 403 with a page to non-staff.
  // proxyClientMaxBodySize: Next copies the body of a request it runs proxy.ts for into
  // memory. Bodied requests reach the proxy only when their path has a `%` (proxy.ts),
  // and no route of the app takes a body at such a path: keep that copy small.
  experimental: { authInterrupts: true, proxyClientMaxBodySize: 16 * 1024 },
  // The app's own type check; tests are checked by `npm run typecheck`.
  typescript: { tsconfigPath: "tsconfig.next.json" },
  async headers() {
    return [{ source: "/((?!files/).*)", headers: NO_FRAMING }];
  },
};

export default nextConfig;
