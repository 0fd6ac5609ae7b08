// better-auth is a devDependency of the kit (lib/private-files/node_modules), not of the
// workspace root, so a bare `import "better-auth"` from tests/kit resolves nothing. The
// kit's tests take it from here, by path: the same files an app gets through the
// package's exports ("better-auth" and "better-auth/db/migration"), with their types.
export { betterAuth } from "../../../lib/private-files/node_modules/better-auth/dist/index.mjs";
export type { BetterAuthOptions } from "../../../lib/private-files/node_modules/better-auth/dist/index.mjs";
export { getMigrations } from "../../../lib/private-files/node_modules/better-auth/dist/db/get-migration.mjs";
