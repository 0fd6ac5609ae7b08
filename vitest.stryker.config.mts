import path from "node:path";
import { defineConfig } from "vitest/config";

// The unit tests that exercise the kit's security core, for Stryker (npm run mutate;
// stryker.config.mjs). Two differences from the `unit` project in vitest.config.mts:
// - fast-check runs 200 cases per property (tests/unit/properties/runs.ts reads
//   FC_NUM_RUNS): enough to kill mutants, while each mutant's run stays short;
// - only the test files that reach the mutated modules. A "static" mutant (one in a
//   module-level constant such as a regex) runs every file listed here, so unrelated
//   files (S3 server, video sample, schema checks) would only cost time.
// STRYKER_TESTS=ci narrows the list to what the CI subset (stryker.ci.config.mjs) needs.
const root = path.dirname(new URL(import.meta.url).pathname);
// As in vitest.config.mts: the package name resolves to the kit's source.
const alias = [
  { find: /^next-private-files$/, replacement: path.join(root, "lib/private-files/src/index.ts") },
  { find: /^next-private-files\/(.*)$/, replacement: path.join(root, "lib/private-files/src/$1.ts") },
  { find: "@", replacement: root },
];

const CI_TESTS = [
  "tests/unit/parse-path.test.ts",
  "tests/unit/properties/parse-path.test.ts",
  "tests/unit/safe-path.test.ts",
  "tests/unit/link-token.test.ts",
  "tests/unit/properties/link-token.test.ts",
  "tests/unit/check-link.test.ts",
  "tests/unit/resume-cookie.test.ts",
];

const CORE_TESTS = [
  ...CI_TESTS,
  "tests/unit/local-storage.test.ts",
  "tests/unit/local-storage-without-proc.test.ts",
  "tests/unit/file-stream.test.ts",
  "tests/unit/range.test.ts",
  "tests/unit/properties/range.test.ts",
  "tests/unit/conditional.test.ts",
  "tests/unit/conditions.test.ts",
  "tests/unit/malformed-path.test.ts",
  "tests/unit/route.test.ts",
  "tests/unit/route-*.test.ts",
  "tests/unit/delivery.test.ts",
  "tests/unit/pre-download.test.ts",
  "tests/unit/store-upload.test.ts",
  "tests/unit/multipart.test.ts",
  "tests/unit/file-types.test.ts",
];

export default defineConfig({
  resolve: { alias },
  test: {
    name: "unit",
    include: process.env.STRYKER_TESTS === "ci" ? CI_TESTS : CORE_TESTS,
    environment: "node",
    allowOnly: false,
    env: { FC_NUM_RUNS: "200" },
  },
});
