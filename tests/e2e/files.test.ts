import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatSize } from "@/app/_components/format";
import { deleteRow, insertImage, writeStored } from "../integration/support/fixtures";
import { maxUploadBytes } from "../integration/support/context";
import { expectAccessible, launchChromium, newContext, screenshot, signInThroughPage } from "./support/browser";
import { chromiumMissing } from "./support/chromium";

// Alice's day in a real browser: sign in through the page, upload by drag and drop
// with a progress bar, download by clicking, previews, the video, the counter.

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

// Accents, an emoji (outside the BMP) and a space: the name must survive the upload,
// the listing, the URL and Content-Disposition. About 1 MB of valid UTF-8 text.
const NAME = "Café déjà vu 🎉 résumé.txt";
const BYTES = Buffer.from("Ça déménage : naïve façade, crème brûlée.\n".repeat(24_000));

describe.skipIf(chromiumMissing() !== null)("alice in the browser", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    context = await newContext(browser);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const row = (filename: string) => page.getByTestId("file-row").filter({ has: page.getByRole("link", { name: filename, exact: true }) });

  it("signs in through the sign-in page", async () => {
    await page.goto("/");
    // Signed out, the home page sends the visitor to sign in.
    await page.waitForURL(/\/signin\?callbackUrl=%2F$/);
    await screenshot(page, "sign-in");
    await signInThroughPage(page, "alice@example.com");
    await expect(page.getByRole("navigation", { name: "Main" }).textContent()).resolves.toContain("My files");
  });

  it("uploads a file dropped on the drop zone, with the progress bar moving, and lists it with its size and date", async () => {
    // Slow the upload to 512 KB/s so the progress events are many and visible.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 512 * 1024 });
    // Record every value the progress bar shows, frame by frame.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      const tick = () => {
        const bar = document.querySelector("progress");
        if (bar && seen.at(-1) !== bar.value) seen.push(bar.value);
        requestAnimationFrame(tick);
      };
      tick();
    });

    // Drop the file as a drag from the desktop would.
    const transfer = await page.evaluateHandle(
      ({ name, base64 }) => {
        const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([data], name, { type: "text/plain" }));
        return dt;
      },
      { name: NAME, base64: BYTES.toString("base64") },
    );
    const dropzone = page.getByTestId("dropzone");
    await dropzone.dispatchEvent("dragenter", { dataTransfer: transfer });
    await dropzone.dispatchEvent("drop", { dataTransfer: transfer });
    await page.getByText(`Chosen: ${NAME}`).waitFor();
    await page.getByLabel("Description").fill("Notes for the trip");

    const started = Date.now();
    await page.getByRole("button", { name: "Upload" }).click();
    await page.getByRole("progressbar", { name: "Upload progress" }).waitFor({ state: "visible" });
    await page.getByRole("status").filter({ hasText: `Uploaded ${NAME}.` }).waitFor();
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    expect(seen.at(-1)).toBe(100);
    expect(seen.filter((value) => value > 0 && value < 100).length, `progress values ${seen.join(", ")}`).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(await page.getByRole("progressbar", { name: "Upload progress" }).isVisible()).toBe(true);

    // Listed (router.refresh) with its description, size and upload time.
    const listed = row(NAME);
    await listed.waitFor();
    // The first cell is the zip checkbox; the description comes next.
    expect(await listed.getByRole("cell").nth(1).textContent()).toBe("Notes for the trip");
    expect(await listed.getByTestId("file-size").textContent()).toBe(formatSize(BYTES.length));
    const uploadedAt = Date.parse((await listed.getByTestId("file-date").getAttribute("datetime"))!);
    expect(uploadedAt).toBeGreaterThanOrEqual(started - 1000);
    expect(uploadedAt).toBeLessThanOrEqual(Date.now() + 1000);
    await screenshot(page, "my-files");
    await expectAccessible(page);
  });

  it("downloads it by clicking: the saved file has the original name and the same sha256", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), row(NAME).getByRole("link", { name: NAME }).click()]);
    expect(download.suggestedFilename()).toBe(NAME);
    const saved = await fs.readFile(await download.path());
    expect(saved.length).toBe(BYTES.length);
    expect(sha256(saved)).toBe(sha256(BYTES));
  });

  it("downloads two ticked files as one zip, by keyboard: a valid zip with both, under their names, counted once", async () => {
    await page.reload();
    const counted = page.getByTestId("file-row").filter({ has: page.locator('[data-model="CountedDownload"]') }).first();
    const countedName = (await counted.getByTestId("file-link").textContent())!;
    const before = Number(await counted.getByTestId("download-count").textContent());
    await page.getByRole("checkbox", { name: `Select ${NAME} for the zip` }).check();
    await page.getByRole("checkbox", { name: `Select ${countedName} for the zip` }).check();
    const button = page.getByRole("button", { name: "Download as zip" });
    await button.focus();
    const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
    expect(download.suggestedFilename()).toBe("my-files.zip");
    const zip = await download.path();
    const listed = execFileSync("unzip", ["-Z1", zip], { encoding: "utf8" }).split("\n").filter(Boolean);
    expect(listed.sort()).toEqual([NAME, countedName].sort());
    expect(execFileSync("unzip", ["-t", zip], { encoding: "utf8" })).toContain("No errors detected");
    expect(sha256(execFileSync("unzip", ["-p", zip, NAME], { maxBuffer: 16 * 1024 * 1024 }))).toBe(sha256(BYTES));
    expect(await page.getByTestId("zip-status").textContent()).toBe("Saved my-files.zip (2 files).");
    await page.reload();
    expect(Number(await counted.getByTestId("download-count").textContent())).toBe(before + 1);
  });

  it("explains refusals: a type not allowed, a file too large, content that does not match its extension", async () => {
    const input = page.locator("#upload-file");
    const error = page.getByTestId("upload-error");

    await input.setInputFiles({ name: "page.html", mimeType: "text/html", buffer: Buffer.from("<h1>hi</h1>") });
    expect(await error.textContent()).toMatch(/^This type of file is not allowed: “page\.html”\. Accepted: .*\.pdf/);

    await input.setInputFiles({ name: "huge.txt", mimeType: "text/plain", buffer: Buffer.alloc(maxUploadBytes() + 1, "a") });
    expect(await error.textContent()).toBe(`“huge.txt” is too large (${formatSize(maxUploadBytes() + 1)}): the limit is ${formatSize(maxUploadBytes())}.`);

    // The extension passes the form's check (and the resumable upload's creation); the
    // server reads the first bytes the form sends (PATCH /uploads/<id>) and answers 415.
    await input.setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: Buffer.from("%PDF-1.7\n% not a PNG\n") });
    expect(await error.count()).toBe(0);
    const [answer] = await Promise.all([
      page.waitForResponse((response) => new URL(response.url()).pathname.startsWith("/uploads/") && response.request().method() === "PATCH"),
      page.getByRole("button", { name: "Upload" }).click(),
    ]);
    expect(answer.status()).toBe(415);
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^This type of file is not allowed: .+\.$/);
    expect(await row("photo.png").count()).toBe(0);
  });

  it("the download count on the page goes up after a download", async () => {
    const counted = page.getByTestId("file-row").filter({ has: page.locator('[data-model="CountedDownload"]') }).first();
    const before = Number(await counted.getByTestId("download-count").textContent());
    const [download] = await Promise.all([page.waitForEvent("download"), counted.getByTestId("file-link").click()]);
    await download.path(); // the whole file arrived
    await page.reload();
    expect(Number(await counted.getByTestId("download-count").textContent())).toBe(before + 1);
  });

  it("shows the inline image preview", async () => {
    const image = page.getByTestId("image-preview").first();
    await image.waitFor();
    await page.waitForFunction((img) => (img as HTMLImageElement).complete, await image.elementHandle());
    expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  });

  it("an HTML file is downloaded, never rendered, even from the inline field", async () => {
    // The demo's upload form refuses HTML (above); a field that takes any type stores it,
    // as this fixture does in the inline field. Clicking it must download it.
    const html = Buffer.from("<!doctype html><title>pwned</title><script>alert('ran')</script><h1>rendered</h1>");
    const id = await insertImage({ file: await writeStored("images/e2e-page.html", html), fileName: "page.html", fileSize: html.length, title: "An HTML page" });
    try {
      const dialogs: string[] = [];
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.reload();
      const before = page.url();
      const [download] = await Promise.all([page.waitForEvent("download"), row("page.html").getByRole("link", { name: "page.html" }).click()]);
      expect(download.suggestedFilename()).toBe("page.html");
      expect((await fs.readFile(await download.path())).equals(html)).toBe(true);
      expect(page.url()).toBe(before);
      expect(await page.title()).not.toBe("pwned");
      expect(dialogs).toEqual([]);
    } finally {
      await deleteRow("SharedImage", id);
    }
  });

  it("plays the video through the route and seeks to its middle with range requests (206)", async () => {
    const video = page.getByTestId("video-preview");
    const src = new URL((await video.getAttribute("src"))!, page.url()).href;
    const answers: { status: number; range: string | null; contentRange: string | null }[] = [];
    page.on("response", (response) => {
      if (response.url() === src) answers.push({ status: response.status(), range: response.request().headers().range ?? null, contentRange: response.headers()["content-range"] ?? null });
    });
    await page.reload();

    const result = await video.evaluate(async (element: HTMLVideoElement) => {
      const once = (name: string) => new Promise((resolve) => element.addEventListener(name, resolve, { once: true }));
      const until = (check: () => boolean) =>
        new Promise<void>((resolve) => {
          const poll = () => (check() ? resolve() : requestAnimationFrame(poll));
          poll();
        });
      if (element.readyState < 1) await once("loadedmetadata");
      element.muted = true;
      await element.play();
      await until(() => element.currentTime > 0.5);
      element.pause();
      const middle = element.duration / 2;
      element.currentTime = middle;
      await once("seeked");
      await element.play();
      await until(() => element.currentTime > middle + 0.5);
      element.pause();
      return { duration: element.duration, middle, now: element.currentTime, width: element.videoWidth, error: element.error?.code ?? null };
    });
    expect(result.error).toBeNull();
    expect(result.width).toBe(320);
    expect(result.duration).toBeCloseTo(5, 1);
    expect(result.now).toBeGreaterThan(result.middle + 0.5);

    // Every answer to the player is a 206 with a Content-Range; the middle of the
    // file came in one that starts past byte 0 (a range the player asked for).
    expect(answers.length).toBeGreaterThan(0);
    const parsed = answers.map((a) => {
      expect(a.status, JSON.stringify(a)).toBe(206);
      const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(a.contentRange ?? "");
      expect(match, JSON.stringify(a)).not.toBeNull();
      return { start: Number(match![1]), end: Number(match![2]), size: Number(match![3]) };
    });
    const size = parsed[0]!.size;
    expect(parsed.some((r) => r.start > 0 && r.start <= size / 2 && r.end >= size / 2), JSON.stringify(answers)).toBe(true);
  });

  it("uploads with the keyboard alone: Tab to the drop zone, Space opens the file chooser, Enter uploads", async () => {
    await page.goto("/");
    await page.locator("body").focus();
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent || "");
    // Tab until the file input (inside the drop zone) has the focus.
    for (let i = 0; i < 10 && (await focused()) !== "upload-file"; i++) await page.keyboard.press("Tab");
    expect(await focused()).toBe("upload-file");
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.keyboard.press("Space")]);
    await chooser.setFiles({ name: "keyboard.txt", mimeType: "text/plain", buffer: Buffer.from("typed, not clicked\n") });
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("upload-description");
    await page.keyboard.type("From the keyboard");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Upload");
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "Uploaded keyboard.txt." }).waitFor();
    await row("keyboard.txt").waitFor();
  });
});
