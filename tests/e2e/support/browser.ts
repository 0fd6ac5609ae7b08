import path from "node:path";
import type { AxeResults } from "axe-core";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import { baseUrl } from "../../integration/support/context";
import { ROOT } from "../../integration/support/server";
import { CHROMIUM, CHROMIUM_ARGS } from "./chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** A fresh browser profile (no cookies) on the test server, at the screenshots' size. */
export function newContext(browser: Browser, options: { bypassCSP?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: baseUrl(),
    viewport: { width: 1100, height: 760 },
    locale: "en-GB",
    timezoneId: "UTC",
    acceptDownloads: true,
    bypassCSP: options.bypassCSP ?? false,
  });
}

export const PASSWORD = "demo-password";

/** Fills the sign-in form the way a person does (labels, button) and submits it. */
export async function submitSignIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in through /signin and waits for the file list. */
export async function signInThroughPage(page: Page, email: string): Promise<void> {
  await page.goto("/signin");
  await submitSignIn(page, email);
  await page.waitForURL(`${baseUrl()}/`);
  await page.getByRole("heading", { name: "My files", level: 1 }).waitFor();
}

/** Writes docs/screenshots/<name>.png (shown in docs/contributing.md). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ROOT, "docs", "screenshots", `${name}.png`), fullPage: true, animations: "disabled" });
}

const AXE = path.join(ROOT, "node_modules", "axe-core", "axe.min.js");

/**
 * Runs axe-core in the page and fails on any serious or critical violation (with
 * `{ every: true }`, on any violation at all), naming each rule and element. Pages under
 * a script-free CSP (the file route's refusal pages) need a context with bypassCSP for
 * the injected script to run.
 */
export async function expectAccessible(page: Page, options: { every?: boolean } = {}): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<AxeResults> } }).axe.run());
  expect(results.passes.length, "axe ran its rules").toBeGreaterThan(0);
  const serious = results.violations
    .filter((v) => options.every || v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, `axe on ${page.url()}`).toEqual([]);
}
