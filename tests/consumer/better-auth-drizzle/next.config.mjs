/** @type {import('next').NextConfig} */
const nextConfig = {
  // The native better-sqlite3 stays a real Node module, not bundled.
  serverExternalPackages: ["better-sqlite3"],
};

export default nextConfig;
