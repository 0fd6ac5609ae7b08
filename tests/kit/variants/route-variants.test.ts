import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createPrivateFileRoute,
  definePrivateFiles,
  intId,
  localFileStorage,
  owner,
  privateModel,
  type DenialEvent,
  type DownloadEvent,
  type FileStorage,
  type VariantGeneratedEvent,
} from "next-private-files";
import { deleteStoredFile } from "next-private-files/upload";
import { pngBomb } from "../../support/png-bomb";

// Variants through the route in process: real sharp, real local storage in a temp folder,
// records in a Map, the session from a header. What it shows: authorization first and the
// original's rules for every variant, generation once, the stored variant served with its
// own validators, the refusals (400, 404, 422), links that sign a variant.

type Photo = { id: number; ownerId: string; image: string | null; imageName: string | null };
const SECRET = "variant-link-secret-0123456789abcdef";

const BOMB = pngBomb();
let root: string;
let rows: Map<number, Photo>;
beforeEach(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pf-variants-")));
  await fs.mkdir(path.join(root, "photos"));
  await sharp({ create: { width: 1600, height: 1200, channels: 3, background: "#c04040" } }).png().toFile(path.join(root, "photos", "a.png"));
  await fs.writeFile(path.join(root, "photos", "b.svg"), '<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000"/>');
  await fs.writeFile(path.join(root, "photos", "c.png"), Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "latin1"), Buffer.alloc(200, 7)]));
  await fs.writeFile(path.join(root, "photos", "d.txt"), "not an image");
  await fs.writeFile(path.join(root, "photos", "e.png"), BOMB);
  rows = new Map([
    [1, { id: 1, ownerId: "7", image: "photos/a.png", imageName: "Holiday.png" }],
    [2, { id: 2, ownerId: "7", image: "photos/b.svg", imageName: "drawing.svg" }],
    [3, { id: 3, ownerId: "7", image: "photos/c.png", imageName: "broken.png" }],
    [4, { id: 4, ownerId: "7", image: "photos/d.txt", imageName: "notes.txt" }],
    [5, { id: 5, ownerId: "7", image: "photos/e.png", imageName: "bomb.png" }],
  ]);
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function setup(options: { storage?: FileStorage } = {}) {
  const generated: VariantGeneratedEvent[] = [];
  const downloads: DownloadEvent<Photo>[] = [];
  const denials: DenialEvent<Photo>[] = [];
  const logged: string[] = [];
  const photos = privateModel<Photo, number>({ id: intId, load: async (id) => rows.get(id) ?? null }).fields({
    image: {
      uploadTo: "photos",
      condition: owner("ownerId"),
      originalName: "imageName",
      attachment: false,
      links: { signed: true },
      variants: { thumb: { width: 320, format: "webp" }, medium: { width: 640 }, preview: { width: 1280, format: "jpeg" }, box: { height: 100 } },
    },
  });
  const files = definePrivateFiles({
    models: { photos },
    getSession: async (request) => {
      const user = request.headers.get("x-user");
      return user ? { user: { id: user } } : null;
    },
    storage: options.storage ?? localFileStorage({ root }),
    links: { secrets: [SECRET] },
    logger: { warn: (message) => void logged.push(message), error: (message) => void logged.push(message) },
    on: {
      variantGenerated: (event) => void generated.push(event),
      preDownload: (event) => void downloads.push(event),
      downloadDenied: (event) => void denials.push(event),
    },
  });
  const route = createPrivateFileRoute(files);
  const get = (url: string, headers: Record<string, string> = { "x-user": "7" }, method: "GET" | "HEAD" = "GET") =>
    route[method](new Request(new URL(url, "http://localhost"), { headers }));
  return { files, generated, downloads, denials, logged, get };
}

const decode = async (response: Response) => sharp(Buffer.from(await response.arrayBuffer())).metadata();
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("a variant is the original's file, resized", () => {
  it("?variant=thumb is a 320 px wide webp, named after the original, made once and then read", async () => {
    const { get, generated, downloads } = setup();
    const first = await get("/files/photos/image/1/Holiday.png?variant=thumb");
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("image/webp");
    expect(first.headers.get("content-disposition")).toBe('inline; filename=Holiday.webp');
    const meta = await decode(first);
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 320, 240]);
    const second = await get("/files/photos/image/1/Holiday.png?variant=thumb");
    expect(second.status).toBe(200);
    expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
    await second.arrayBuffer();
    await settle();
    expect(generated.map((event) => [event.variant, event.recordId, event.width, event.trigger])).toEqual([["thumb", "1", 320, "request"]]);
    expect(downloads.map((event) => event.variant)).toEqual(["thumb", "thumb"]);
    const stored = await fs.readdir(path.join(root, "photos", ".variants", "a.png"));
    expect(stored).toEqual([expect.stringMatching(/^thumb-[0-9a-f]{12}\.webp$/)]);
  });

  it("keeps the original's format when none is declared, and ?w= snaps to the declared widths", async () => {
    const { get } = setup();
    const medium = await get("/files/photos/image/1/Holiday.png?variant=medium");
    expect(medium.headers.get("content-type")).toBe("image/png");
    expect((await decode(medium)).width).toBe(640);
    const snapped = await get("/files/photos/image/1/Holiday.png?w=700");
    expect(snapped.headers.get("content-type")).toBe("image/jpeg");
    expect((await decode(snapped)).width).toBe(1280);
    const largest = await get("/files/photos/image/1/Holiday.png?w=5000");
    expect((await decode(largest)).width).toBe(1280);
    const box = await get("/files/photos/image/1/Holiday.png?variant=box");
    expect((await decode(box)).height).toBe(100);
  });

  it("answers ranges, 304 and HEAD from the variant's own validators, without generating again", async () => {
    const { get, generated } = setup();
    const whole = await get("/files/photos/image/1/Holiday.png?variant=thumb");
    const bytes = Buffer.from(await whole.arrayBuffer());
    const etag = whole.headers.get("etag")!;
    const original = await get("/files/photos/image/1/Holiday.png");
    expect(original.headers.get("etag")).not.toBe(etag);
    await original.arrayBuffer();
    const part = await get("/files/photos/image/1/Holiday.png?variant=thumb", { "x-user": "7", range: "bytes=0-9" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 0-9/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(0, 10));
    const unchanged = await get("/files/photos/image/1/Holiday.png?variant=thumb", { "x-user": "7", "if-none-match": etag });
    expect(unchanged.status).toBe(304);
    const head = await get("/files/photos/image/1/Holiday.png?variant=thumb", { "x-user": "7" }, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(bytes.length));
    await settle();
    expect(generated).toHaveLength(1);
  });

  it("makes a variant once for concurrent first requests", async () => {
    const { get, generated } = setup();
    const answers = await Promise.all(Array.from({ length: 12 }, () => get("/files/photos/image/1/Holiday.png?variant=preview")));
    const bodies = await Promise.all(answers.map(async (answer) => [answer.status, (await answer.arrayBuffer()).byteLength]));
    expect(new Set(bodies.map(([status]) => status))).toEqual(new Set([200]));
    expect(new Set(bodies.map(([, length]) => length)).size).toBe(1);
    await settle();
    expect(generated).toHaveLength(1);
  });
});

describe("a variant is authorized exactly as the original", () => {
  it("anonymous: 401, another user: 403, for every variant and width, with downloadDenied naming the variant; nothing is made", async () => {
    const { get, denials, generated } = setup();
    for (const query of ["variant=thumb", "variant=preview", "w=320", "variant=nope"]) {
      expect((await get(`/files/photos/image/1/Holiday.png?${query}`, {})).status).toBe(401);
      expect((await get(`/files/photos/image/1/Holiday.png?${query}`, { "x-user": "8" })).status).toBe(403);
    }
    expect(denials.map((event) => [event.variant, event.status])).toEqual([
      ["thumb", 401],
      ["thumb", 403],
      ["preview", 401],
      ["preview", 403],
      ["thumb", 401],
      ["thumb", 403],
      ["nope", 401],
      ["nope", 403],
    ]);
    await settle();
    expect(generated).toEqual([]);
    await expect(fs.readdir(path.join(root, "photos", ".variants"))).rejects.toThrow(/ENOENT/);
  });

  it("a link to a variant opens that variant only; a link to the original opens its variants too", async () => {
    const { files, get } = setup();
    const record = rows.get(1)!;
    const thumbLink = await files.signedFileUrl("photos", "image", record, { variant: "thumb" });
    expect(thumbLink).toMatch(/^\/files\/photos\/image\/1\/Holiday\.png\?variant=thumb&token=/);
    const token = new URL(thumbLink, "http://x").searchParams.get("token")!;
    const anonymous = {};
    expect((await get(thumbLink, anonymous)).status).toBe(200);
    expect((await get(`/files/photos/image/1/Holiday.png?token=${token}`, anonymous)).status).toBe(403);
    expect((await get(`/files/photos/image/1/Holiday.png?variant=preview&token=${token}`, anonymous)).status).toBe(403);
    expect((await get(`/files/photos/image/1/Holiday.png?w=1280&token=${token}`, anonymous)).status).toBe(403);
    expect((await get(`/files/photos/image/1/Holiday.png?w=320&token=${token}`, anonymous)).status).toBe(200);

    const originalLink = await files.signedFileUrl("photos", "image", record);
    expect(originalLink).not.toContain("variant=");
    const original = new URL(originalLink, "http://x").searchParams.get("token")!;
    for (const query of ["", "variant=thumb&", "variant=preview&", "w=640&"]) {
      expect((await get(`/files/photos/image/1/Holiday.png?${query}token=${original}`, anonymous)).status).toBe(200);
    }
  });

  it("fileUrl and signedFileUrl refuse an undeclared variant with a TypeError", async () => {
    const { files } = setup();
    expect(files.fileUrl("photos", "image", rows.get(1)!, { variant: "thumb" })).toBe("/files/photos/image/1/Holiday.png?variant=thumb");
    expect(() => files.fileUrl("photos", "image", rows.get(1)!, { variant: "huge" })).toThrow(TypeError);
    await expect(files.signedFileUrl("photos", "image", rows.get(1)!, { variant: "huge" })).rejects.toThrow(TypeError);
  });
});

describe("the refusals", () => {
  it("400 for variant and w together or a malformed w; 404 for an unknown variant, a wrong name, an SVG or a non-image", async () => {
    const { get, generated } = setup();
    for (const query of ["variant=thumb&w=320", "w=0", "w=abc", "w=99999"]) {
      const answer = await get(`/files/photos/image/1/Holiday.png?${query}`);
      expect(answer.status).toBe(400);
      expect(await answer.text()).toMatch(/^Bad Request: /);
    }
    expect((await get("/files/photos/image/1/Holiday.png?variant=huge")).status).toBe(404);
    expect((await get("/files/photos/image/1/Other.png?variant=thumb")).status).toBe(404);
    expect((await get("/files/photos/image/2/drawing.svg?variant=thumb")).status).toBe(404);
    expect((await get("/files/photos/image/4/notes.txt?variant=thumb")).status).toBe(404);
    await settle();
    expect(generated).toEqual([]);
  });

  it("422 for a corrupt image and for a 50,000 x 50,000 PNG (limitInputPixels), nothing stored", async () => {
    const { get, logged } = setup();
    const corrupt = await get("/files/photos/image/3/broken.png?variant=thumb");
    expect(corrupt.status).toBe(422);
    expect(await corrupt.text()).toMatch(/cannot be resized/);
    const before = process.memoryUsage().rss;
    const bomb = await get("/files/photos/image/5/bomb.png?variant=thumb");
    expect(bomb.status).toBe(422);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    expect(logged.filter((line) => line === "an image variant could not be made")).toHaveLength(2);
    expect(await fs.readdir(path.join(root, "photos", ".variants", "e.png")).catch(() => [])).toEqual([]);
  });

  it("a field with variants on a storage that cannot put is refused at start-up", () => {
    const readOnly: FileStorage = { open: async () => null, save: async () => ({ path: "", size: 0 }), delete: async () => undefined };
    expect(() => setup({ storage: readOnly })).toThrow(/variants need a storage that can put files/);
  });
});

describe("deleting the original", () => {
  it("deletes its variants, those of older options too", async () => {
    const { files, get } = setup();
    await (await get("/files/photos/image/1/Holiday.png?variant=thumb")).arrayBuffer();
    await fs.writeFile(path.join(root, "photos", ".variants", "a.png", "thumb-000000000000.webp"), "an older thumb");
    await deleteStoredFile(files, "photos", "image", "photos/a.png");
    await expect(fs.stat(path.join(root, "photos", "a.png"))).rejects.toThrow(/ENOENT/);
    await expect(fs.stat(path.join(root, "photos", ".variants", "a.png"))).rejects.toThrow(/ENOENT/);
    expect((await fs.readdir(path.join(root, "photos"))).sort()).toEqual([".variants", "b.svg", "c.png", "d.txt", "e.png"]);
  });
});
