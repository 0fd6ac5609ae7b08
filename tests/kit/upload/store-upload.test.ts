import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  definePrivateFiles,
  intId,
  localFileStorage,
  privateModel,
  UploadTooLargeError,
} from "next-private-files";
import { deleteStoredFile, safeExtension, storeUpload } from "next-private-files/upload";

type Doc = { id: number; file: string | null; image: string | null; name: string | null };

let tmp: string;
const records = new Map<number, Doc>();

function setup(options: { maxUploadBytes?: number } = {}) {
  const docs = privateModel<Doc, number>({ id: intId, load: async (id) => records.get(id) ?? null }).fields({
    file: { uploadTo: "submissions", originalName: "name" },
    image: { uploadTo: (name) => `images/${name.slice(0, 1).toLowerCase()}`, maxUploadBytes: 1000 },
  });
  return definePrivateFiles({
    models: { docs },
    getSession: async () => null,
    storage: localFileStorage({ root: tmp }),
    maxUploadBytes: options.maxUploadBytes,
    logger: { warn: () => undefined, error: () => undefined },
  });
}

/** Every file (not directory) under tmp, relative, including dot files. */
async function filesOnDisk(): Promise<string[]> {
  const entries = await fs.readdir(tmp, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => path.relative(tmp, path.join(e.parentPath, e.name)));
}

function unsizedStream(total: number, chunk = 16 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(chunk, total - sent);
      sent += n;
      controller.enqueue(randomBytes(n));
    },
  });
}

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "pf-upload-"));
  records.clear();
});

afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("storeUpload with a web File", () => {
  it("stores the bytes under uploadTo with a generated name that keeps the extension", async () => {
    const files = setup();
    const data = randomBytes(5000);
    const stored = await storeUpload(files, "docs", "file", new File([data], "Quarterly Report.PDF"));
    expect(stored.path).toMatch(/^submissions\/[0-9a-f-]{36}\.pdf$/);
    expect(stored.size).toBe(5000);
    expect(stored.originalName).toBe("Quarterly Report.PDF");
    expect((await fs.readFile(path.join(tmp, stored.path))).equals(data)).toBe(true);
  });

  it("cleans the original name of CR/LF, controls and path separators", async () => {
    const files = setup();
    const stored = await storeUpload(files, "docs", "file", new File(["x"], "../..\\evil\r\nname\u0000.txt"));
    expect(stored.originalName).not.toMatch(/[\r\n\u0000/\\]/);
    expect(stored.originalName).toBe(".._.._evilname.txt");
    expect(stored.path).toMatch(/^submissions\/[0-9a-f-]{36}\.txt$/);
  });

  it("gives an empty name a usable one and drops an unsafe extension", async () => {
    const files = setup();
    const stored = await storeUpload(files, "docs", "file", new File(["x"], ""));
    expect(stored.originalName).toBe("download");
    expect(stored.path).toMatch(/^submissions\/[0-9a-f-]{36}$/);
  });

  it("honours an uploadTo function, called with the cleaned name", async () => {
    const files = setup();
    const stored = await storeUpload(files, "docs", "image", new File([new Uint8Array(10)], "Photo.png"));
    expect(stored.path).toMatch(/^images\/p\/[0-9a-f-]{36}\.png$/);
    expect(await filesOnDisk()).toEqual([stored.path]);
  });

  it("enforces the field's maxUploadBytes before writing anything", async () => {
    const files = setup({ maxUploadBytes: 1_000_000 });
    await expect(storeUpload(files, "docs", "image", new File([new Uint8Array(1001)], "big.png"))).rejects.toBeInstanceOf(
      UploadTooLargeError,
    );
    expect(await filesOnDisk()).toEqual([]);
    await expect(fs.stat(path.join(tmp, "images"))).rejects.toMatchObject({ code: "ENOENT" });
    await expect(storeUpload(files, "docs", "image", new File([new Uint8Array(1000)], "ok.png"))).resolves.toMatchObject({ size: 1000 });
  });

  it("enforces the config's maxUploadBytes for a field without its own", async () => {
    const files = setup({ maxUploadBytes: 2000 });
    await expect(storeUpload(files, "docs", "file", new File([new Uint8Array(2001)], "big.bin"))).rejects.toMatchObject({
      name: "UploadTooLargeError",
      status: 413,
      maxBytes: 2000,
    });
    expect(await filesOnDisk()).toEqual([]);
  });

  it("lets an explicit maxBytes option override the limits", async () => {
    const files = setup({ maxUploadBytes: 2000 });
    await expect(storeUpload(files, "docs", "file", new File([new Uint8Array(500)], "a.bin"), { maxBytes: 100 })).rejects.toBeInstanceOf(
      UploadTooLargeError,
    );
  });

  it("rejects an undeclared field", async () => {
    const files = setup();
    // @ts-expect-error: not a declared field
    await expect(storeUpload(files, "docs", "name", new File(["x"], "a.txt"))).rejects.toBeInstanceOf(TypeError);
  });
});

describe("storeUpload with an UploadStream", () => {
  it("stores a stream without a declared size", async () => {
    const files = setup();
    const stored = await storeUpload(files, "docs", "file", { stream: unsizedStream(50_000), name: "data.csv" });
    expect(stored.size).toBe(50_000);
    expect((await fs.stat(path.join(tmp, stored.path))).size).toBe(50_000);
  });

  it("refuses a declared size over the limit before reading", async () => {
    const files = setup({ maxUploadBytes: 100 });
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(10));
      },
    });
    await expect(storeUpload(files, "docs", "file", { stream, name: "a.bin", size: 101 })).rejects.toBeInstanceOf(UploadTooLargeError);
    expect(await filesOnDisk()).toEqual([]);
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it("stops a stream without a declared size that grows past the limit, leaving nothing on disk", async () => {
    const files = setup({ maxUploadBytes: 64 * 1024 });
    await expect(storeUpload(files, "docs", "file", { stream: unsizedStream(1024 * 1024), name: "huge.bin" })).rejects.toBeInstanceOf(
      UploadTooLargeError,
    );
    expect(await filesOnDisk()).toEqual([]);
  });
});

describe("safeExtension", () => {
  it.each([
    ["photo.PNG", ".png"],
    ["archive.tar.gz", ".gz"],
    ["x.tar.gz", ".gz"],
    ["report.pdf", ".pdf"],
    [`x.${"a".repeat(16)}`, `.${"a".repeat(16)}`],
    [`x.${"a".repeat(20)}`, ""],
    [".htaccess", ""],
    [".PNG", ""],
    ["noextension", ""],
    ["trailing.", ""],
    ["x.ph p", ""],
    ["x.p%68p", ""],
    ["x.日本", ""],
  ])("%j -> %j", (name, extension) => {
    expect(safeExtension(name)).toBe(extension);
  });
});

describe("deleteStoredFile", () => {
  it("removes the stored file", async () => {
    const files = setup();
    const stored = await storeUpload(files, "docs", "file", new File(["bye"], "a.txt"));
    expect(await filesOnDisk()).toEqual([stored.path]);
    await deleteStoredFile(files, "docs", "file", stored.path);
    expect(await filesOnDisk()).toEqual([]);
  });

  it("is fine when the file is already gone", async () => {
    const files = setup();
    await expect(deleteStoredFile(files, "docs", "file", "submissions/none.txt")).resolves.toBeUndefined();
  });
});
