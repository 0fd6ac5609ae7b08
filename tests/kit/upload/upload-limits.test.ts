import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  definePrivateFiles,
  intId,
  localFileStorage,
  privateModel,
  type UploadLimitsOptions,
  type UploadSlotStore,
} from "next-private-files";
import {
  decodeFormFileName,
  formatBytes,
  idleDownloadStream,
  idleUploadStream,
  QuotaExceededError,
  readMultipart,
  storeUpload,
  TooManyUploadsError,
  UploadIdleTimeoutError,
  uploadName,
} from "next-private-files/upload";
import { observeStream } from "../../../lib/private-files/src/hooks/observe-stream";

// One module at a time: the name decoding, the idle streams, and storeUpload's
// per-user limits over an in-memory slot store. (Through next start and a real
// database: tests/integration/limits.test.ts.)

describe("decodeFormFileName: the three escapes browsers use in multipart names", () => {
  it.each([
    ["Report %22final%22.pdf", 'Report "final".pdf'],
    ["a%0D%0Ab.txt", "a\r\nb.txt"],
    ["lower %0d%0a %22.txt", 'lower \r\n ".txt'],
    ["100%25 sure %41.txt", "100%25 sure %41.txt"],
    ["%2522.txt", "%2522.txt"],
    ["plain.txt", "plain.txt"],
  ])("%j -> %j", (sent, meant) => {
    expect(decodeFormFileName(sent)).toBe(meant);
  });

  it("readMultipart hands onFile the decoded name of a browser's filename=\"…\"", async () => {
    const boundary = "b0undary";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Report %22final%22 100%25.pdf"\r\n\r\nx\r\n--${boundary}--\r\n`;
    const request = new Request("http://x/", { method: "POST", body, headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` } });
    const form = await readMultipart(request, {
      fileField: "file",
      onFile: async (upload) => {
        await new Response(upload.stream).arrayBuffer();
        return upload.name;
      },
    });
    expect(form.file).toBe('Report "final" 100%25.pdf');
  });

  it("CR and LF, once decoded, are dropped by the name sanitiser", () => {
    expect(uploadName(decodeFormFileName("inv%0D%0Aoice %22q%22.pdf"))).toBe('invoice "q".pdf');
  });
});

const chunks = (...sizes: number[]) => {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = sizes[i++];
      if (size === undefined) controller.close();
      else controller.enqueue(new Uint8Array(size));
    },
  });
};

describe("idleDownloadStream", () => {
  it("passes every byte through to a reader that keeps reading", async () => {
    const body = await new Response(idleDownloadStream(chunks(10, 20, 30), 1000)).arrayBuffer();
    expect(body.byteLength).toBe(60);
  });

  it("cancels the source and errors when the reader stops taking chunks", async () => {
    let cancelled: unknown;
    const source = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(100)),
      cancel: (reason) => {
        cancelled = reason;
      },
    });
    const reader = idleDownloadStream(source, 50).getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 150));
    expect(String(cancelled)).toMatch(/read nothing for 50 ms/);
    await expect(reader.read()).rejects.toThrow(/read nothing for 50 ms/);
  });

  it("reports a download given up on as aborted, with the bytes handed over (the file route's observeStream)", async () => {
    const ends: string[] = [];
    const source = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new Uint8Array(100)) });
    const reader = observeStream(source, (outcome, bytes) => void ends.push(`${outcome} ${bytes}`), 50).getReader();
    await reader.read();
    await reader.read();
    await new Promise((r) => setTimeout(r, 150));
    expect(ends).toEqual(["aborted 200"]);
  });

  it("does not count slow storage as an idle client", async () => {
    const source = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((r) => setTimeout(r, 120));
        controller.enqueue(new Uint8Array(10));
      },
    });
    const reader = idleDownloadStream(source, 50).getReader();
    expect((await reader.read()).value?.byteLength).toBe(10);
    expect((await reader.read()).value?.byteLength).toBe(10);
    await reader.cancel();
  });
});

describe("idleUploadStream", () => {
  it("errors with UploadIdleTimeoutError (408) and cancels the source when nothing arrives", async () => {
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new Uint8Array(5)),
      cancel: () => {
        cancelled = true;
      },
    });
    const reader = idleUploadStream(source, 50).getReader();
    expect((await reader.read()).value?.byteLength).toBe(5);
    const error = await reader.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadIdleTimeoutError);
    expect((error as UploadIdleTimeoutError).status).toBe(408);
    expect(cancelled).toBe(true);
  });
});

describe("storeUpload with per-user limits", () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), "pf-limits-"));
  });
  afterEach(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  /** Slots in memory: enough to test the kit's use of the interface (the demo's are rows). */
  function memorySlots(): UploadSlotStore & { held: Map<string, string> } {
    const held = new Map<string, string>();
    let next = 0;
    return {
      held,
      async acquire(user, { limit }) {
        if ([...held.values()].filter((u) => u === user).length >= limit) return null;
        const id = String(next++);
        held.set(id, user);
        return id;
      },
      async renew() {},
      async release(id) {
        held.delete(id);
      },
    };
  }

  function setup(uploads: UploadLimitsOptions) {
    const docs = privateModel<{ id: number; file: string | null }, number>({ id: intId, load: async () => null }).fields({
      file: { uploadTo: "submissions" },
    });
    return definePrivateFiles({ models: { docs }, getSession: async () => null, storage: localFileStorage({ root: tmp }), uploads });
  }
  const onDisk = async () => (await fs.readdir(path.join(tmp, "submissions")).catch(() => [])).length;

  it("caps the upload at what is left of the quota: over it, QuotaExceededError (413) and nothing kept", async () => {
    const files = setup({ quotaBytes: 1000, usedBytes: async () => 600 });
    await expect(storeUpload(files, "docs", "file", new File([new Uint8Array(400)], "fits.bin"), { user: "1" })).resolves.toMatchObject({ size: 400 });
    const stream = chunks(300, 300);
    const error = await storeUpload(files, "docs", "file", { stream, name: "over.bin" }, { user: "1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect((error as QuotaExceededError).message).toBe("this file would put you over your storage quota of 1000 bytes (600 bytes used)");
    expect(await onDisk()).toBe(1);
  });

  it("takes a slot per upload and gives it back; with all taken, TooManyUploadsError (429) before a byte is written", async () => {
    const slots = memorySlots();
    const files = setup({ maxConcurrent: 1, slots, retryAfterSeconds: 7 });
    let release!: () => void;
    const slow = new ReadableStream<Uint8Array>({
      start: (controller) => {
        controller.enqueue(new Uint8Array(10));
        release = () => controller.close();
      },
    });
    const first = storeUpload(files, "docs", "file", { stream: slow, name: "slow.bin" }, { user: "1" });
    await new Promise((r) => setTimeout(r, 20));
    expect(slots.held.size).toBe(1);
    const error = await storeUpload(files, "docs", "file", new File(["x"], "b.bin"), { user: "1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyUploadsError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 7 });
    // Another user has slots of their own.
    await expect(storeUpload(files, "docs", "file", new File(["x"], "c.bin"), { user: "2" })).resolves.toMatchObject({ size: 1 });
    release();
    await first;
    expect(slots.held.size).toBe(0);
  });

  it("refuses to run without the user when limits are set (no silent unlimited upload)", async () => {
    const files = setup({ quotaBytes: 1000, usedBytes: async () => 0 });
    await expect(storeUpload(files, "docs", "file", new File(["x"], "a.bin"))).rejects.toThrow(/pass the uploading user/);
    await expect(storeUpload(files, "docs", "file", new File(["x"], "a.bin"), { user: null })).resolves.toMatchObject({ size: 1 });
  });

  it("refuses a limit without its store at start-up", () => {
    expect(() => setup({ quotaBytes: 10 })).toThrow(/usedBytes/);
    expect(() => setup({ maxConcurrent: 2 })).toThrow(/slots/);
  });
});

describe("formatBytes", () => {
  it.each([
    [1, "1 byte"],
    [1000, "1000 bytes"],
    [1536, "1.5 KiB"],
    [1024 ** 3, "1 GiB"],
    [15.5 * 1024 ** 2, "15.5 MiB"],
  ])("%d -> %s", (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});
