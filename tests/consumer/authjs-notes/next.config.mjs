/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native better-sqlite3 and its Prisma adapter must stay real Node modules, not bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3"],
};

export default nextConfig;
