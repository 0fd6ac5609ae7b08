import fs from "node:fs";

// Debian's Chromium, driven by playwright-core (`npx playwright install` cannot
// download here). CHROMIUM_PATH points elsewhere when needed. No vitest import:
// the global setup reads this too.

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Why the browser tests cannot run here, or null when they can. */
export function chromiumMissing(): string | null {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
    return null;
  } catch {
    return `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  }
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

