import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pngBomb } from "../support/png-bomb";
import { baseUrl, serverPid, storageRoot, workDir } from "./support/context";
import { deleteRow, insertImage, insertSubmission, query, writeStored } from "./support/fixtures";
import { eventually, treeRss } from "./support/process";
import { get, signIn, type CookieJar } from "./support/session";

// Image variants through `next start` (the demo declares them on SharedImage.image and
// FileSubmission.file, lib/files/image-variants.ts): the bytes decoded with sharp, resizes
// counted by the line the demo logs for each (on.variantGenerated), the original's
// authorization for every variant, links, validators, the refusals, the bomb, pre-generation
// at upload and deletion with the original.

const MiB = 1024 * 1024;
let alice: CookieJar;
let bob: CookieJar;
const images: number[] = [];
const submissions: number[] = [];

beforeAll(async () => {
  [alice, bob] = await Promise.all([signIn("alice@example.com"), signIn("bob@example.com")]);
});

afterAll(async () => {
  for (const id of images) await deleteRow("SharedImage", id);
  for (const id of submissions) await deleteRow("FileSubmission", id);
});

const photo = (width = 2000, height = 1500) =>
  sharp({ create: { width, height, channels: 3, background: { r: 30, g: 120, b: 200 } } })
    .composite([{ input: Buffer.from(`<svg width="${width}" height="${height}"><circle cx="${width / 2}" cy="${height / 2}" r="${height / 3}" fill="orange"/></svg>`) }])
    .png()
    .toBuffer();

/** A SharedImage row over a stored file: its URL path. */
async function sharedImage(bytes: Uint8Array, name: string): Promise<{ id: number; url: string; stored: string }> {
  const stored = await writeStored(`images/${randomUUID()}${path.extname(name)}`, bytes);
  const id = await insertImage({ file: stored, fileName: name, fileSize: bytes.length, title: `variants ${randomUUID()}` });
  images.push(id);
  return { id, url: `/files/SharedImage/image/${id}/${encodeURIComponent(name)}`, stored };
}

/** A FileSubmission of alice's (owner-only) over a stored image. */
async function submission(bytes: Uint8Array, name: string): Promise<{ id: number; url: string }> {
  const stored = await writeStored(`submissions/${randomUUID()}${path.extname(name)}`, bytes);
  const id = await insertSubmission({ owner: "alice@example.com", file: stored, fileName: name, fileSize: bytes.length });
  submissions.push(id);
  return { id, url: `/files/FileSubmission/file/${id}/${encodeURIComponent(name)}` };
}

/** The server's lines for variants made (lib/files/image-variants.ts logs one per resize). */
async function made(model: string, id: number | string, variant?: string): Promise<string[]> {
  const log = await fs.readFile(path.join(workDir(), "server.log"), "utf8");
  return log.split("\n").filter((line) => line.includes(`variant made: ${model} ${id} ${variant ?? ""}`));
}

const decoded = async (response: Response) => sharp(Buffer.from(await response.arrayBuffer())).metadata();

describe("a variant is the original, resized, made on its first request and then read", () => {
  it("has the declared width and format, decoded from its bytes, for ?variant= and for ?w=", async () => {
    const image = await sharedImage(await photo(), "Harbour at dusk.png");
    const medium = await get(`${image.url}?variant=medium`, { jar: alice });
    expect(medium.status).toBe(200);
    expect(medium.headers.get("content-type")).toBe("image/webp");
    expect(medium.headers.get("content-disposition")).toMatch(/^inline; filename="?Harbour at dusk\.webp"?/);
    expect(await decoded(medium)).toMatchObject({ format: "webp", width: 640, height: 480 });
    const preview = await get(`${image.url}?variant=preview`, { jar: alice });
    expect(preview.headers.get("content-type")).toBe("image/png");
    expect(await decoded(preview)).toMatchObject({ format: "png", width: 1280, height: 960 });
    const snapped = await get(`${image.url}?w=300`, { jar: alice });
    expect(await decoded(snapped)).toMatchObject({ format: "webp", width: 320, height: 240 });
    const largest = await get(`${image.url}?w=4000`, { jar: alice });
    expect(await decoded(largest)).toMatchObject({ width: 1280 });
  });

  it("a second request does not resize again: one line per variant, however often it is asked for", async () => {
    const image = await sharedImage(await photo(1600, 1200), "twice.png");
    const first = await get(`${image.url}?variant=medium`, { jar: alice });
    const bytes = new Uint8Array(await first.arrayBuffer());
    expect(await eventually(async () => (await made("SharedImage.image", image.id, "medium")).length === 1)).toBe(true);
    for (let i = 0; i < 3; i++) {
      const again = await get(`${image.url}?variant=medium`, { jar: alice });
      expect(new Uint8Array(await again.arrayBuffer())).toEqual(bytes);
      expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
    }
    await (await get(`${image.url}?w=640`, { jar: alice })).arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await made("SharedImage.image", image.id, "medium")).toHaveLength(1);
    expect(await made("SharedImage.image", image.id)).toHaveLength(1);
  });

  it("answers Range, If-None-Match (304) and HEAD with the variant's own validators", async () => {
    const image = await sharedImage(await photo(), "validators.png");
    const whole = await get(`${image.url}?variant=medium`, { jar: alice });
    const bytes = Buffer.from(await whole.arrayBuffer());
    const etag = whole.headers.get("etag")!;
    const original = await get(image.url, { jar: alice, method: "HEAD" });
    expect(original.headers.get("etag")).not.toBe(etag);
    expect(whole.headers.get("last-modified")).toBeTruthy();
    const part = await get(`${image.url}?variant=medium`, { jar: alice, headers: { Range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const unchanged = await get(`${image.url}?variant=medium`, { jar: alice, headers: { "If-None-Match": etag } });
    expect(unchanged.status).toBe(304);
    const head = await get(`${image.url}?variant=medium`, { jar: alice, method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(bytes.length));
    expect(head.headers.get("etag")).toBe(etag);
  });
});

describe("a variant is authorized exactly as its original", () => {
  it("SharedImage (any signed-in user): anonymous gets 401 for every variant and width", async () => {
    const image = await sharedImage(await photo(800, 600), "anon.png");
    for (const query of ["variant=thumb", "variant=medium", "variant=preview", "w=320", "w=1280"]) {
      const response = await get(`${image.url}?${query}`, { headers: { Accept: "*/*" } });
      expect([query, response.status]).toEqual([query, 401]);
    }
    expect(await made("SharedImage.image", image.id)).toEqual([]);
  });

  it("FileSubmission (owner-only): another user gets 403 for every variant, and nothing is made; the owner gets each", async () => {
    const item = await submission(await photo(), "mine.png");
    for (const query of ["variant=thumb", "variant=preview", "w=320", "w=2000", "variant=unknown"]) {
      expect([query, (await get(`${item.url}?${query}`, { jar: bob })).status]).toEqual([query, 403]);
    }
    expect(await made("FileSubmission.file", item.id)).toEqual([]);
    const thumb = await get(`${item.url}?variant=thumb`, { jar: alice });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-disposition")).toMatch(/^attachment; filename="?mine\.webp"?/);
    expect(await decoded(thumb)).toMatchObject({ format: "webp", width: 320 });
  });

  it("a signed link to a variant opens it without a session, and neither the original nor another variant", async () => {
    const item = await submission(await photo(), "shared.png");
    const response = await fetch(`${baseUrl()}/api/links`, {
      method: "POST",
      headers: { Cookie: alice.header, "Content-Type": "application/json" },
      body: JSON.stringify({ file: item.id, kind: "24h", variant: "thumb" }),
    });
    expect(response.status).toBe(201);
    const link = new URL(((await response.json()) as { url: string }).url);
    expect(link.searchParams.get("variant")).toBe("thumb");
    const token = link.searchParams.get("token")!;
    const opened = await get(`${link.pathname}${link.search}`);
    expect(opened.status).toBe(200);
    expect(await decoded(opened)).toMatchObject({ format: "webp", width: 320 });
    expect((await get(`${item.url}?token=${token}`)).status).toBe(403);
    expect((await get(`${item.url}?variant=preview&token=${token}`)).status).toBe(403);
    const bad = await fetch(`${baseUrl()}/api/links`, {
      method: "POST",
      headers: { Cookie: alice.header, "Content-Type": "application/json" },
      body: JSON.stringify({ file: item.id, kind: "24h", variant: "huge" }),
    });
    expect(bad.status).toBe(400);
  });
});

describe("the refusals", () => {
  it("unknown variant 404, variant with w 400, a malformed w 400, an SVG or a non-image 404", async () => {
    const image = await sharedImage(await photo(400, 300), "plain.png");
    expect((await get(`${image.url}?variant=poster`, { jar: alice })).status).toBe(404);
    expect((await get(`${image.url}?variant=thumb&w=320`, { jar: alice })).status).toBe(400);
    expect((await get(`${image.url}?w=wide`, { jar: alice })).status).toBe(400);
    const svg = await sharedImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), "vector.svg");
    expect((await get(`${svg.url}?variant=thumb`, { jar: alice })).status).toBe(404);
    const disguised = await sharedImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), "vector.png");
    expect((await get(`${disguised.url}?variant=thumb`, { jar: alice })).status).toBe(404);
    const text = await sharedImage(new TextEncoder().encode("just text"), "notes.txt");
    expect((await get(`${text.url}?variant=thumb`, { jar: alice })).status).toBe(404);
    expect(await made("SharedImage.image", svg.id)).toEqual([]);
  });

  it("a 50,000 x 50,000 PNG is a clean 422, with the server's memory bounded, and the server serves on", async () => {
    const image = await sharedImage(pngBomb(), "bomb.png");
    const idle = treeRss(serverPid());
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRss(serverPid()))), 10);
    let response: Response;
    try {
      response = await get(`${image.url}?variant=preview`, { jar: alice });
    } finally {
      clearInterval(sampler);
    }
    expect(response.status).toBe(422);
    expect(await response.text()).toMatch(/cannot be resized/);
    expect(peak - idle).toBeLessThan(100 * MiB);
    expect(await fs.readdir(path.join(storageRoot(), "images", ".variants", path.basename(image.stored))).catch(() => [])).toEqual([]);
    const healthy = await sharedImage(await photo(400, 300), "after-bomb.png");
    expect((await get(`${healthy.url}?variant=thumb`, { jar: alice })).status).toBe(200);
  });
});

describe("pre-generation and deletion, through POST /api/files", () => {
  const upload = async (bytes: Uint8Array, name: string, description: string) => {
    const form = new FormData();
    form.set("description", description);
    form.set("file", new Blob([new Uint8Array(bytes)]), name);
    return fetch(`${baseUrl()}/api/files`, { method: "POST", body: form, headers: { Cookie: alice.header } });
  };

  it("an uploaded image has its thumb made before the upload is answered; the first request reads it", async () => {
    const response = await upload(await photo(1200, 900), "uploaded.png", `pregenerated ${randomUUID()}`);
    expect(response.status).toBe(201);
    const item = (await response.json()) as { id: number; url: string };
    submissions.push(item.id);
    const [row] = await query<{ file: string }>(`SELECT "file" FROM "FileSubmission" WHERE "id" = ?`, [item.id]);
    const atUpload = await made("FileSubmission.file", "(upload)", "thumb");
    const line = atUpload.find((entry) => entry.includes(`key=submissions/.variants/${path.basename(row!.file)}/`));
    expect(line).toBeDefined();
    const thumb = await get(`${item.url}?variant=thumb`, { jar: alice });
    expect(await decoded(thumb)).toMatchObject({ format: "webp", width: 320, height: 240 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await made("FileSubmission.file", item.id, "thumb")).toEqual([]);
  });

  it("an upload whose record is refused (description too long) is deleted with its variants", async () => {
    const before = new Set(await made("FileSubmission.file", "(upload)", "thumb"));
    const response = await upload(await photo(640, 480), "refused.png", "x".repeat(5000));
    expect(response.status).toBe(400);
    const lines = (await made("FileSubmission.file", "(upload)", "thumb")).filter((line) => !before.has(line));
    expect(lines).toHaveLength(1);
    const key = /key=(\S+)/.exec(lines[0]!)![1]!;
    await expect(fs.stat(path.join(storageRoot(), key))).rejects.toThrow(/ENOENT/);
    await expect(fs.stat(path.join(storageRoot(), path.dirname(key)))).rejects.toThrow(/ENOENT/);
  });
});
