import fs from "node:fs/promises";
import path from "node:path";
import { parse as parseDisposition } from "content-disposition";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storageRoot } from "./support/context";
import { deleteRow, insertImage, insertSubmission, randomData, writeStored } from "./support/fixtures";
import { get, rawGet, signIn, type CookieJar } from "./support/session";

// Every row of DESIGN.md's HTTP contract, through `next start` with real
// next-auth sessions. (Condition/hook throwing (500) and an unreachable database
// (503) are shown in-process by tests/kit/route/route.test.ts, where they can be caused.)

const SIZE = 10_000;
let alice: CookieJar;
let bob: CookieJar;
let data: Uint8Array;
let url: string;

const bytes = async (response: Response) => new Uint8Array(await response.arrayBuffer());

beforeAll(async () => {
  [alice, bob] = await Promise.all([signIn("alice@example.com"), signIn("bob@example.com")]);
  data = randomData(SIZE);
  const file = await writeStored("submissions/contract-fixture.bin", data);
  const id = await insertSubmission({ owner: "alice@example.com", file, fileName: "contract data.bin", fileSize: SIZE });
  url = `/files/FileSubmission/file/${id}/contract%20data.bin`;
});

describe("granted, whole file", () => {
  it("answers 200 with the bytes, Content-Length and every file header", async () => {
    const response = await get(url, { jar: alice });
    expect(response.status).toBe(200);
    expect(await bytes(response)).toEqual(data);
    const h = response.headers;
    expect(h.get("content-length")).toBe(String(SIZE));
    expect(h.get("content-type")).toBe("application/octet-stream");
    expect(h.get("accept-ranges")).toBe("bytes");
    expect(h.get("etag")).toMatch(/^"[^"]+"$/);
    expect(new Date(h.get("last-modified")!).getTime()).not.toBeNaN();
    expect(h.get("cache-control")).toMatch(/^private, no-cache/);
    expect(h.get("x-content-type-options")).toBe("nosniff");
    expect(h.get("content-security-policy")).toContain("sandbox");
    expect(h.get("content-disposition")).toBe('attachment; filename="contract data.bin"');
    expect(h.get("x-private-files-content-length")).toBeNull();
  });

  it("is not compressed by Next.js even when the client accepts gzip", async () => {
    const response = await get(url, { jar: alice, headers: { "Accept-Encoding": "gzip" } });
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(response.headers.get("content-length")).toBe(String(SIZE));
  });
});

describe("HEAD", () => {
  it("has the GET headers and no body", async () => {
    const [head, full] = await Promise.all([get(url, { jar: alice, method: "HEAD" }), get(url, { jar: alice })]);
    expect(head.status).toBe(200);
    expect((await bytes(head)).length).toBe(0);
    for (const name of ["content-length", "content-type", "etag", "last-modified", "content-disposition", "accept-ranges", "cache-control"]) {
      expect(head.headers.get(name), name).toBe(full.headers.get(name));
    }
    await full.arrayBuffer();
  });
});

describe("Range", () => {
  const range = (value: string, extra: Record<string, string> = {}) => get(url, { jar: alice, headers: { Range: value, ...extra } });

  it("bytes=0-0 is the first byte", async () => {
    const response = await range("bytes=0-0");
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes 0-0/${SIZE}`);
    expect(response.headers.get("content-length")).toBe("1");
    expect(await bytes(response)).toEqual(data.subarray(0, 1));
  });

  it("bytes=-500 is the last 500 bytes", async () => {
    const response = await range("bytes=-500");
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes ${SIZE - 500}-${SIZE - 1}/${SIZE}`);
    expect(await bytes(response)).toEqual(data.subarray(SIZE - 500));
  });

  it("bytes=100- is everything from byte 100", async () => {
    const response = await range("bytes=100-");
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes 100-${SIZE - 1}/${SIZE}`);
    expect(response.headers.get("content-length")).toBe(String(SIZE - 100));
    expect(await bytes(response)).toEqual(data.subarray(100));
  });

  it("an end past the file is clamped", async () => {
    const response = await range(`bytes=9000-${SIZE * 10}`);
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes 9000-${SIZE - 1}/${SIZE}`);
    expect(await bytes(response)).toEqual(data.subarray(9000));
  });

  it("a start beyond the end is 416 with Content-Range bytes */size", async () => {
    const response = await range(`bytes=${SIZE}-`);
    expect(response.status).toBe(416);
    expect(response.headers.get("content-range")).toBe(`bytes */${SIZE}`);
    expect((await bytes(response)).length).toBe(0);
  });

  it("1,000 ranges are ignored: 200, whole file", async () => {
    const many = Array.from({ length: 1000 }, (_, i) => `${i * 10}-${i * 10 + 1}`).join(",");
    const response = await range(`bytes=${many}`);
    expect(response.status).toBe(200);
    expect(await bytes(response)).toEqual(data);
  });

  it.each(["bytes=abc", "bytes=", "items=0-10", "bytes=--1", "0-10", "bytes=5-1x"])("a malformed value (%s) is ignored: 200, whole file", async (value) => {
    const response = await range(value);
    expect(response.status).toBe(200);
    expect(await bytes(response)).toEqual(data);
  });

  it("overlapping ranges are coalesced into one", async () => {
    const response = await range("bytes=0-99,50-199");
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes 0-199/${SIZE}`);
    expect(await bytes(response)).toEqual(data.subarray(0, 200));
  });

  it("several disjoint ranges are answered with the whole file", async () => {
    const response = await range("bytes=0-9,100-109,500-509");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(SIZE));
    expect(await bytes(response)).toEqual(data);
  });

  it("If-Range with the current ETag honours the range; a stale one sends the whole file", async () => {
    const etag = (await get(url, { jar: alice, method: "HEAD" })).headers.get("etag")!;
    const current = await range("bytes=0-9", { "If-Range": etag });
    expect(current.status).toBe(206);
    await current.arrayBuffer();
    const stale = await range("bytes=0-9", { "If-Range": '"stale"' });
    expect(stale.status).toBe(200);
    expect(await bytes(stale)).toEqual(data);
  });

  it("If-Range with the Last-Modified date honours the range", async () => {
    const lastModified = (await get(url, { jar: alice, method: "HEAD" })).headers.get("last-modified")!;
    const response = await range("bytes=0-9", { "If-Range": lastModified });
    expect(response.status).toBe(206);
    expect(await bytes(response)).toEqual(data.subarray(0, 10));
  });
});

describe("conditional requests", () => {
  it("If-None-Match with the ETag is 304 for the owner", async () => {
    const etag = (await get(url, { jar: alice, method: "HEAD" })).headers.get("etag")!;
    const response = await get(url, { jar: alice, headers: { "If-None-Match": etag } });
    expect(response.status).toBe(304);
    expect(response.headers.get("etag")).toBe(etag);
  });

  it("If-Modified-Since at Last-Modified is 304 for the owner", async () => {
    const lastModified = (await get(url, { jar: alice, method: "HEAD" })).headers.get("last-modified")!;
    const response = await get(url, { jar: alice, headers: { "If-Modified-Since": lastModified } });
    expect(response.status).toBe(304);
  });

  it("a denied user never gets 304: 403, and anonymous 401", async () => {
    const head = await get(url, { jar: alice, method: "HEAD" });
    const conditions = { "If-None-Match": head.headers.get("etag")!, "If-Modified-Since": head.headers.get("last-modified")! };
    expect((await get(url, { jar: bob, headers: conditions })).status).toBe(403);
    expect((await get(url, { headers: conditions })).status).toBe(401);
  });

  it("If-Match with another version is 412 with no body; with this version, the file (RFC 9110 13.1.1)", async () => {
    const etag = (await get(url, { jar: alice, method: "HEAD" })).headers.get("etag")!;
    const failed = await get(url, { jar: alice, headers: { "If-Match": '"other"' } });
    expect(failed.status).toBe(412);
    expect((await bytes(failed)).length).toBe(0);
    const served = await get(url, { jar: alice, headers: { "If-Match": etag } });
    expect(served.status).toBe(200);
    expect(await bytes(served)).toEqual(data);
  });

  it("If-Unmodified-Since before Last-Modified is 412; at it, the file (RFC 9110 13.1.4)", async () => {
    const lastModified = (await get(url, { jar: alice, method: "HEAD" })).headers.get("last-modified")!;
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await get(url, { jar: alice, headers: { "If-Unmodified-Since": earlier } })).status).toBe(412);
    expect((await get(url, { jar: alice, headers: { "If-Unmodified-Since": lastModified } })).status).toBe(200);
  });

  it("an ETag that does not match sends the file", async () => {
    const response = await get(url, { jar: alice, headers: { "If-None-Match": '"other"' } });
    expect(response.status).toBe(200);
    expect(await bytes(response)).toEqual(data);
  });
});

describe("denied", () => {
  it("anonymous gets 401 with no file bytes", async () => {
    const response = await get(url);
    expect(response.status).toBe(401);
    const body = await response.text();
    expect(body).not.toContain(Buffer.from(data.subarray(0, 32)).toString("latin1"));
    expect(response.headers.get("content-disposition")).toBeNull();
  });

  it("an anonymous browser navigation is sent to sign in, coming back to the file", async () => {
    // As a browser sends it; fetch() itself always says Sec-Fetch-Mode: cors.
    const response = await rawGet(url, { Accept: "text/html,application/xhtml+xml", "Sec-Fetch-Mode": "navigate" });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`/signin?callbackUrl=${encodeURIComponent(url)}`);
  });

  it("an anonymous fetch() asking for HTML still gets 401, not a redirect", async () => {
    const response = await get(url, { headers: { Accept: "text/html" } });
    expect(response.status).toBe(401);
  });

  it("a signed-in user for whom the condition is false gets 403", async () => {
    const response = await get(url, { jar: bob });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-disposition")).toBeNull();
  });

  it("a forged session cookie is anonymous", async () => {
    const response = await get(url, { headers: { Cookie: "next-auth.session-token=forged.value.here" } });
    expect(response.status).toBe(401);
  });
});

describe("404", () => {
  let emptyId: number;
  let missingId: number;
  let outsideId: number;
  let symlinkId: number;

  beforeAll(async () => {
    emptyId = await insertSubmission({ owner: "alice@example.com", file: "", fileName: "empty.txt", fileSize: 0 });
    missingId = await insertSubmission({ owner: "alice@example.com", file: "submissions/not-there.txt", fileName: "gone.txt", fileSize: 3 });
    outsideId = await insertSubmission({ owner: "alice@example.com", file: "../../../../etc/passwd", fileName: "passwd", fileSize: 1 });
    await fs.mkdir(path.join(storageRoot(), "submissions"), { recursive: true });
    await fs.symlink("/etc/passwd", path.join(storageRoot(), "submissions", "link-out.txt"));
    symlinkId = await insertSubmission({ owner: "alice@example.com", file: "submissions/link-out.txt", fileName: "link.txt", fileSize: 1 });
  });
  afterAll(async () => {
    for (const id of [emptyId, missingId, outsideId, symlinkId]) await deleteRow("FileSubmission", id);
  });

  const cases: [string, () => string][] = [
    ["an unknown model", () => url.replace("FileSubmission", "Nope")],
    ["a real Prisma model that is not declared private", () => url.replace("FileSubmission", "User")],
    ["__proto__ as model", () => url.replace("FileSubmission", "__proto__")],
    ["an unknown field", () => url.replace("/file/", "/description/")],
    ["a malformed id", () => url.replace(/\/file\/\d+\//, "/file/1e3/")],
    ["a negative id", () => url.replace(/\/file\/\d+\//, "/file/-1/")],
    ["no such record", () => url.replace(/\/file\/\d+\//, "/file/999999/")],
    ["a filename segment that is not the file's name", () => url.replace("contract%20data.bin", "other.bin")],
    ["too few segments", () => "/files/FileSubmission/file/1"],
    ["too many segments", () => `${url}/extra`],
    ["an empty field", () => `/files/FileSubmission/file/${emptyId}/empty.txt`],
    ["a file missing in storage", () => `/files/FileSubmission/file/${missingId}/gone.txt`],
    ["a stored path outside the storage root", () => `/files/FileSubmission/file/${outsideId}/passwd`],
    ["a symlink in the root pointing out of it", () => `/files/FileSubmission/file/${symlinkId}/link.txt`],
  ];
  it.each(cases)("%s", async (_name, target) => {
    const response = await get(target(), { jar: alice });
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("root:");
  });
});

describe("methods", () => {
  it.each(["POST", "PUT", "PATCH", "DELETE"])("%s is 405 with Allow: GET, HEAD", async (method) => {
    const response = await get(url, { jar: alice, method });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("Content-Disposition and inline", () => {
  it("a hostile unicode name is encoded safely and decodes to the original", async () => {
    const name = 'résumé "final"; v2, 😀.txt';
    const file = await writeStored("submissions/unicode-fixture.txt", new TextEncoder().encode("hi"));
    const id = await insertSubmission({ owner: "alice@example.com", file, fileName: name, fileSize: 2 });
    const response = await get(`/files/FileSubmission/file/${id}/${encodeURIComponent(name)}`, { jar: alice });
    expect(response.status).toBe(200);
    const header = response.headers.get("content-disposition")!;
    expect(header).not.toMatch(/[\r\n]/);
    const parsed = parseDisposition(header);
    expect(parsed.type).toBe("attachment");
    expect(parsed.parameters.filename).toBe(name);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("an inline field sends a PNG inline", async () => {
    const png = (await (await get("/api/files", { jar: alice })).json()) as { files: { model: string; url: string }[] };
    const image = png.files.find((f) => f.model === "SharedImage")!;
    const response = await get(image.url, { jar: alice });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("content-disposition")).toMatch(/^inline; filename=/);
  });

  it.each([
    ["page.html", "text/html; charset=utf-8"],
    ["drawing.svg", "image/svg+xml"],
    ["data.xml", "application/xml"],
  ])("an inline field still sends %s as an attachment", async (name, type) => {
    const file = await writeStored(`images/fixture-${name}`, new TextEncoder().encode("<script>alert(1)</script>"));
    const id = await insertImage({ file, fileName: name, fileSize: 25, title: `fixture ${name}` });
    const response = await get(`/files/SharedImage/image/${id}/${name}`, { jar: alice });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(type);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; /);
    expect(response.headers.get("content-security-policy")).toContain("sandbox");
  });
});
