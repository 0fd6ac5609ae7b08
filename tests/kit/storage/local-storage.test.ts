import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  localFileStorage,
  UnsafeStoredPathError,
  UploadTooLargeError,
  type FileStorage,
} from "next-private-files";
import { readAll, streamOf } from "../../support/streams";

let tmp: string;
let root: string;
let storage: FileStorage;

beforeEach(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pf-local-")));
  root = path.join(tmp, "root");
  await fs.mkdir(root);
  storage = localFileStorage({ root });
});

afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function put(relative: string, data: Uint8Array | string): Promise<string> {
  const file = path.join(root, relative);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
  return file;
}

/** Open descriptors of this process that point at `file`. */
async function descriptorsOf(file: string): Promise<number> {
  let count = 0;
  for (const fd of await fs.readdir("/proc/self/fd")) {
    const target = await fs.readlink(`/proc/self/fd/${fd}`).catch(() => "");
    if (target === file) count++;
  }
  return count;
}

/** Every file (not directory) under `dir`, relative, including dot files. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => !e.isDirectory()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe("open", () => {
  it("returns null for a missing file, a missing folder and a directory", async () => {
    await fs.mkdir(path.join(root, "dir"));
    expect(await storage.open("missing.txt")).toBeNull();
    expect(await storage.open("no/such/folder.txt")).toBeNull();
    expect(await storage.open("dir")).toBeNull();
  });

  it("reports size, lastModified and a strong quoted ETag", async () => {
    const file = await put("a/hello.txt", "hello world");
    const mtime = new Date("2024-01-02T03:04:05.000Z");
    await fs.utimes(file, mtime, mtime);
    const opened = (await storage.open("a/hello.txt"))!;
    try {
      expect(opened.size).toBe(11);
      expect(opened.lastModified.getTime()).toBe(mtime.getTime());
      expect(opened.etag).toMatch(/^"[^"]+"$/);
      expect(opened.etag.startsWith("W/")).toBe(false);
    } finally {
      await opened.close();
    }
  });

  it("gives a different ETag when the bytes change", async () => {
    const file = await put("e.txt", "one");
    const first = (await storage.open("e.txt"))!;
    await first.close();
    await fs.writeFile(file, "three");
    await fs.utimes(file, new Date(first.lastModified.getTime() + 5000), new Date(first.lastModified.getTime() + 5000));
    const second = (await storage.open("e.txt"))!;
    await second.close();
    expect(second.etag).not.toBe(first.etag);
  });

  it("returns null at once for a FIFO, instead of waiting for a writer", async () => {
    const fifo = path.join(root, "pipe.bin");
    execFileSync("mkfifo", [fifo]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), 2000);
    });
    try {
      expect(await Promise.race([storage.open("pipe.bin"), timeout])).toBeNull();
    } finally {
      clearTimeout(timer);
      // If open() is stuck in the FIFO, a writer releases it (and its libuv thread).
      const writer = await fs.open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
      await writer?.close();
    }
  });

  it("serves a symlink that stays inside the root", async () => {
    await put("real.txt", "inside");
    await fs.symlink(path.join(root, "real.txt"), path.join(root, "link.txt"));
    const opened = (await storage.open("link.txt"))!;
    expect((await readAll(opened.stream())).bytes.toString()).toBe("inside");
  });
});

describe("stream", () => {
  it("streams the whole file", async () => {
    await put("whole.bin", "0123456789");
    const opened = (await storage.open("whole.bin"))!;
    expect((await readAll(opened.stream())).bytes.toString()).toBe("0123456789");
  });

  it("streams exactly the bytes of an inclusive range", async () => {
    await put("range.bin", "0123456789");
    const a = (await storage.open("range.bin"))!;
    expect((await readAll(a.stream({ start: 2, end: 5 }))).bytes.toString()).toBe("2345");
    const b = (await storage.open("range.bin"))!;
    expect((await readAll(b.stream({ start: 9, end: 9 }))).bytes.toString()).toBe("9");
    const c = (await storage.open("range.bin"))!;
    expect((await readAll(c.stream({ start: 0, end: 0 }))).bytes.toString()).toBe("0");
  });

  it("streams an empty file as no bytes", async () => {
    await put("empty.bin", "");
    const opened = (await storage.open("empty.bin"))!;
    expect(opened.size).toBe(0);
    expect((await readAll(opened.stream())).bytes.length).toBe(0);
  });

  it("streams a 5 MB file in several chunks, byte for byte", async () => {
    const data = randomBytes(5 * 1024 * 1024);
    await put("big.bin", data);
    const opened = (await storage.open("big.bin"))!;
    const { bytes, chunks } = await readAll(opened.stream());
    expect(chunks).toBeGreaterThan(1);
    expect(bytes.length).toBe(data.length);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(createHash("sha256").update(data).digest("hex"));
  });

  it("a range across chunk boundaries of a large file", async () => {
    const data = randomBytes(1024 * 1024);
    await put("mid.bin", data);
    const opened = (await storage.open("mid.bin"))!;
    const { bytes } = await readAll(opened.stream({ start: 1000, end: 700_000 }));
    expect(bytes.equals(data.subarray(1000, 700_001))).toBe(true);
  });

  it("errors, rather than ending short, when the file shrinks while streaming", async () => {
    const file = await put("shrink.bin", randomBytes(1024 * 1024));
    const opened = (await storage.open("shrink.bin"))!;
    await fs.truncate(file, 1000);
    await expect(readAll(opened.stream())).rejects.toThrow(/ended at byte/);
    expect(await descriptorsOf(file)).toBe(0);
  });

  it("closes the file when the stream has been read to the end", async () => {
    const file = await put("done.bin", "abc");
    const opened = (await storage.open("done.bin"))!;
    expect(await descriptorsOf(file)).toBe(1);
    await readAll(opened.stream());
    expect(await descriptorsOf(file)).toBe(0);
  });

  it("cancelling a stream mid-file closes the file descriptor", async () => {
    const file = await put("cancel.bin", randomBytes(2 * 1024 * 1024));
    const opened = (await storage.open("cancel.bin"))!;
    const reader = opened.stream().getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(first.value!.length).toBeLessThan(2 * 1024 * 1024);
    expect(await descriptorsOf(file)).toBe(1);
    await reader.cancel();
    expect(await descriptorsOf(file)).toBe(0);
  });
});

describe("close", () => {
  it("releases the file and is safe to call twice", async () => {
    const file = await put("c.txt", "x");
    const opened = (await storage.open("c.txt"))!;
    expect(await descriptorsOf(file)).toBe(1);
    await opened.close();
    await expect(opened.close()).resolves.toBeUndefined();
    expect(await descriptorsOf(file)).toBe(0);
  });
});

describe("unsafe stored paths", () => {
  it.each(["../x", "a/../../x", "/etc/passwd", "C:/x", "c:x", "a\\b", "a//b", "a\0b", "./x", "a/.", "", "a/"])(
    "open(%j) throws UnsafeStoredPathError",
    async (stored) => {
      await expect(storage.open(stored)).rejects.toBeInstanceOf(UnsafeStoredPathError);
    },
  );

  it("refuses a symlink inside the root that points at a file outside it", async () => {
    const secret = path.join(tmp, "secret.txt");
    await fs.writeFile(secret, "top secret");
    await fs.symlink(secret, path.join(root, "innocent.txt"));
    await expect(storage.open("innocent.txt")).rejects.toBeInstanceOf(UnsafeStoredPathError);
  });

  it("refuses a path through a symlink to a directory outside the root", async () => {
    const outside = path.join(tmp, "outside");
    await fs.mkdir(outside);
    await fs.writeFile(path.join(outside, "secret.txt"), "top secret");
    await fs.symlink(outside, path.join(root, "linked"));
    await expect(storage.open("linked/secret.txt")).rejects.toBeInstanceOf(UnsafeStoredPathError);
  });

  it("delete refuses unsafe paths and leaves the target alone", async () => {
    const victim = path.join(tmp, "victim.txt");
    await fs.writeFile(victim, "keep me");
    await expect(storage.delete("../victim.txt")).rejects.toBeInstanceOf(UnsafeStoredPathError);
    await fs.symlink(tmp, path.join(root, "up"));
    await expect(storage.delete("up/victim.txt")).rejects.toBeInstanceOf(UnsafeStoredPathError);
    expect(await fs.readFile(victim, "utf8")).toBe("keep me");
  });
});

describe("save", () => {
  it("writes under the folder with a generated name keeping the extension", async () => {
    const data = randomBytes(10_000);
    const saved = await storage.save(streamOf([data.subarray(0, 4000), data.subarray(4000)]), {
      folder: "uploads/2024",
      extension: ".pdf",
      maxBytes: 1_000_000,
    });
    expect(saved.path).toMatch(/^uploads\/2024\/[0-9a-f-]{36}\.pdf$/);
    expect(saved.size).toBe(10_000);
    expect((await fs.readFile(path.join(root, saved.path))).equals(data)).toBe(true);
    expect(await filesUnder(path.join(root, "uploads/2024"))).toEqual([path.basename(saved.path)]);
  });

  it("generates a new name every time and saves at the root for an empty folder", async () => {
    const a = await storage.save(streamOf([Buffer.from("a")]), { folder: "", extension: "", maxBytes: 10 });
    const b = await storage.save(streamOf([Buffer.from("b")]), { folder: "", extension: "", maxBytes: 10 });
    expect(a.path).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.path).not.toBe(b.path);
    expect(await storage.open(a.path)).not.toBeNull();
  });

  it("while the upload streams, only a dot-named temp file exists: never a half file under its final name", async () => {
    let feed!: ReadableStreamDefaultController<Uint8Array>;
    const source = new ReadableStream<Uint8Array>({ start: (controller) => void (feed = controller) });
    const saving = storage.save(source, { folder: "slow", extension: ".bin", maxBytes: 1_000_000 });
    feed.enqueue(randomBytes(1000));
    const folder = path.join(root, "slow");
    let during: string[] = [];
    for (let i = 0; i < 100 && during.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      during = await fs.readdir(folder).catch(() => []);
    }
    expect(during).toHaveLength(1);
    expect(during[0]).toMatch(/^\.upload-.*\.part$/);
    feed.enqueue(randomBytes(1000));
    feed.close();
    const saved = await saving;
    expect(await fs.readdir(folder)).toEqual([path.posix.basename(saved.path)]);
    expect(saved.size).toBe(2000);
  });

  it("accepts a file of exactly maxBytes", async () => {
    const saved = await storage.save(streamOf([Buffer.alloc(100)]), { folder: "f", extension: ".bin", maxBytes: 100 });
    expect(saved.size).toBe(100);
  });

  it("over maxBytes rejects with UploadTooLargeError and leaves no file at all", async () => {
    const chunks = Array.from({ length: 16 }, () => randomBytes(64 * 1024));
    const saving = storage.save(streamOf(chunks), { folder: "big", extension: ".bin", maxBytes: 100_000 });
    await expect(saving).rejects.toBeInstanceOf(UploadTooLargeError);
    await expect(saving).rejects.toMatchObject({ status: 413, maxBytes: 100_000 });
    const left = await filesUnder(path.join(root, "big"));
    expect(left).toEqual([]);
    expect(await filesUnder(root)).toEqual([]);
  });

  it("refuses a folder outside the root", async () => {
    await expect(storage.save(streamOf([Buffer.from("x")]), { folder: "../escape", extension: "", maxBytes: 10 })).rejects.toBeInstanceOf(
      UnsafeStoredPathError,
    );
    expect(await filesUnder(tmp)).toEqual([]);
  });

  it("refuses a folder that is a symlink to outside the root", async () => {
    const outside = path.join(tmp, "outside");
    await fs.mkdir(outside);
    await fs.symlink(outside, path.join(root, "sneaky"));
    await expect(storage.save(streamOf([Buffer.from("x")]), { folder: "sneaky", extension: "", maxBytes: 10 })).rejects.toBeInstanceOf(
      UnsafeStoredPathError,
    );
    expect(await fs.readdir(outside)).toEqual([]);
  });
});

describe("delete", () => {
  it("removes a stored file", async () => {
    const file = await put("d/gone.txt", "bye");
    await storage.delete("d/gone.txt");
    await expect(fs.stat(file)).rejects.toMatchObject({ code: "ENOENT" });
    expect(await storage.open("d/gone.txt")).toBeNull();
  });

  it("is fine for a missing file and a missing folder", async () => {
    await expect(storage.delete("missing.txt")).resolves.toBeUndefined();
    await expect(storage.delete("no/such/folder/missing.txt")).resolves.toBeUndefined();
  });

  it("removes a symlink itself, never what it points at", async () => {
    await put("target.txt", "stay");
    await fs.symlink(path.join(root, "target.txt"), path.join(root, "alias.txt"));
    await storage.delete("alias.txt");
    expect(await fs.readFile(path.join(root, "target.txt"), "utf8")).toBe("stay");
    await expect(fs.lstat(path.join(root, "alias.txt"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("root", () => {
  it("is created on first use", async () => {
    const fresh = localFileStorage({ root: path.join(tmp, "new", "root") });
    expect(await fresh.open("x")).toBeNull();
    expect((await fs.stat(path.join(tmp, "new", "root"))).isDirectory()).toBe(true);
  });
});
