import path from "node:path";
import { defineConfig } from "vitest/config";

// The kit's tests (tests/kit) that exercise its security core, for Stryker (npm run mutate;
// stryker.config.mjs). Two differences from the `kit` project in vitest.config.mts:
// - fast-check runs 200 cases per property (tests/kit/properties/runs.ts reads
//   FC_NUM_RUNS): enough to kill mutants, while each mutant's run stays short;
// - only the test files that reach the mutated modules. A "static" mutant (one in a
//   module-level constant such as a regex) runs every file listed here, so unrelated
//   files (S3 server, video sample, schema checks) would only cost time.
// STRYKER_TESTS=ci narrows the list to what the CI subset (stryker.ci.config.mjs) needs.
const root = path.dirname(new URL(import.meta.url).pathname);
// As the `kit` project in vitest.config.mts: the package name resolves to the kit's
// source (so the mutants are what the tests load), and there is no "@/" alias.
const alias = [
  { find: /^next-private-files$/, replacement: path.join(root, "lib/private-files/src/index.ts") },
  { find: /^next-private-files\/(.*)$/, replacement: path.join(root, "lib/private-files/src/$1.ts") },
];

const CI_TESTS = [
  "tests/kit/route/parse-path.test.ts",
  "tests/kit/properties/parse-path.test.ts",
  "tests/kit/storage/safe-path.test.ts",
  "tests/kit/links/link-token.test.ts",
  "tests/kit/properties/link-token.test.ts",
  "tests/kit/links/check-link.test.ts",
  "tests/kit/links/resume-cookie.test.ts",
];

const CORE_TESTS = [
  ...CI_TESTS,
  "tests/kit/storage/local-storage.test.ts",
  "tests/kit/storage/local-storage-without-proc.test.ts",
  "tests/kit/storage/file-stream.test.ts",
  "tests/kit/http/range.test.ts",
  "tests/kit/properties/range.test.ts",
  "tests/kit/http/conditional.test.ts",
  "tests/kit/auth/conditions.test.ts",
  "tests/kit/next/malformed-path.test.ts",
  "tests/kit/route/route.test.ts",
  "tests/kit/route/route-*.test.ts",
  "tests/kit/route/stages/*.test.ts",
  "tests/kit/delivery/delivery.test.ts",
  "tests/kit/delivery/delivery-registry.test.ts",
  "tests/kit/hooks/pre-download.test.ts",
  "tests/kit/upload/store-upload.test.ts",
  "tests/kit/upload/multipart.test.ts",
  "tests/kit/upload/file-types.test.ts",
];

export default defineConfig({
  resolve: { alias },
  test: {
    name: "kit",
    include: process.env.STRYKER_TESTS === "ci" ? CI_TESTS : CORE_TESTS,
    environment: "node",
    allowOnly: false,
    env: { FC_NUM_RUNS: "200" },
  },
});
