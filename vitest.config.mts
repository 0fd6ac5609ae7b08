import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

const root = path.dirname(new URL(import.meta.url).pathname);
// Tests import the kit by its package name; they run against its source (so that
// Stryker's mutants are what they test), never a stale dist.
const kitAlias = [
  { find: /^next-private-files$/, replacement: path.join(root, "lib/private-files/src/index.ts") },
  { find: /^next-private-files\/(.*)$/, replacement: path.join(root, "lib/private-files/src/$1.ts") },
];
// The demo's code also imports itself through "@/" (tsconfig.json's paths).
const alias = [...kitAlias, { find: "@", replacement: root }];

function integration(database: "sqlite" | "postgres", groupOrder: number) {
  return {
    resolve: { alias },
    test: {
      name: `integration-${database}`,
      include: ["tests/integration/**/*.test.ts"],
      // `*.postgres.test.ts` needs what only PostgreSQL gives (several app instances on
      // one database): it runs in the PostgreSQL project only. `*.sqlite.test.ts` moves
      // gigabytes, where the database plays no part: it runs once, in the SQLite project.
      exclude: [...configDefaults.exclude, database === "sqlite" ? "tests/integration/**/*.postgres.test.ts" : "tests/integration/**/*.sqlite.test.ts"],
      environment: "node",
      // One built app and one server (and database) per project (see global-setup.ts).
      globalSetup: ["tests/integration/global-setup.ts"],
      provide: { databaseKind: database },
      sequence: { groupOrder },
      testTimeout: 120_000,
      hookTimeout: 120_000,
      fileParallelism: false,
    },
  };
}

export default defineConfig({
  resolve: { alias },
  test: {
    // CI must never pass with a focused test hiding the rest.
    allowOnly: false,
    projects: [
      // The kit's own tests (tests/kit): no "@/" alias, so that one reaching into the demo
      // fails here as it fails tests/kit/tsconfig.json.
      {
        resolve: { alias: kitAlias },
        test: {
          name: "kit",
          include: ["tests/kit/**/*.test.ts"],
          environment: "node",
        },
      },
      // The demo's unit tests: its auth, database helpers, storage choice, bench routes, scripts.
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      // Every ts/tsx block of README.md and docs/*.md, type-checked against the kit's
      // public entry points (tests/docs/code-blocks.test.ts). A project of its own: it
      // generates a Prisma client and runs the TypeScript compiler (about 20 s).
      {
        resolve: { alias },
        test: {
          name: "docs",
          include: ["tests/docs/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      // The same integration tests twice, one project per database, each against
      // its own `next start` of the one build (see global-setup.ts). groupOrder
      // runs them one after the other, never at the same time: several tests
      // measure the server's memory, descriptors and timing.
      integration("sqlite", 1),
      integration("postgres", 2),
      // Chromium through playwright-core against its own `next start` (SQLite), on
      // the same build, after the integration projects (tests/e2e/global-setup.ts).
      {
        resolve: { alias },
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/e2e/global-setup.ts"],
          provide: { databaseKind: "sqlite" as const },
          sequence: { groupOrder: 3 },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      // The kit from the outside: `npm pack` once (tests/consumer/global-setup.ts), then
      // each app of tests/consumer/<app> installed from that tarball, built and served on
      // Node 24 by its own tests/consumer/<app>.test.ts. Last, as it rebuilds the kit's
      // dist and takes a few minutes (one native build, then a next build per app).
      {
        test: {
          name: "consumer",
          include: ["tests/consumer/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/consumer/global-setup.ts"],
          sequence: { groupOrder: 4 },
          testTimeout: 60_000,
          hookTimeout: 1_500_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
