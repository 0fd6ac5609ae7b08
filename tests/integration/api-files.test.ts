import fs from "node:fs/promises";
import path from "node:path";
import { parse as parseDisposition } from "content-disposition";
import { beforeAll, describe, expect, it } from "vitest";
import { baseUrl, maxUploadBytes, storageRoot } from "./support/context";
import { count, randomData, sha256 } from "./support/fixtures";
import { get, signIn, type CookieJar } from "./support/session";

interface Item {
  model: string;
  field: string;
  id: number;
  filename: string;
  size: number;
  url: string;
  downloads?: number;
}

let alice: CookieJar;
let bob: CookieJar;

beforeAll(async () => {
  [alice, bob] = await Promise.all([signIn("alice@example.com"), signIn("bob@example.com")]);
});

const list = async (jar: CookieJar) => ((await (await get("/api/files", { jar })).json()) as { files: Item[] }).files;

function upload(jar: CookieJar, file: Blob, name: string, description = "uploaded in a test") {
  const form = new FormData();
  form.set("description", description);
  form.set("file", file, name);
  return fetch(`${baseUrl()}/api/files`, { method: "POST", body: form, headers: { Cookie: jar.header } });
}

/** Bytes that pass the demo's type check for a .pdf: the PDF signature, then noise. */
const pdf = (size: number) => new Uint8Array(Buffer.concat([Buffer.from("%PDF-1.7\n"), randomData(size - 9)]));

async function storedFiles(folder: string): Promise<string[]> {
  return fs.readdir(path.join(storageRoot(), folder)).catch(() => []);
}

describe("GET /api/files", () => {
  it("is 401 for anonymous", async () => {
    expect((await get("/api/files")).status).toBe(401);
  });

  it("lists what each user may download, and every listed URL downloads", async () => {
    const [aliceFiles, bobFiles] = await Promise.all([list(alice), list(bob)]);
    const submissions = (files: Item[]) => files.filter((f) => f.model === "FileSubmission").map((f) => f.url);
    expect(submissions(aliceFiles).length).toBeGreaterThan(0);
    expect(submissions(aliceFiles).some((u) => submissions(bobFiles).includes(u))).toBe(false);
    expect(aliceFiles.some((f) => f.model === "CountedDownload" && typeof f.downloads === "number")).toBe(true);
    expect(aliceFiles.some((f) => f.model === "SharedImage")).toBe(true);
    for (const item of aliceFiles) {
      const response = await get(item.url, { jar: alice, method: "HEAD" });
      expect(response.status, item.url).toBe(200);
    }
    for (const url of submissions(aliceFiles)) expect((await get(url, { jar: bob, method: "HEAD" })).status).toBe(403);
  });
});

describe("POST /api/files", () => {
  it("stores a multipart upload for the signed-in user: 201, then it downloads with its name", async () => {
    const data = pdf(300_000);
    const name = "Résumé – été 😀.pdf";
    const response = await upload(alice, new Blob([data]), name, "my résumé");
    expect(response.status).toBe(201);
    const item = (await response.json()) as Item;
    expect(item).toMatchObject({ model: "FileSubmission", field: "file", filename: name, size: data.length });
    expect((await list(alice)).map((f) => f.url)).toContain(item.url);

    const download = await get(item.url, { jar: alice });
    expect(download.status).toBe(200);
    expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(sha256(data));
    expect(parseDisposition(download.headers.get("content-disposition")!).parameters.filename).toBe(name);
    expect((await get(item.url, { jar: bob })).status).toBe(403);
  });

  it("keeps only a safe generated name on disk", async () => {
    const before = new Set(await storedFiles("submissions"));
    const response = await upload(alice, new Blob(["x"]), "../../evil\r\n.TXT");
    expect(response.status).toBe(201);
    const added = (await storedFiles("submissions")).filter((f) => !before.has(f));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^[0-9a-f-]{36}\.txt$/);
    const item = (await response.json()) as Item;
    expect(item.filename).not.toMatch(/[\r\n/\\]/);
  });

  it("refuses an upload over the limit with 413, leaving nothing on disk or in the database", async () => {
    const before = { files: await storedFiles("submissions"), rows: await count("FileSubmission") };
    const response = await upload(alice, new Blob([pdf(maxUploadBytes() + 1024)]), "too-big.pdf");
    expect(response.status).toBe(413);
    expect(await storedFiles("submissions")).toEqual(before.files);
    expect(await count("FileSubmission")).toBe(before.rows);
  });

  it("is 401 for anonymous and 415 for a body that is not multipart", async () => {
    expect((await fetch(`${baseUrl()}/api/files`, { method: "POST", body: new FormData() })).status).toBe(401);
    const plain = await fetch(`${baseUrl()}/api/files`, { method: "POST", body: "hello", headers: { Cookie: alice.header, "Content-Type": "text/plain" } });
    expect(plain.status).toBe(415);
  });
});

describe("pages", () => {
  it("sends an anonymous visitor from the file list to sign in", async () => {
    const response = await get("/");
    expect([302, 303, 307]).toContain(response.status);
    expect(response.headers.get("location")).toContain("/signin");
  });

  it("shows the sign-in form and, signed in, the user's files", async () => {
    const signin = await (await get("/signin")).text();
    expect(signin).toContain('name="email"');
    expect(signin).toContain('name="password"');
    const home = await (await get("/", { jar: alice })).text();
    expect(home).toContain("My files");
    expect(home).toContain("report-q3.txt");
    expect(home).not.toContain("answers.txt");
  });
});
