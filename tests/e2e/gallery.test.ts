import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHARED_IMAGE_VARIANTS } from "@/lib/files/image-variants";
import { GALLERY_PHOTOS } from "@/scripts/gallery-photos";
import { baseUrl } from "../integration/support/context";
import { expectAccessible, launchChromium, newContext, screenshot, signInThroughPage, submitSignIn } from "./support/browser";
import { chromiumMissing } from "./support/chromium";

// Private images through next/image in a real browser: the gallery and the file list's
// thumbnails load every candidate of srcset from the kit's file route (`?w=`), with the
// session's cookie, never through Next's optimizer (/_next/image, which would get 401).
//
// SharedImage.image's width variants, as lib/files/image-variants.ts declares them: the
// kit answers `?w=n` with the smallest of these at least n wide, else the largest.
const DECLARED_WIDTHS: number[] = Object.values(SHARED_IMAGE_VARIANTS).map((variant) => variant.width);

/** The declared width the kit snaps a requested `w` to (design: the smallest >= w, else the largest). */
function snapped(w: number): number {
  const sorted = [...DECLARED_WIDTHS].sort((a, b) => a - b);
  return sorted.find((width) => width >= w) ?? sorted.at(-1)!;
}

/** The widths a variant of `original` px may have for `w`: the declared one, or the original's if the kit does not enlarge. */
function variantWidths(w: number, original: number): number[] {
  return [...new Set([snapped(w), Math.min(snapped(w), original)])];
}

const originalWidth = (title: string) => GALLERY_PHOTOS.find((photo) => photo.title === title)!.width;

interface Shown {
  title: string;
  src: string;
  srcset: string;
  currentSrc: string;
  complete: boolean;
  naturalWidth: number;
  /** The original's URL, the tile's link. */
  href: string;
}

interface Candidate {
  url: URL;
  descriptor: number;
}

function candidates(srcset: string, base: string): Candidate[] {
  return srcset.split(", ").map((entry) => {
    const [url, descriptor] = entry.trim().split(/\s+/);
    expect(descriptor, entry).toMatch(/^\d+w$/);
    return { url: new URL(url!, base), descriptor: Number.parseInt(descriptor!, 10) };
  });
}

const widthOf = (url: string) => Number(new URL(url).searchParams.get("w"));

/**
 * The width of the image the kit sent for `url`, decoded from the response the browser
 * got. Not `naturalWidth`: for a `w` candidate of srcset, Chromium reports the
 * density-corrected width (the bitmap's width times the slot's size over the
 * candidate's `w`: a 1600px original picked as 256w for a 200px slot reads 1250).
 */
async function servedWidth(responses: readonly Response[], url: string): Promise<number> {
  const answer = responses.find((response) => response.url() === url);
  if (!answer) throw new Error(`no response for ${url}`);
  const { width } = await sharp(await answer.body()).metadata();
  return width;
}

/** What the browser saw of one page: every response, every console error. */
function watch(page: Page) {
  const responses: Response[] = [];
  const errors: string[] = [];
  page.on("response", (response) => responses.push(response));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  return { responses, errors };
}

/** Scrolls each tile into view (the images load lazily), waits for it, and reads what it shows. */
async function galleryShown(page: Page): Promise<Shown[]> {
  const images = page.getByTestId("gallery-image");
  const count = await images.count();
  for (let i = 0; i < count; i++) {
    await images.nth(i).scrollIntoViewIfNeeded();
    await page.waitForFunction((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).currentSrc !== "", await images.nth(i).elementHandle());
  }
  return page.getByTestId("gallery-link").evaluateAll((links) =>
    links.map((link) => {
      const img = link.querySelector("img")!;
      return {
        title: link.querySelector(".gallery-title")!.textContent ?? "",
        src: img.getAttribute("src") ?? "",
        srcset: img.getAttribute("srcset") ?? "",
        currentSrc: img.currentSrc,
        complete: img.complete,
        naturalWidth: img.naturalWidth,
        href: (link as HTMLAnchorElement).href,
      };
    }),
  );
}

describe.skipIf(chromiumMissing() !== null)("the gallery and thumbnails in the browser", () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function signedInPage(viewport: { width: number; height: number }): Promise<{ page: Page; seen: ReturnType<typeof watch> }> {
    const context = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    const seen = watch(page);
    await signInThroughPage(page, "alice@example.com");
    return { page, seen };
  }

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("signed out, the gallery sends the visitor to sign in, and back to it after", async () => {
    const context = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    const response = await page.goto("/gallery");
    await page.waitForURL(/\/signin\?callbackUrl=%2Fgallery$/);
    expect(response!.status()).toBe(200);
    expect(await page.getByTestId("gallery-image").count()).toBe(0);
    await submitSignIn(page, "alice@example.com");
    await page.waitForURL(`${baseUrl()}/gallery`);
    await page.getByTestId("gallery-image").first().waitFor();
  });

  it("signed in, every image loads from the kit's file route at a width of its srcset: 200 image/*, no 401 or 403, no console error", async () => {
    const { page, seen } = await signedInPage({ width: 1100, height: 760 });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Gallery" }).click();
    await page.waitForURL(`${baseUrl()}/gallery`);
    await page.getByRole("heading", { name: "Gallery", level: 1 }).waitFor();
    const shown = await galleryShown(page);

    // Every seeded photo, and no video or other file of the field.
    expect(shown.map((image) => image.title)).toEqual(expect.arrayContaining(GALLERY_PHOTOS.map((photo) => photo.title)));
    expect(shown.map((image) => image.title)).not.toContain("Welcome video");
    for (const image of shown) {
      expect(image.complete, image.title).toBe(true);
      expect(image.naturalWidth, image.title).toBeGreaterThan(0);

      // srcset: the tile's own file URL (the link to the original) with w=, one per width.
      const original = new URL(image.href);
      expect(original.origin).toBe(baseUrl());
      expect(original.pathname).toMatch(/^\/files\/SharedImage\/image\/\d+\/[^/]+$/);
      expect(original.search).toBe("");
      const listed = candidates(image.srcset, page.url());
      expect(listed.length, image.srcset).toBeGreaterThan(2);
      for (const { url, descriptor } of listed) {
        expect(url.origin).toBe(baseUrl());
        expect(url.pathname).toBe(original.pathname);
        expect([...url.searchParams.keys()]).toEqual(["w"]);
        expect(Number(url.searchParams.get("w"))).toBe(descriptor);
      }
      expect(new Set(listed.map(({ descriptor }) => descriptor)).size).toBe(listed.length);
      expect(image.srcset).not.toContain("/_next/image");
      expect(image.src).not.toContain("/_next/image");
      // The browser took one of the candidates.
      expect(listed.map(({ url }) => url.href)).toContain(image.currentSrc);

      const answer = seen.responses.find((response) => response.url() === image.currentSrc);
      expect(answer, `a response for ${image.currentSrc}`).toBeDefined();
      expect(answer!.status(), image.currentSrc).toBe(200);
      expect(answer!.headers()["content-type"], image.currentSrc).toMatch(/^image\//);
    }
    // The encoded name of "Café terrace.jpg" reached the kit as it was made.
    expect(shown.find((image) => image.title === "Café terrace")!.currentSrc).toMatch(/\/Caf%C3%A9%20terrace\.jpg\?w=\d+$/);

    expect(seen.responses.filter((response) => new URL(response.url()).pathname.startsWith("/_next/image")).map((r) => r.url())).toEqual([]);
    expect(seen.responses.filter((response) => response.status() === 401 || response.status() === 403).map((r) => `${r.status()} ${r.url()}`)).toEqual([]);
    expect(seen.errors).toEqual([]);
    await screenshot(page, "gallery");
  });

  it("at a narrow and a wide viewport the browser asks for different widths, and gets the declared variant's (needs the variants)", async () => {
    const narrow = await signedInPage({ width: 400, height: 800 });
    await narrow.page.goto("/gallery");
    const small = await galleryShown(narrow.page);
    const wide = await signedInPage({ width: 1100, height: 760 });
    await wide.page.goto("/gallery");
    const large = await galleryShown(wide.page);

    expect(small.length).toBeGreaterThanOrEqual(GALLERY_PHOTOS.length);
    for (const [i, image] of small.entries()) {
      const other = large[i]!;
      expect(other.title).toBe(image.title);
      // Two columns of 50vw (200px) against three of 266px: 256w and 384w of Next's widths.
      expect(widthOf(image.currentSrc), image.title).toBeLessThan(widthOf(other.currentSrc));
      for (const [shown, { seen }] of [[image, narrow], [other, wide]] as const) {
        if (!GALLERY_PHOTOS.some((photo) => photo.title === shown.title)) continue;
        const w = widthOf(shown.currentSrc);
        // The kit snapped w to a declared width: the image is the variant, not the original.
        expect(variantWidths(w, originalWidth(shown.title)), `${shown.title} at w=${w}`).toContain(await servedWidth(seen.responses, shown.currentSrc));
      }
    }
    for (const { seen } of [narrow, wide]) {
      expect(seen.responses.filter((response) => response.status() >= 400).map((r) => `${r.status()} ${r.url()}`)).toEqual([]);
      expect(seen.errors).toEqual([]);
    }
  });

  it("has no accessibility violation at all (axe), at both sizes", async () => {
    for (const viewport of [{ width: 1100, height: 760 }, { width: 400, height: 800 }]) {
      const { page } = await signedInPage(viewport);
      await page.goto("/gallery");
      await galleryShown(page);
      await expectAccessible(page, { every: true });
    }
  });

  it("the file list shows the shared images' thumbnails through the loader: srcset of w= URLs, loaded from the kit", async () => {
    const { page, seen } = await signedInPage({ width: 1100, height: 760 });
    const title = "Harbour at dawn";
    const row = page.getByTestId("file-row").filter({ hasText: title });
    const thumbnail = row.getByTestId("image-preview");
    await thumbnail.scrollIntoViewIfNeeded();
    await page.waitForFunction((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).currentSrc !== "", await thumbnail.elementHandle());
    const shown = await thumbnail.evaluate((img: HTMLImageElement) => ({ srcset: img.getAttribute("srcset") ?? "", currentSrc: img.currentSrc, naturalWidth: img.naturalWidth, sizes: img.sizes }));
    const link = new URL((await row.getByTestId("file-link").getAttribute("href"))!, page.url());

    expect(shown.sizes).toBe("64px");
    const listed = candidates(shown.srcset, page.url());
    expect(listed.length).toBeGreaterThan(2);
    for (const { url, descriptor } of listed) {
      expect(url.pathname).toBe(link.pathname);
      expect(url.searchParams.get("w")).toBe(String(descriptor));
    }
    expect(shown.srcset).not.toContain("/_next/image");
    // 64 CSS pixels at a device pixel ratio of 1: the 64w candidate.
    expect(widthOf(shown.currentSrc)).toBe(64);
    expect(shown.naturalWidth).toBeGreaterThan(0);
    const answer = seen.responses.find((response) => response.url() === shown.currentSrc);
    expect(answer?.status()).toBe(200);
    expect(answer?.headers()["content-type"]).toMatch(/^image\//);
    // Needs the variants: the smallest declared width, not the 1600px original.
    expect(variantWidths(64, originalWidth(title))).toContain(await servedWidth(seen.responses, shown.currentSrc));

    // Every thumbnail of the list loaded (the seeded PNG logo among them).
    const previews = page.getByTestId("image-preview");
    for (let i = 0; i < (await previews.count()); i++) {
      await previews.nth(i).scrollIntoViewIfNeeded();
      await page.waitForFunction((img) => (img as HTMLImageElement).complete, await previews.nth(i).elementHandle());
      expect(await previews.nth(i).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    }
    expect(seen.responses.filter((response) => response.status() === 401 || response.status() === 403).map((r) => r.url())).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
});
