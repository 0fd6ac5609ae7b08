import path from "node:path";
import fsp from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, maxUploadBytes, storageRoot } from "./support/context";
import { count, deleteRow, query, randomData, sha256 } from "./support/fixtures";
import { send } from "./support/http-send";
import { signIn, type CookieJar } from "./support/session";

// The demo's tus route (app/uploads/[[...tus]]/route.ts) over HTTP, on both databases:
// the record made from the upload (description from its metadata), the same-origin
// guard the route adds (the kit's tus route does not look at Origin; bodied requests
// skip proxy.ts), the Host check, the refusals at creation. The PostgreSQL lock:
// resumable-uploads.postgres.test.ts.

const EVIL = "http://evil.example";
const TUS = { "Tus-Resumable": "1.0.0" };
const b64 = (value: string) => Buffer.from(value).toString("base64");
const metadata = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([key, value]) => `${key} ${b64(value)}`)
    .join(",");

/** An MP4-looking body (its first box type), random after that. */
const video = (size: number) => {
  const bytes = randomData(size);
  bytes.set([0, 0, 0, 0x18, ...Buffer.from("ftypisom")]);
  return bytes;
};

let alice: CookieJar;
const rows: number[] = [];
const pendingRows = async () => Number((await query<{ n: number | string }>(`SELECT COUNT(*) AS "n" FROM "PendingUpload"`))[0]!.n);

const create = (size: number, headers: Record<string, string> = {}, fields: Record<string, string> = {}) =>
  send("POST", "/uploads", {
    ...TUS,
    Cookie: alice.header,
    "Upload-Length": String(size),
    "Upload-Metadata": metadata({ model: "FileSubmission", field: "file", filename: "clip.mp4", ...fields }),
    ...headers,
  });

const patch = (location: string, offset: number, body: Uint8Array, headers: Record<string, string> = {}) =>
  send("PATCH", location, { ...TUS, Cookie: alice.header, "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream", ...headers }, body);

beforeAll(async () => {
  alice = await signIn("alice@example.com");
});

afterAll(async () => {
  for (const id of rows) await deleteRow("FileSubmission", id);
});

describe("resumable uploads at /uploads", () => {
  it("creation, two PATCHes, HEAD between them: the submission is recorded with the metadata's description and the same bytes", async () => {
    const bytes = video(3 * 1024 * 1024);
    const created = await create(bytes.length, {}, { description: "Rehearsal, resumable" });
    expect(created.status, created.body).toBe(201);
    const location = new URL(created.headers.location!, baseUrl()).pathname;
    expect(location).toMatch(/^\/uploads\/[A-Za-z0-9_-]+$/);

    const half = 1024 * 1024 + 17;
    expect((await patch(location, 0, bytes.subarray(0, half))).status).toBe(204);
    const head = await send("HEAD", location, { ...TUS, Cookie: alice.header });
    expect(head.status).toBe(200);
    expect(head.headers["upload-offset"]).toBe(String(half));

    const last = await patch(location, half, bytes.subarray(half));
    expect(last.status, last.body).toBe(200);
    const item = JSON.parse(last.body) as { id: number; description: string; filename: string; size: number };
    rows.push(item.id);
    expect(item).toMatchObject({ model: "FileSubmission", description: "Rehearsal, resumable", filename: "clip.mp4", size: bytes.length });
    const [row] = await query<{ file: string; fileSize: number | string }>(`SELECT "file", "fileSize" FROM "FileSubmission" WHERE "id" = ?`, [item.id]);
    expect(Number(row!.fileSize)).toBe(bytes.length);
    expect(sha256(await fsp.readFile(path.join(storageRoot(), row!.file)))).toBe(sha256(bytes));
  });

  it("refuses another site's creation (403) before anything is reserved", async () => {
    const pending = await pendingRows();
    for (const headers of [{ Origin: EVIL }, { "Sec-Fetch-Site": "cross-site" }] as Record<string, string>[]) {
      const sent = await create(1000, headers);
      expect(sent.status, sent.body).toBe(403);
      expect(JSON.parse(sent.body).error).toMatch(/cross-site request refused/);
    }
    expect(await pendingRows()).toBe(pending);
  });

  it("refuses another site's PATCH and DELETE: the upload keeps its offset", async () => {
    const bytes = video(4096);
    const created = await create(bytes.length);
    expect(created.status).toBe(201);
    const location = new URL(created.headers.location!, baseUrl()).pathname;
    const [rowsBefore] = [await count("FileSubmission")];

    expect((await patch(location, 0, bytes, { Origin: EVIL })).status).toBe(403);
    expect((await send("DELETE", location, { ...TUS, Cookie: alice.header, Origin: EVIL })).status).toBe(403);
    const head = await send("HEAD", location, { ...TUS, Cookie: alice.header });
    expect(head.status).toBe(200);
    expect(head.headers["upload-offset"]).toBe("0");
    expect(await count("FileSubmission")).toBe(rowsBefore);

    // Its own origin may end it (termination): bytes and reservation gone.
    expect((await send("DELETE", location, { ...TUS, Cookie: alice.header, Origin: baseUrl() })).status).toBe(204);
    expect((await send("HEAD", location, { ...TUS, Cookie: alice.header })).status).toBe(404);
  });

  it("answers a Host that is not the app's with 421 on every method", async () => {
    for (const method of ["OPTIONS", "HEAD", "POST", "PATCH", "DELETE"]) {
      const sent = await send(method, "/uploads/abc", { ...TUS, Host: "rebound.example", "Content-Length": "0" });
      expect(sent.status, method).toBe(421);
    }
  });

  it("refusals at creation as JSON: signed out 401, over the limit 413, a type not allowed 415", async () => {
    const anonymous = await create(1000, { Cookie: "" });
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body).error).toBe("sign in to upload");
    const large = await create(maxUploadBytes() + 1);
    expect(large.status).toBe(413);
    expect(JSON.parse(large.body)).toMatchObject({ maxBytes: maxUploadBytes() });
    const exe = await create(1000, {}, { filename: "setup.exe" });
    expect(exe.status).toBe(415);
    expect(JSON.parse(exe.body).accepted).toContain("video/mp4");
  });
});
