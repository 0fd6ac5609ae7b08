import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteRow, insertSubmission, query, writeStored } from "../integration/support/fixtures";
import { expectAccessible, launchChromium, newContext, screenshot, signInThroughPage } from "./support/browser";
import { chromiumMissing } from "./support/chromium";

// Sharing in a real browser: alice makes a 24-hour and a single-use link with the
// Share button, copies one to the clipboard; people without an account open them;
// a used or revoked link gets a page that says so.

const NAME = "Plan de table — mariage.pdf";
const BYTES = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.from("seating plan\n".repeat(4000))]);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe.skipIf(chromiumMissing() !== null)("sharing a file by link", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let fileId: number;
  const strangers: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    context = await newContext(browser);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    page = await context.newPage();
    const stored = await writeStored("submissions/plan-de-table.pdf", BYTES);
    fileId = await insertSubmission({ owner: "alice@example.com", file: stored, fileName: NAME, fileSize: BYTES.length, description: "Seating plan to share" });
  });
  afterAll(async () => {
    await browser?.close();
    await query(`DELETE FROM "FileLinkToken" WHERE "recordId" = ?`, [String(fileId)]);
    await deleteRow("FileSubmission", fileId);
  });

  /** Someone without an account opening `url` in their own browser. */
  async function stranger(): Promise<Page> {
    const other = await newContext(browser);
    strangers.push(other);
    return other.newPage();
  }

  /** Opens a link to an attachment: the browser saves it. */
  async function download(visitor: Page, url: string) {
    const [saved] = await Promise.all([visitor.waitForEvent("download"), visitor.goto(url).catch(() => undefined)]);
    return { name: saved.suggestedFilename(), bytes: await fs.readFile((await saved.path())!) };
  }

  const row = () => page.getByTestId("file-row").filter({ has: page.getByRole("link", { name: NAME, exact: true }) });

  it("Share makes a 24-hour and a single-use link, and Copy puts one on the clipboard", async () => {
    await signInThroughPage(page, "alice@example.com");
    await row().getByRole("button", { name: `Share ${NAME}` }).click();
    const day = row().getByLabel("24-hour link");
    const once = row().getByLabel("Single-use link");
    await day.waitFor();
    const [dayUrl, onceUrl] = [await day.inputValue(), await once.inputValue()];
    expect(dayUrl).toMatch(new RegExp(`/files/FileSubmission/file/${fileId}/.+\\?token=.+\\.m\\.`));
    expect(onceUrl).toMatch(/\?token=.+\.s\./);
    await row().getByRole("button", { name: "Copy 24-hour link" }).click();
    await row().getByText("24-hour link copied to the clipboard.").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(dayUrl);
    await expect(row().getByTestId("share-item").count()).resolves.toBe(2);
    await screenshot(page, "share");
    await expectAccessible(page);
  });

  it("someone without an account opens the 24-hour link: the browser saves the file under its name", async () => {
    const url = await row().getByLabel("24-hour link").inputValue();
    for (let i = 0; i < 2; i++) {
      const saved = await download(await stranger(), url);
      expect(saved.name).toBe(NAME);
      expect(sha256(saved.bytes)).toBe(sha256(BYTES));
    }
  });

  it("the single-use link works once; the second visitor gets a page saying it was used (410)", async () => {
    const url = await row().getByLabel("Single-use link").inputValue();
    const first = await download(await stranger(), url);
    expect(sha256(first.bytes)).toBe(sha256(BYTES));
    const second = await stranger();
    const response = await second.goto(url);
    expect(response?.status()).toBe(410);
    await second.getByRole("heading", { name: "This link has been used" }).waitFor();
  });

  it("alice revokes the 24-hour link: it opens a page saying so (403)", async () => {
    const url = await row().getByLabel("24-hour link").inputValue();
    const daily = row().getByTestId("share-item").filter({ hasText: "Any number of uses" });
    await daily.getByRole("button", { name: "Revoke this link" }).click();
    await row().getByText("Link revoked: it no longer opens the file.").waitFor();
    // The refreshed list: the 24-hour link revoked, the single-use one used.
    await row().locator('[data-testid="share-item"][data-state="revoked"]').waitFor();
    await expect(daily.getAttribute("data-state")).resolves.toBe("revoked");
    await expect(row().getByTestId("share-item").filter({ hasText: "Single use" }).getAttribute("data-state")).resolves.toBe("used");
    const visitor = await stranger();
    const response = await visitor.goto(url);
    expect(response?.status()).toBe(403);
    await visitor.getByRole("heading", { name: "This link was revoked" }).waitFor();
  });
});
