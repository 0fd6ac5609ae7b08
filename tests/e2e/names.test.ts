import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import { parse as parseDisposition } from "content-disposition";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, newContext, signInThroughPage } from "./support/browser";
import { chromiumMissing } from "./support/chromium";

// A name with double quotes, picked in the upload form of a real browser. The form
// uploads over tus, the name base64-encoded in Upload-Metadata (no escaping at all); a
// multipart form would send `filename="Report %22final%22.pdf"`, which the kit decodes
// (tests/kit/upload/upload-limits.test.ts). Either way the list and the download show
// the name the person chose.

const NAME = 'Report "final".pdf';
const BYTES = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(20_000, "quoted name test\n")]);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe.skipIf(chromiumMissing() !== null)("a file name with double quotes, uploaded through the form", () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await (await newContext(browser)).newPage();
    await signInThroughPage(page, "bob@example.com");
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("is listed and downloaded as Report \"final\".pdf, not Report %22final%22.pdf", async () => {
    await page.locator("#upload-file").setInputFiles({ name: NAME, mimeType: "application/pdf", buffer: BYTES });
    const [answer] = await Promise.all([
      // The last PATCH completes the upload: its answer is the new file's item.
      page.waitForResponse((response) => new URL(response.url()).pathname.startsWith("/uploads/") && response.request().method() === "PATCH"),
      page.getByRole("button", { name: "Upload" }).click(),
    ]);
    expect(answer.status()).toBe(200);
    expect(((await answer.json()) as { filename: string }).filename).toBe(NAME);

    const link = page.getByTestId("file-row").getByRole("link", { name: NAME, exact: true });
    await link.waitFor();
    expect(await page.getByRole("link", { name: "Report %22final%22.pdf" }).count()).toBe(0);

    // The answer names the file exactly (the same request the click makes, with the page's cookies)…
    const href = (await link.getAttribute("href"))!;
    expect(decodeURIComponent(href)).toMatch(/\/Report "final"\.pdf$/);
    const header = (await page.context().request.get(href)).headers()["content-disposition"]!;
    expect(parseDisposition(header).parameters.filename).toBe(NAME);
    // …and Chromium saves it under that name with its own stand-in for the quotes,
    // which no file system it supports allows everywhere ("_"): not %22.
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe("Report _final_.pdf");
    expect(sha256(await fs.readFile(await download.path()))).toBe(sha256(BYTES));
  });
});
