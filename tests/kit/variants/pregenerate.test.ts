import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { definePrivateFiles, intId, localFileStorage, privateModel, type VariantGeneratedEvent } from "next-private-files";
import { beginUpload, finishUpload, memoryPendingUploads, storeUpload } from "next-private-files/upload";

// `pregenerate: true`: the variant is made once the upload is stored (and scanned), before
// the upload is answered, on both paths: storeUpload, and the finish the tus and direct
// routes share (finishUpload, before onUploadComplete makes the record). A non-image or
// a corrupt image is still accepted; its variant is only not made (and logged).

type Photo = { id: number; image: string | null };
let root: string;
let generated: VariantGeneratedEvent[];
let logged: string[];

beforeEach(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pf-pregenerate-")));
  generated = [];
  logged = [];
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function setup() {
  const photos = privateModel<Photo, number>({ id: intId, load: async () => null }).fields({
    image: {
      uploadTo: "photos",
      upload: { condition: (request) => request.user !== null },
      variants: { thumb: { width: 100, format: "webp", pregenerate: true }, preview: { width: 400 } },
    },
  });
  return definePrivateFiles({
    models: { photos },
    getSession: async (request) => (request.headers.get("x-user") ? { user: { id: request.headers.get("x-user")! } } : null),
    storage: localFileStorage({ root }),
    uploads: { pending: memoryPendingUploads() },
    logger: { warn: (message) => void logged.push(message), error: (message) => void logged.push(message) },
    on: { variantGenerated: (event) => void generated.push(event) },
  });
}

const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: "#123456" } }).png().toBuffer();
const variantsOf = async (stored: string) => fs.readdir(path.join(root, "photos", ".variants", path.basename(stored))).catch(() => []);
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("pregenerate", () => {
  it("storeUpload makes the pregenerate variants (only those) before it returns", async () => {
    const files = setup();
    const stored = await storeUpload(files, "photos", "image", new File([new Uint8Array(await png(800, 600))], "a.png"), { user: null });
    expect(await variantsOf(stored.path)).toEqual([expect.stringMatching(/^thumb-[0-9a-f]{12}\.webp$/)]);
    await settle();
    expect(generated.map((event) => [event.variant, event.recordId, event.trigger, event.width])).toEqual([["thumb", null, "upload", 100]]);
  });

  it("finishUpload (tus, direct) makes them before onUploadComplete is called", async () => {
    const files = setup();
    const request = new Request("http://app.test/uploads", { method: "POST", headers: { "x-user": "7" } });
    const bytes = await png(500, 500);
    const pending = await beginUpload(files, request, { model: "photos", field: "image", name: "b.png", size: bytes.length }, "tus");
    await fs.mkdir(path.dirname(path.join(root, pending.key)), { recursive: true });
    await fs.writeFile(path.join(root, pending.key), bytes);
    let atComplete: string[] = [];
    await finishUpload(files, request, pending, async (upload) => {
      atComplete = await variantsOf(upload.path);
      return upload.path;
    });
    expect(atComplete).toEqual([expect.stringMatching(/^thumb-[0-9a-f]{12}\.webp$/)]);
  });

  it("an upload that is not an image, or a corrupt one, is stored all the same, without variants", async () => {
    const files = setup();
    const text = await storeUpload(files, "photos", "image", new File(["just words"], "notes.txt"), { user: null });
    const broken = await storeUpload(files, "photos", "image", new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])], "broken.png"), { user: null });
    for (const stored of [text, broken]) {
      await expect(fs.stat(path.join(root, stored.path))).resolves.toBeTruthy();
      expect(await variantsOf(stored.path)).toEqual([]);
    }
    await settle();
    expect(generated).toEqual([]);
    expect(logged).toEqual(["a variant could not be made at upload time; it will be tried on its first request"]);
  });
});
