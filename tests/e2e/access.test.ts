import fs from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl } from "../integration/support/context";
import { query } from "../integration/support/fixtures";
import { expectAccessible, launchChromium, newContext, screenshot, signInThroughPage, submitSignIn } from "./support/browser";
import { chromiumMissing } from "./support/chromium";

// Who gets what in a real browser: friendly refusal pages for people, plain answers
// for API clients, sign-in and back to the file, no open redirect, the staff page.

const ALICE_REPORT = "Alice's quarterly report";
const ALICE_TEXT = "Alice's private report.\n"; // scripts/seed.ts

async function aliceReportUrl(): Promise<string> {
  const [row] = await query<{ id: number; fileName: string }>(`SELECT "id", "fileName" FROM "FileSubmission" WHERE "description" = ?`, [ALICE_REPORT]);
  return `/files/FileSubmission/file/${row!.id}/${encodeURIComponent(row!.fileName)}`;
}

describe.skipIf(chromiumMissing() !== null)("access in the browser", () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let fileUrl: string;

  /** A page in a fresh profile (its own cookies). */
  async function freshPage(options: { bypassCSP?: boolean } = {}): Promise<Page> {
    const context = await newContext(browser, options);
    contexts.push(context);
    return context.newPage();
  }

  beforeAll(async () => {
    browser = await launchChromium();
    fileUrl = await aliceReportUrl();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("bob opening alice's file gets a friendly 403 page; his fetch() and API client get the plain answer", async () => {
    // bypassCSP: the refusal page forbids scripts, and axe is a script.
    const page = await freshPage({ bypassCSP: true });
    await signInThroughPage(page, "bob@example.com");
    const response = await page.goto(fileUrl);
    expect(response!.status()).toBe(403);
    expect(response!.headers()["content-type"]).toBe("text/html; charset=utf-8");
    expect(response!.headers()["content-disposition"]).toBeUndefined();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("You cannot open this file");
    expect(await page.content()).not.toContain(ALICE_TEXT.trim());
    await expect(page.getByRole("link", { name: "Back to my files" }).getAttribute("href")).resolves.toBe("/");
    await screenshot(page, "forbidden");
    await expectAccessible(page);

    // From a script in the page (Sec-Fetch-Mode: cors) and from an API client with bob's cookies.
    const fromScript = await page.evaluate(async (url) => {
      const answer = await fetch(url);
      return { status: answer.status, type: answer.headers.get("content-type"), body: await answer.text() };
    }, fileUrl);
    expect(fromScript).toEqual({ status: 403, type: "text/plain; charset=utf-8", body: "Forbidden\n" });
    const fromClient = await page.request.get(fileUrl, { headers: { Accept: "application/json" } });
    expect(fromClient.status()).toBe(403);
    expect(await fromClient.text()).toBe("Forbidden\n");
    const api = await page.request.get("/api/files");
    expect(api.headers()["content-type"]).toMatch(/^application\/json/);
  });

  it("a file that does not exist gets a friendly 404 page, and so does a page that does not exist", async () => {
    const page = await freshPage({ bypassCSP: true });
    await signInThroughPage(page, "alice@example.com");
    const missingFile = await page.goto("/files/FileSubmission/file/999999/nothing.txt");
    expect(missingFile!.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("File not found");
    await expectAccessible(page);
    const plain = await page.request.get("/files/FileSubmission/file/999999/nothing.txt");
    expect(await plain.text()).toBe("Not Found\n");

    const missingPage = await page.goto("/no-such-page");
    expect(missingPage!.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Page not found");
    await screenshot(page, "not-found");
    await expectAccessible(page);
  });

  it("a signed-out visitor opening a file URL is sent to sign in, and lands on the file after signing in", async () => {
    const page = await freshPage();
    // Playwright reports a navigation that becomes a download as an error: the sign-in redirect comes first.
    await page.goto(fileUrl);
    expect(new URL(page.url()).pathname).toBe("/signin");
    expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(fileUrl);
    await expect(page.getByRole("heading", { name: "Sign in", level: 1 }).isVisible()).resolves.toBe(true);
    await expectAccessible(page);

    const [download] = await Promise.all([page.waitForEvent("download"), submitSignIn(page, "alice@example.com")]);
    expect(new URL(download.url()).pathname).toBe(fileUrl);
    expect(download.suggestedFilename()).toBe("report-q3.txt");
    expect(await fs.readFile(await download.path(), "utf8")).toBe(ALICE_TEXT);
  });

  it.each([
    ["an absolute URL to another site", "https://evil.example/steal"],
    ["a protocol-relative URL", "//evil.example/steal"],
    ["a backslash trick", "/\\evil.example/steal"],
    ["a javascript: URL", "javascript:alert(1)"],
  ])("signing in never follows a callbackUrl off the site: %s", async (_label, callbackUrl) => {
    const page = await freshPage();
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    await submitSignIn(page, "alice@example.com");
    await page.waitForURL(`${baseUrl()}/`);
    await page.getByRole("heading", { name: "My files", level: 1 }).waitFor();
    expect(requested.filter((url) => !url.startsWith(baseUrl()))).toEqual([]);
  });

  it("staff see downloads per day as a chart and the latest denials; others get a friendly 403", async () => {
    const page = await freshPage();
    await signInThroughPage(page, "staff@example.com");
    await page.goto("/staff");
    const today = new Date().toISOString().slice(0, 10);
    const bar = page.locator(`[data-testid="downloads-chart"] rect[data-day="${today}"]`);
    const before = Number(await bar.getAttribute("data-downloads"));

    // One more download (the shared price list) and one anonymous refusal, then reload.
    const counted = await page.request.get("/api/files");
    const { files } = (await counted.json()) as { files: { model: string; url: string }[] };
    const price = files.find((f) => f.model === "CountedDownload")!;
    expect((await page.request.get(price.url)).status()).toBe(200);
    const anonymous = await fetch(new URL(fileUrl, baseUrl()));
    expect(anonymous.status).toBe(401);
    // The download is recorded once its body has ended, in the background: reload until it shows.
    const deadline = Date.now() + 10_000;
    do await page.reload();
    while (Number(await bar.getAttribute("data-downloads")) === before && Date.now() < deadline);

    expect(Number(await bar.getAttribute("data-downloads"))).toBe(before + 1);
    expect(Number(await bar.getAttribute("height"))).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="downloads-chart"] rect').count()).toBe(14);
    expect(await page.locator("#chart-desc").textContent()).toMatch(/^\d+ downloads? in the last 14 days/);
    const latest = page.getByTestId("denials").locator("tbody tr").first();
    expect(await latest.locator("td").allTextContents()).toEqual([expect.any(String), "anonymous", expect.stringMatching(/^FileSubmission\.file #\d+$/), "anonymous", "401", expect.stringMatching(/^[1-9]\d*$/)]);
    await screenshot(page, "staff");
    await expectAccessible(page);

    const alice = await freshPage();
    await signInThroughPage(alice, "alice@example.com");
    const refused = await alice.goto("/staff");
    expect(refused!.status()).toBe(403);
    expect(await alice.getByRole("heading", { level: 1 }).textContent()).toBe("You cannot open this page");
    expect(await alice.locator("[data-testid=downloads-chart]").count()).toBe(0);
    await expectAccessible(alice);
  });

  it("every control on the main pages has a name (labels checked beyond axe)", async () => {
    const page = await freshPage();
    await signInThroughPage(page, "staff@example.com");
    for (const path of ["/", "/staff"]) {
      await page.goto(path);
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>("a, button, input, select, textarea, progress, video, summary")]
          .filter((el) => {
            const labelled = el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || (el as HTMLInputElement).labels?.length;
            return !labelled && !(el.textContent ?? "").trim() && el.getAttribute("type") !== "hidden";
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      expect(unnamed, path).toEqual([]);
    }
  });
});
