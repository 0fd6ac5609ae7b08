import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { create as createDisposition, parse as parseDisposition } from "content-disposition";
import { beforeAll, describe, expect, it } from "vitest";
import { baseUrl, storageRoot } from "./support/context";
import { count, lockDatabase, randomData, sha256 } from "./support/fixtures";
import { get, signIn, type CookieJar } from "./support/session";

// Uploads through `next start` (POST /api/files): hostile file names, types the
// field does not accept, a client that hangs up, and a database that fails after
// the file was stored. Whatever happens, nothing is left behind.

interface Item {
  id: number;
  filename: string;
  url: string;
}

let alice: CookieJar;
beforeAll(async () => {
  alice = await signIn("alice@example.com");
});

/**
 * Posts a multipart upload built by hand: the name goes out as RFC 5987
 * `filename*=UTF-8''…`, so the server receives it exactly (CR, LF, quotes, NUL…),
 * where a browser's FormData would escape some of it on the way.
 */
async function upload(file: Blob, name: string, description = "hostile upload test") {
  const boundary = "----upload-test-boundary-7f3a";
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n${description}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encodeRfc5987(name)}\r\n`),
    Buffer.from("Content-Type: application/octet-stream\r\n\r\n"),
    Buffer.from(await file.arrayBuffer()),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return fetch(`${baseUrl()}/api/files`, {
    method: "POST",
    body,
    headers: { Cookie: alice.header, "Content-Type": `multipart/form-data; boundary=${boundary}` },
  });
}

const encodeRfc5987 = (value: string) =>
  [...Buffer.from(value, "utf8")].map((byte) => (/[A-Za-z0-9.\-_~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`)).join("");

/** Polls an async check for up to 5 s. */
async function until(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

const folder = () => path.join(storageRoot(), "submissions");
const onDisk = async () => (await fs.readdir(folder()).catch(() => [])).sort();
const TEXT = new Blob(["an ordinary text file\n"]);
const PDF = new Blob([Buffer.from("%PDF-1.7\n"), randomData(2000)]);

describe("hostile upload file names: stored under a generated name, shown safely", () => {
  const cases: [string, string, string][] = [
    ["CR/LF (header injection)", "invoice\r\nSet-Cookie: a=b.txt", "invoiceSet-Cookie: a=b.txt"],
    ["double quotes", 'say "hello".txt', 'say "hello".txt'],
    ["semicolons", "a; filename=evil.html;.txt", "a; filename=evil.html;.txt"],
    // The multipart parser keeps only the last path component, as browsers send it.
    ["slashes", "../../etc/passwd.txt", "passwd.txt"],
    ["backslashes", "..\\..\\windows\\win.ini.txt", "win.ini.txt"],
    ["1,000 characters", `${"a".repeat(996)}.txt`, `${"a".repeat(251)}.txt`],
    ["a right-to-left override", "invoice\u202Etxt.exe.txt", "invoicetxt.exe.txt"],
    ["emoji", "📄 report 🔒.txt", "📄 report 🔒.txt"],
    ["a reserved Windows name", "con.txt", "con.txt"],
    ["NUL and other controls", "a\u0000b\u0007c.txt", "abc.txt"],
  ];

  it.each(cases)("%s", async (_label, name, shown) => {
    const before = await onDisk();
    const response = await upload(TEXT, name);
    expect(response.status).toBe(201);
    const item = (await response.json()) as Item;
    expect(item.filename).toBe(shown);

    const added = (await onDisk()).filter((f) => !before.includes(f));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.txt$/);

    const download = await get(item.url, { jar: alice });
    expect(download.status).toBe(200);
    expect(await download.text()).toBe("an ordinary text file\n");
    const header = download.headers.get("content-disposition")!;
    expect(header).toMatch(/^attachment;/);
    expect(header).toMatch(/^[\x20-\x7e]+$/); // printable ASCII only: nothing to split or spoof a header with
    expect(header).toBe(createDisposition(shown, { type: "attachment" }));
    expect(parseDisposition(header).parameters.filename).toBe(shown);
  });

  it.each([
    [".htaccess", TEXT, 415, /not accepted here/],
    ["index.html", new Blob(["<script>alert(document.cookie)</script>"]), 415, /not accepted here/],
    ["no-extension", TEXT, 415, /not accepted here/],
    // An empty name is how a browser sends "no file chosen": the part is not a file.
    ["", TEXT, 400, /no file/],
  ] as const)("%j is refused (%i), nothing stored", async (name, body, status, message) => {
    const before = { files: await onDisk(), rows: await count("FileSubmission") };
    const response = await upload(body, name);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toMatch(message);
    expect(await onDisk()).toEqual(before.files);
    expect(await count("FileSubmission")).toBe(before.rows);
  });
});

describe("types a field does not allow: 415, nothing on disk or in the database", () => {
  it.each([
    ["an executable", "setup.exe", new Blob([Buffer.from([0x4d, 0x5a, 0x90, 0x00]), randomData(1000)])],
    ["a PDF named .png", "photo.png", PDF],
    ["HTML named .pdf", "invoice.pdf", new Blob(["<html><script>alert(1)</script></html>"])],
    ["an ELF binary named .txt", "notes.txt", new Blob([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), randomData(1000)])],
    ["binary noise named .csv", "data.csv", new Blob([Buffer.from([0, 1, 2, 3, 0, 0, 255])])],
  ])("%s", async (_label, name, body) => {
    const before = { files: await onDisk(), rows: await count("FileSubmission") };
    const response = await upload(body, name);
    expect(response.status).toBe(415);
    const answer = (await response.json()) as { error: string; accepted: string[] };
    expect(answer.accepted).toContain("application/pdf");
    expect(await onDisk()).toEqual(before.files);
    expect(await count("FileSubmission")).toBe(before.rows);
  });

  it("a PDF that is a PDF is accepted and downloads byte for byte", async () => {
    const bytes = new Uint8Array(await PDF.arrayBuffer());
    const response = await upload(PDF, "real.pdf");
    expect(response.status).toBe(201);
    const item = (await response.json()) as Item;
    const download = await get(item.url, { jar: alice });
    expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(sha256(bytes));
  });
});

describe("a client that hangs up mid-upload", () => {
  it("leaves no temp file and no record, and the server takes the next upload", async () => {
    const before = { files: await onDisk(), rows: await count("FileSubmission") };
    const boundary = "----hangup-boundary";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\nhang up\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
    );
    const request = http.request(`${baseUrl()}/api/files`, {
      method: "POST",
      agent: false,
      headers: { Cookie: alice.header, "Content-Type": `multipart/form-data; boundary=${boundary}`, "Content-Length": String(4 * 1024 * 1024) },
    });
    request.on("error", () => undefined);
    request.write(head);
    request.write(randomData(1024 * 1024));
    // The store has started: its temp file is there.
    expect(await until(async () => (await onDisk()).some((f) => f.endsWith(".part")))).toBe(true);
    request.destroy();

    expect(await until(async () => (await onDisk()).length === before.files.length)).toBe(true);
    expect(await onDisk()).toEqual(before.files);
    expect(await count("FileSubmission")).toBe(before.rows);
    expect((await upload(TEXT, "after-hangup.txt")).status).toBe(201);
  });
});

describe("the database fails after the file was stored", () => {
  it("answers 503 with Retry-After and removes the stored file", async () => {
    const before = { files: await onDisk(), rows: await count("FileSubmission") };
    // The database goes away only once the upload is under way: its slot taken and its
    // bytes streaming into a temp file (before, the first database step failed).
    const boundary = "----upload-test-boundary-late";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="saved-too-late.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    // Larger than the type check's peek (SNIFF_BYTES), so the file is being written before the end.
    const pdfBytes = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomData(256 * 1024)]);
    let finish!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(Buffer.concat([head, pdfBytes]));
        finish = () => {
          controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
          controller.close();
        };
      },
    });
    const answer = fetch(`${baseUrl()}/api/files`, {
      method: "POST",
      body,
      duplex: "half",
      headers: { Cookie: alice.header, "Content-Type": `multipart/form-data; boundary=${boundary}` },
    } as RequestInit);
    expect(await until(async () => (await onDisk()).some((name) => name.startsWith(".upload-")))).toBe(true);
    const lock = await lockDatabase();
    let response: Response;
    try {
      finish();
      response = await answer;
    } finally {
      await lock.release();
    }
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await onDisk()).toEqual(before.files);
    expect(await count("FileSubmission")).toBe(before.rows);
    expect((await upload(PDF, "saved-in-time.pdf")).status).toBe(201);
  });
});
