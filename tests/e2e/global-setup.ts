import type { TestProject } from "vitest/node";
import integrationSetup from "../integration/global-setup";
import { chromiumMissing } from "./support/chromium";

/**
 * The integration harness (one `next build` per run, shared with the integration
 * projects; `next start` on a free 127.0.0.1 port with a fresh SQLite database and
 * storage directory, migrated and seeded), when a browser is there to drive it.
 * Without Chromium the e2e tests skip with one line locally; in CI they fail.
 */
export default async function setup(project: TestProject) {
  const missing = chromiumMissing();
  if (missing !== null) {
    if (process.env.CI) throw new Error(`e2e: ${missing}; CI must run the browser tests`);
    console.warn(`e2e: skipped, ${missing}`);
    return undefined;
  }
  return integrationSetup(project);
}
