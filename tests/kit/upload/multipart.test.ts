import { createHash, randomBytes } from "node:crypto";
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
import { MultipartError, readMultipart, storeUpload, type UploadStream } from "next-private-files/upload";

let tmp: string;

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "pf-multipart-"));
});

afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

function post(form: FormData): Request {
  return new Request("http://x/", { method: "POST", body: form });
}

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

describe("readMultipart", () => {
  it("returns the text fields and hands the file part to onFile as a stream of its bytes", async () => {
    const data = randomBytes(300_000);
    const form = new FormData();
    form.append("description", "quarterly numbers");
    form.append("file", new File([data], "numbers.bin", { type: "application/octet-stream" }));
    form.append("note", "é ü 日本");
    let seenName = "";
    const result = await readMultipart(post(form), {
      fileField: "file",
      onFile: async (upload: UploadStream) => {
        seenName = upload.name;
        return bytesOf(upload.stream);
      },
    });
    expect(result.fields.get("description")).toBe("quarterly numbers");
    expect(result.fields.get("note")).toBe("é ü 日本");
    expect(seenName).toBe("numbers.bin");
    expect(result.file!.length).toBe(data.length);
    expect(sha256(result.file!)).toBe(sha256(data));
  });

  it("keeps the first value of a repeated field", async () => {
    const form = new FormData();
    form.append("tag", "first");
    form.append("tag", "second");
    const result = await readMultipart(post(form), { fileField: "file", onFile: async () => "stored" });
    expect(result.fields.get("tag")).toBe("first");
  });

  it("returns file undefined and never calls onFile when there is no file part", async () => {
    const form = new FormData();
    form.append("description", "no file");
    let called = false;
    const result = await readMultipart(post(form), {
      fileField: "file",
      onFile: async () => {
        called = true;
        return "stored";
      },
    });
    expect(result.file).toBeUndefined();
    expect(called).toBe(false);
  });

  it.each([
    ["after", ["file", "other"]],
    ["before", ["other", "file"]],
  ])("reads only the file field when a file part under another name comes %s it", async (_when, order) => {
    const form = new FormData();
    for (const name of order) form.append(name, new File([name === "file" ? "right" : "zzz"], `${name}.txt`));
    form.append("description", "last");
    const names: string[] = [];
    const result = await readMultipart(post(form), {
      fileField: "file",
      onFile: async (upload) => {
        names.push(upload.name);
        return (await bytesOf(upload.stream)).toString();
      },
    });
    expect(names).toEqual(["file.txt"]);
    expect(result.file).toBe("right");
    expect(result.fields.get("description")).toBe("last");
  });

  it("rejects a non-multipart content type with MultipartError 415", async () => {
    const request = new Request("http://x/", {
      method: "POST",
      body: JSON.stringify({ a: 1 }),
      headers: { "Content-Type": "application/json" },
    });
    const reading = readMultipart(request, { fileField: "file", onFile: async () => "x" });
    await expect(reading).rejects.toBeInstanceOf(MultipartError);
    await expect(reading).rejects.toMatchObject({ status: 415 });
  });

  it("rejects a urlencoded form with 415", async () => {
    const request = new Request("http://x/", { method: "POST", body: new URLSearchParams({ a: "1" }) });
    await expect(readMultipart(request, { fileField: "file", onFile: async () => "x" })).rejects.toMatchObject({
      name: "MultipartError",
      status: 415,
    });
  });

  it("rejects a request without a body with 415", async () => {
    const request = new Request("http://x/", { method: "POST", headers: { "Content-Type": "multipart/form-data; boundary=x" } });
    await expect(readMultipart(request, { fileField: "file", onFile: async () => "x" })).rejects.toMatchObject({ status: 415 });
  });

  it("rejects with onFile's error when onFile rejects", async () => {
    const form = new FormData();
    form.append("file", new File([randomBytes(1000)], "a.bin"));
    form.append("description", "after the file");
    const failure = new Error("disk on fire");
    await expect(
      readMultipart(post(form), {
        fileField: "file",
        onFile: async () => {
          throw failure;
        },
      }),
    ).rejects.toBe(failure);
  });

  it("rejects with UploadTooLargeError when storeUpload goes over the limit, leaving nothing on disk", async () => {
    type Doc = { id: number; file: string | null };
    const docs = privateModel<Doc, number>({ id: intId, load: async () => null }).fields({
      file: { uploadTo: "up", maxUploadBytes: 50_000 },
    });
    const files = definePrivateFiles({ models: { docs }, getSession: async () => null, storage: localFileStorage({ root: tmp }) });
    const form = new FormData();
    form.append("description", "too big");
    form.append("file", new File([randomBytes(1024 * 1024)], "big.bin"));
    await expect(
      readMultipart(post(form), {
        fileField: "file",
        onFile: (upload) => storeUpload(files, "docs", "file", upload),
      }),
    ).rejects.toBeInstanceOf(UploadTooLargeError);
    const left = (await fs.readdir(tmp, { recursive: true, withFileTypes: true })).filter((e) => !e.isDirectory());
    expect(left).toEqual([]);
  });

  it("stores a file under the limit through storeUpload", async () => {
    type Doc = { id: number; file: string | null };
    const docs = privateModel<Doc, number>({ id: intId, load: async () => null }).fields({ file: { uploadTo: "up" } });
    const files = definePrivateFiles({ models: { docs }, getSession: async () => null, storage: localFileStorage({ root: tmp }) });
    const data = randomBytes(70_000);
    const form = new FormData();
    form.append("file", new File([data], "ok.bin"));
    const result = await readMultipart(post(form), {
      fileField: "file",
      onFile: (upload) => storeUpload(files, "docs", "file", upload),
    });
    expect(result.file?.originalName).toBe("ok.bin");
    expect((await fs.readFile(path.join(tmp, result.file!.path))).equals(data)).toBe(true);
  });

  it("rejects a text field over maxFieldBytes with MultipartError 400", async () => {
    const form = new FormData();
    form.append("description", "x".repeat(2000));
    await expect(readMultipart(post(form), { fileField: "file", onFile: async () => "x", maxFieldBytes: 100 })).rejects.toMatchObject({
      name: "MultipartError",
      status: 400,
    });
  });
});
