import type { ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, CDPSession, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, storageRoot, workDir } from "../integration/support/context";
import { deleteUser, insertUser, passwordHashOf, query } from "../integration/support/fixtures";
import { freePort, serverEnv, startNext, stopServer } from "../integration/support/server";
import { launchChromium, submitSignIn } from "./support/browser";
import { chromiumMissing } from "./support/chromium";

// The upload form's resumable uploads (tus, app/uploads) in real Chromium, with a 200 MiB
// file: a connection cut mid-way and a page reload, then Pause and Resume. Each checks
// the stored file's sha256 against the original. Through a `next start` of its own,
// on the shared database and storage root: the shared server's upload limit is 5 MiB.

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;
const EMAIL = "resumable-e2e@example.com";
// Uploads run at this rate (Chromium's network emulation) while the test acts on them
// mid-way, so that "at 30 %" is a moment a test can catch on loopback; lifted afterwards.
const THROTTLE_BYTES_PER_SECOND = 40 * MiB;

let server: ChildProcess | undefined;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;
let tempDir: string;
let videoPath: string;
let videoSha256: string;

/** An MP4's first box type (so the type check by content passes), then random bytes; its sha256. */
async function writeVideo(target: string, size: number): Promise<string> {
  const hash = createHash("sha256");
  const out = fs.createWriteStream(target);
  for (let written = 0; written < size; ) {
    const chunk = randomBytes(Math.min(8 * MiB, size - written));
    if (written === 0) chunk.set([0, 0, 0, 0x18, ...Buffer.from("ftypisom")]);
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    written += chunk.length;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return hash.digest("hex");
}

const sha256OfFile = async (file: string) => {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
};

/** The id of the test user's newest submission, 0 for none. */
const newestSubmissionId = () => newestSubmission().then((row) => row.id, () => 0);

/** The newest submission of the test user: what the upload's onUploadComplete recorded. */
async function newestSubmission(): Promise<{ id: number; file: string; fileName: string; fileSize: number }> {
  const [row] = await query<{ id: number; file: string; fileName: string; fileSize: number | string }>(
    `SELECT s."id", s."file", s."fileName", s."fileSize" FROM "FileSubmission" s JOIN "User" u ON u."id" = s."ownerId" WHERE u."email" = ? ORDER BY s."id" DESC LIMIT 1`,
    [EMAIL],
  );
  if (!row) throw new Error("no submission was recorded");
  return { ...row, id: Number(row.id), fileSize: Number(row.fileSize) };
}

const throttle = (uploadThroughput: number, offline = false) =>
  cdp.send("Network.emulateNetworkConditions", { offline, latency: 0, downloadThroughput: -1, uploadThroughput });

/** Waits until the progress bar shows at least `percent`. */
const progressReaches = (percent: number) =>
  page.waitForFunction((at) => (document.querySelector<HTMLProgressElement>('progress[aria-label="Upload progress"]')?.value ?? 0) >= at, percent, {
    polling: "raf",
  });

/** Every request to the tus route from now on: method, Upload-Offset (PATCH), and the answer's. */
function recordTus(): { requests: { method: string; offset: number | null; request: Request }[]; stop(): void } {
  const requests: { method: string; offset: number | null; request: Request }[] = [];
  const listener = (request: Request) => {
    if (!new URL(request.url()).pathname.startsWith("/uploads")) return;
    const offset = request.headers()["upload-offset"];
    requests.push({ method: request.method(), offset: offset === undefined ? null : Number(offset), request });
  };
  page.on("request", listener);
  return { requests, stop: () => page.off("request", listener) };
}

const uploadedNotice = (name: string) => page.getByRole("status").filter({ hasText: `Uploaded ${name}.` });

describe.skipIf(chromiumMissing() !== null)("resumable uploads in the browser", () => {
  beforeAll(async () => {
    tempDir = await fsp.mkdtemp(path.join(os.tmpdir(), "resumable-e2e-"));
    videoPath = path.join(tempDir, "field-recording.mp4");
    videoSha256 = await writeVideo(videoPath, SIZE);

    // A user of its own, with the seeded users' password: nobody else's file list changes.
    await insertUser({ email: EMAIL, passwordHash: await passwordHashOf("alice@example.com"), name: "Resumable" });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await startNext(port, { ...serverEnv(port, databaseUrl(), storageRoot()), PRIVATE_FILES_MAX_UPLOAD_BYTES: String(256 * MiB) }, path.join(workDir(), "resumable-server.log"));

    browser = await launchChromium();
    context = await browser.newContext({ baseURL: base, viewport: { width: 1100, height: 760 }, locale: "en-GB", timezoneId: "UTC" });
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await page.goto("/signin");
    await submitSignIn(page, EMAIL);
    await page.waitForURL(`${base}/`);
    await page.getByRole("heading", { name: "Upload a file" }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    if (server) await stopServer(server);
    const rows = await query<{ id: number; file: string }>(`SELECT s."id", s."file" FROM "FileSubmission" s JOIN "User" u ON u."id" = s."ownerId" WHERE u."email" = ?`, [EMAIL]);
    for (const row of rows) {
      await fsp.rm(path.join(storageRoot(), row.file), { force: true });
      await query(`DELETE FROM "FileSubmission" WHERE "id" = ?`, [row.id]);
    }
    // An upload a failing test left unfinished: its reservation (its bytes go with the temp storage root).
    await query(`DELETE FROM "PendingUpload" WHERE "userId" = (SELECT CAST("id" AS TEXT) FROM "User" WHERE "email" = ?)`, [EMAIL]);
    await deleteUser(EMAIL);
    if (tempDir) await fsp.rm(tempDir, { recursive: true, force: true });
  });

  it("a 200 MiB upload cut off mid-way, then the page reloaded, resumes where it stopped and stores the same bytes", async () => {
    await throttle(THROTTLE_BYTES_PER_SECOND);
    await page.locator("#upload-file").setInputFiles(videoPath);
    await page.getByLabel("Description").fill("Field recording, take 2");
    await page.getByRole("button", { name: "Upload", exact: true }).click();

    // Past 30 %: the network goes away (Chromium's offline emulation fails the requests
    // that follow; the PATCH under way may still end), and tus-js-client's retries fail.
    await progressReaches(30);
    await throttle(THROTTLE_BYTES_PER_SECOND, true);
    await page.getByTestId("upload-notice").filter({ hasText: "The connection dropped at" }).waitFor();

    // Back online, the page is reloaded (still throttled, so that a retry timer firing
    // before the old page goes cannot finish the upload), and the file is gone from it.
    await throttle(THROTTLE_BYTES_PER_SECOND, false);
    const head = page.waitForResponse((response) => response.request().method() === "HEAD" && new URL(response.url()).pathname.startsWith("/uploads/"));
    await page.reload();
    const offsetAfterReload = Number((await head).headers()["upload-offset"]);
    await throttle(-1);
    // The server kept what it got before the cut: more than 30 %, not all of it.
    expect(offsetAfterReload).toBeGreaterThanOrEqual(0.3 * SIZE);
    expect(offsetAfterReload).toBeLessThan(SIZE);

    const unfinished = page.getByTestId("unfinished-upload");
    await unfinished.filter({ hasText: "“field-recording.mp4”" }).waitFor();
    expect(await unfinished.textContent()).toContain(`${Math.floor((offsetAfterReload / SIZE) * 100)}% sent`);

    // Choosing the same file again continues that upload.
    const tus = recordTus();
    await page.locator("#upload-file").setInputFiles(videoPath);
    await page.getByText("Continues the unfinished upload from").waitFor();
    expect(await page.getByLabel("Description").inputValue()).toBe("Field recording, take 2");
    await page.getByRole("button", { name: "Resume upload" }).click();
    await uploadedNotice("field-recording.mp4").waitFor({ timeout: 60_000 });
    tus.stop();

    // No new upload was created: HEAD, then PATCHes from the stored offset on.
    expect(tus.requests.map((r) => r.method)).not.toContain("POST");
    const patches = tus.requests.filter((r) => r.method === "PATCH");
    expect(patches[0]?.offset).toBe(offsetAfterReload);
    // The server got the rest only: the PATCH bodies after the reload add up to what was missing.
    const resent = (await Promise.all(patches.map(async (r) => Number(await r.request.headerValue("content-length"))))).reduce((a, b) => a + b, 0);
    expect(resent).toBe(SIZE - offsetAfterReload);

    const stored = await newestSubmission();
    expect(stored.fileName).toBe("field-recording.mp4");
    expect(stored.fileSize).toBe(SIZE);
    expect(await sha256OfFile(path.join(storageRoot(), stored.file))).toBe(videoSha256);
    // Listed (router.refresh), and the browser forgot the finished upload.
    await page.getByTestId("file-row").filter({ hasText: "Field recording, take 2" }).waitFor();
    expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("tus::")))).toEqual([]);
  });

  it("a dropped connection is retried by itself: back online, the upload goes on and completes without a new upload", async () => {
    await page.reload();
    const before = await newestSubmissionId();
    await throttle(THROTTLE_BYTES_PER_SECOND);
    const tus = recordTus();
    await page.locator("#upload-file").setInputFiles(videoPath);
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await progressReaches(30);
    await throttle(THROTTLE_BYTES_PER_SECOND, true);
    await page.getByTestId("upload-notice").filter({ hasText: "The connection dropped at" }).waitFor();
    await page.waitForTimeout(500);
    // Online again, nobody touches the page: tus-js-client's next retry (retryDelays) resumes.
    await throttle(-1);
    await uploadedNotice("field-recording.mp4").waitFor({ timeout: 60_000 });
    tus.stop();
    expect(tus.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    // It asked the server where it stood (HEAD) before sending more.
    expect(tus.requests.map((r) => r.method)).toContain("HEAD");

    const stored = await newestSubmission();
    expect(stored.id).toBeGreaterThan(before);
    expect(await sha256OfFile(path.join(storageRoot(), stored.file))).toBe(videoSha256);
  });

  it("Pause stops sending, Resume goes on from the server's offset, and the stored file has the original's sha256", async () => {
    await page.reload();
    const before = await newestSubmissionId();
    await throttle(THROTTLE_BYTES_PER_SECOND);
    await page.locator("#upload-file").setInputFiles(videoPath);
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await progressReaches(30);
    await page.getByRole("button", { name: "Pause" }).click();
    const paused = page.getByTestId("upload-notice").filter({ hasText: "Paused at" });
    await paused.waitFor();

    // Paused means paused: nothing goes to the server, the bar stands still.
    const tus = recordTus();
    const bar = page.getByRole("progressbar", { name: "Upload progress" });
    const standing = await bar.getAttribute("value");
    await page.waitForTimeout(1500);
    expect(tus.requests).toEqual([]);
    expect(await bar.getAttribute("value")).toBe(standing);

    await throttle(-1);
    await page.getByRole("button", { name: "Resume" }).click();
    await uploadedNotice("field-recording.mp4").waitFor({ timeout: 60_000 });
    tus.stop();
    expect(tus.requests.map((r) => r.method)).not.toContain("POST");
    const patches = tus.requests.filter((r) => r.method === "PATCH");
    expect(patches[0]?.offset, "the first PATCH after Resume").toBeGreaterThanOrEqual(0.3 * SIZE);

    const stored = await newestSubmission();
    expect(stored.id).toBeGreaterThan(before);
    expect(stored.fileSize).toBe(SIZE);
    expect(await sha256OfFile(path.join(storageRoot(), stored.file))).toBe(videoSha256);
  });
});
