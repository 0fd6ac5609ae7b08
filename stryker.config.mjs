// @ts-check
// npm run mutate: mutation testing of the kit's security core, against the kit's tests
// (tests/kit, listed in vitest.stryker.config.mts). Scores and the equivalent mutants are in docs/security.md.

/** The files whose every mutant the kit's tests must notice. */
export const SECURITY_CORE = [
  "lib/private-files/src/route/parse-path.ts",
  "lib/private-files/src/storage/safe-path.ts",
  "lib/private-files/src/storage/local.ts",
  "lib/private-files/src/links/token.ts",
  "lib/private-files/src/links/check-link.ts",
  "lib/private-files/src/links/resume-cookie.ts",
  "lib/private-files/src/route/handle-download.ts",
  "lib/private-files/src/route/rejection.ts",
  "lib/private-files/src/route/stages/resolve.ts",
  "lib/private-files/src/route/stages/authorize.ts",
  "lib/private-files/src/route/stages/open.ts",
  "lib/private-files/src/route/stages/plan.ts",
  "lib/private-files/src/route/stages/spend-link.ts",
  "lib/private-files/src/route/stages/deliver.ts",
  "lib/private-files/src/delivery/modes/stream.ts",
  "lib/private-files/src/http/range.ts",
  "lib/private-files/src/http/conditional.ts",
];

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
const config = {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  // related: false, because vitest finds no test "related" to a mutated file that the
  // tests import through an alias (the "@/" of old, "next-private-files" now): static
  // mutants then ran no test and survived.
  vitest: { configFile: "vitest.stryker.config.mts", related: false },
  mutate: SECURITY_CORE,
  coverageAnalysis: "perTest",
  incremental: false,
  // Two cores on CI, shared: more test runners only queue behind each other.
  concurrency: 2,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  // Only what the kit's tests need goes into the sandbox.
  ignorePatterns: ["/.next", "/data", "/reports", "/bench/results", "/tests/.tmp", "/public/bench-public"],
  thresholds: { high: 90, low: 90, break: null },
  cleanTempDir: "always",
};

export default config;
