/** @type {import('next').NextConfig} */
const nextConfig = {
  // The file route streams from disk and loads native better-sqlite3 (or pg): keep these
  // packages as real Node modules instead of bundling them.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "@prisma/adapter-pg"],
  poweredByHeader: false,
  // forbidden() and app/forbidden.tsx: the staff page answers 403 with a page to non-staff.
  experimental: { authInterrupts: true },
  // The app's own type check; tests are checked by `npm run typecheck`.
  typescript: { tsconfigPath: "tsconfig.next.json" },
};

export default nextConfig;
