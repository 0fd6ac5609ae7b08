// @ts-check
// npm run mutate:ci: the subset CI runs (under 5 minutes on a 2-core runner): parse-path,
// safe-path, token and check-link, with the resume cookie check-link relies on; fails
// below a 90 % score. Run it with STRYKER_TESTS=ci (as npm run mutate:ci does), so that
// vitest.stryker.config.mts loads only the test files these four modules need.
import base from "./stryker.config.mjs";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
const config = {
  ...base,
  mutate: [
    "lib/private-files/src/route/parse-path.ts",
    "lib/private-files/src/storage/safe-path.ts",
    "lib/private-files/src/links/token.ts",
    "lib/private-files/src/links/check-link.ts",
    "lib/private-files/src/links/resume-cookie.ts",
  ],
  reporters: ["clear-text", "progress"],
  thresholds: { high: 90, low: 90, break: 90 },
};

export default config;
