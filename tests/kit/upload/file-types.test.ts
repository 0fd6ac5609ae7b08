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
  type FileTypeRule,
} from "next-private-files";
import {
  KNOWN_FILE_TYPES,
  MultipartError,
  readMultipart,
  storeUpload,
  UnsupportedFileTypeError,
} from "next-private-files/upload";

// Allowed types per field: the extension picks the type, the leading bytes must fit it,
// and a refused upload leaves nothing on disk. Also: a client that goes away mid-upload.

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(500)]);
const PDF = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(500)]);
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(500)]);
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), randomBytes(500)]);
const TEXT = Buffer.from("name,amount\nAlice,12\n€ and 日本語 are fine\n");

const custom: FileTypeRule = { type: "application/x-demo", extensions: [".demo"], matches: (head) => head[0] === 0x44 };

type Doc = { id: number; doc: string | null; any: string | null };
let tmp: string;

function setup() {
  const model = privateModel<Doc, number>({ id: intId, load: async () => null }).fields({
    doc: { uploadTo: "docs", allowedTypes: ["application/pdf", "image/png", "text/csv", "text/plain", custom] },
    any: { uploadTo: "any" },
  });
  return definePrivateFiles({ models: { model }, getSession: async () => null, storage: localFileStorage({ root: tmp }) });
}

async function filesOnDisk(): Promise<string[]> {
  const entries = await fs.readdir(tmp, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => e.name);
}

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "pf-types-"));
});
afterEach(() => fs.rm(tmp, { recursive: true, force: true }));

describe("KNOWN_FILE_TYPES", () => {
  const cases: [string, Buffer, string[]][] = [
    ["application/pdf", PDF, [".pdf"]],
    ["image/png", PNG, [".png"]],
    ["image/jpeg", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]), [".jpg", ".jpeg"]],
    ["image/gif", Buffer.from("GIF89a...."), [".gif"]],
    ["image/webp", Buffer.from("RIFF\0\0\0\0WEBPVP8 "), [".webp"]],
    ["application/zip", ZIP, [".zip"]],
    ["video/mp4", Buffer.from("\0\0\0\x18ftypmp42"), [".mp4", ".m4v"]],
    ["audio/wav", Buffer.from("RIFF\0\0\0\0WAVEfmt "), [".wav"]],
    ["text/plain", TEXT, [".txt"]],
  ];
  it.each(cases)("%s: its signature matches, the others' do not", (type, sample, extensions) => {
    const rule = KNOWN_FILE_TYPES.get(type)!;
    expect(rule.extensions).toEqual(extensions);
    expect(rule.matches(sample)).toBe(true);
    for (const [other, otherSample] of cases) {
      if (other !== type) expect(rule.matches(otherSample), `${type} vs a ${other} sample`).toBe(false);
    }
  });

  it("text refuses NUL bytes, invalid UTF-8 and binary signatures, accepts a character cut at the sniff boundary", () => {
    const text = KNOWN_FILE_TYPES.get("text/plain")!;
    expect(text.matches(Buffer.from("abc\0def"))).toBe(false);
    expect(text.matches(Buffer.from([0x61, 0xc3, 0x28]))).toBe(false);
    expect(text.matches(ELF)).toBe(false);
    expect(text.matches(Buffer.from("MZ this looks like text but is a Windows executable"))).toBe(false);
    expect(text.matches(Buffer.from("日本").subarray(0, 4))).toBe(true);
    expect(text.matches(Buffer.alloc(0))).toBe(true);
  });

  it("an unknown MIME type fails when the field is declared, naming the known ones", () => {
    expect(() =>
      privateModel<Doc, number>({ id: intId, load: async () => null }).fields({ doc: { allowedTypes: ["application/x-msdownload"] } }),
    ).toThrow(/no signature known for "application\/x-msdownload".*application\/pdf/);
  });
});

describe("storeUpload with allowedTypes", () => {
  it.each([
    ["report.pdf", PDF],
    ["scan.PNG", PNG],
    ["numbers.csv", TEXT],
    ["notes.txt", TEXT],
    ["thing.demo", Buffer.from("DEMO")],
  ])("stores %s, whose bytes fit its extension", async (name, bytes) => {
    const stored = await storeUpload(setup(), "model", "doc", new File([bytes], name));
    expect(stored.size).toBe(bytes.length);
    expect(await fs.readFile(path.join(tmp, stored.path))).toEqual(bytes);
  });

  it.each([
    ["payload.exe", ELF, /a \.exe file is not accepted here; accepted: application\/pdf, image\/png/],
    [".htaccess", TEXT, /a file without an extension is not accepted/],
    ["index.html", Buffer.from("<script>alert(1)</script>"), /a \.html file is not accepted/],
    ["photo.png", PDF, /content is not image\/png, as its \.png extension says/],
    ["invoice.pdf", Buffer.from("<html><script>alert(1)</script>"), /content is not application\/pdf/],
    ["notes.txt", ELF, /content is not text\/plain/],
    ["empty.pdf", Buffer.alloc(0), /content is not application\/pdf/],
  ])("refuses %s with 415 and writes nothing", async (name, bytes, message) => {
    const error = await storeUpload(setup(), "model", "doc", new File([bytes], name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedFileTypeError);
    expect((error as UnsupportedFileTypeError).status).toBe(415);
    expect((error as Error).message).toMatch(message);
    expect(await filesOnDisk()).toEqual([]);
  });

  it("keeps every byte of a large upload after sniffing its head", async () => {
    const big = Buffer.concat([PDF, randomBytes(3 * 1024 * 1024)]);
    const stored = await storeUpload(setup(), "model", "doc", new File([big], "big.pdf"));
    expect((await fs.readFile(path.join(tmp, stored.path))).equals(big)).toBe(true);
  });

  it("a field without allowedTypes takes any type", async () => {
    const stored = await storeUpload(setup(), "model", "any", new File([ELF], "tool.exe"));
    expect(stored.path).toMatch(/^any\/[0-9a-f-]{36}\.exe$/);
  });
});

describe("a client that goes away mid-upload", () => {
  /** A multipart body that sends `sent` bytes of a file part and then fails, as a reset connection does. */
  function abortedRequest(sent: number, how: "error" | "end"): Request {
    const boundary = "----pf-test-boundary";
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
    const chunks = [head, PDF, randomBytes(sent)];
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = chunks.shift();
        if (next) return controller.enqueue(next);
        await new Promise((r) => setTimeout(r, 20));
        if (how === "error") controller.error(new Error("aborted"));
        else controller.close();
      },
    });
    return new Request("http://x/", {
      method: "POST",
      headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: "half",
    } as RequestInit);
  }

  it.each(["error", "end"] as const)("body that ends with %s: the read fails and no temp file is left", async (how) => {
    const files = setup();
    const error = await readMultipart(abortedRequest(1024 * 1024, how), {
      fileField: "file",
      onFile: (upload) => storeUpload(files, "model", "doc", upload),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    if (how === "end") expect(error).toBeInstanceOf(MultipartError);
    // The store's own cleanup runs as the part errors; give it a moment.
    for (let i = 0; i < 250 && (await filesOnDisk()).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await filesOnDisk()).toEqual([]);
  });
});
