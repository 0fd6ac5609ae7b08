import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Session } from "next-private-files";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anyone,
  createPrivateFileRoute,
  definePrivateFiles,
  intId,
  localFileStorage,
  owner,
  privateModel,
  type PrivateFileRoute,
} from "next-private-files";
import { s3Storage } from "next-private-files/s3";
import { storeUpload } from "next-private-files/upload";
import { S3_TEST_BUCKET, startS3rver, type TestS3Server } from "../../support/s3rver";

// The file route in process with fields stored in S3 (a real s3rver on loopback) next
// to a field stored on local disk: the per-field `storage` choice.

type Doc = { id: number; ownerId: number; name: string | null; file: string | null; local: string | null; gone: string | null };

const SIZE = 50_000;
const DATA = randomBytes(SIZE);
const records = new Map<number, Doc>();
const sessions: Record<string, Session> = {
  alice: { user: { id: "1", name: "Alice", email: "alice@example.com" } },
};
const logger = { warn: () => undefined, error: () => undefined };

let s3: TestS3Server;
let client: S3Client;
let tmp: string;
let route: PrivateFileRoute;
let etag: string;
let lastModified: string;
let files: ReturnType<typeof build>;

function build(root: string, down: S3Client) {
  const bucket = s3Storage({ client, bucket: S3_TEST_BUCKET, prefix: "route" });
  const docs = privateModel<Doc, number>({ id: intId, load: async (id) => records.get(id) ?? null }).fields({
    file: { condition: owner("ownerId"), originalName: "name", uploadTo: "docs", storage: bucket },
    local: { condition: anyone, storage: localFileStorage({ root }) },
    gone: { condition: anyone, storage: s3Storage({ client: down, bucket: S3_TEST_BUCKET }) },
  });
  return definePrivateFiles({
    models: { docs },
    getSession: async (request) => sessions[request.headers.get("x-test-user") ?? ""] ?? null,
    // The default storage: never used here, every field names its own.
    storage: localFileStorage({ root: path.join(root, "default") }),
    retryAfterSeconds: 7,
    logger,
  });
}

beforeAll(async () => {
  s3 = await startS3rver();
  client = s3.client();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "pf-route-s3-"));
  await fs.mkdir(path.join(tmp, "root"));
  await fs.writeFile(path.join(tmp, "root", "here.txt"), "on local disk");
  await client.send(new PutObjectCommand({ Bucket: S3_TEST_BUCKET, Key: "route/docs/report.bin", Body: DATA }));
  const head = await client.send(new HeadObjectCommand({ Bucket: S3_TEST_BUCKET, Key: "route/docs/report.bin" }));
  etag = head.ETag!;
  lastModified = head.LastModified!.toUTCString();

  files = build(path.join(tmp, "root"), s3.client({ endpoint: "http://127.0.0.1:9", maxAttempts: 1 }));
  route = createPrivateFileRoute(files);
  records.set(1, { id: 1, ownerId: 1, name: "Report.bin", file: "docs/report.bin", local: "here.txt", gone: "docs/report.bin" });
  records.set(2, { id: 2, ownerId: 1, name: "Missing.bin", file: "docs/missing.bin", local: null, gone: null });
});

afterAll(async () => {
  await s3?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

function call(url: string, headers: Record<string, string> = {}, method: "GET" | "HEAD" = "GET"): Promise<Response> {
  return route[method](new Request(`http://localhost${url}`, { method, headers: { "x-test-user": "alice", ...headers } }));
}
const body = async (response: Response) => Buffer.from(await response.arrayBuffer());
const REPORT = "/files/docs/file/1/Report.bin";

describe("a field stored in S3", () => {
  it("200: the whole object, with the object's ETag and Last-Modified", async () => {
    const response = await call(REPORT);
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe(etag);
    expect(response.headers.get("last-modified")).toBe(lastModified);
    expect(response.headers.get("content-length")).toBe(String(SIZE));
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect((await body(response)).equals(DATA)).toBe(true);
  });

  it("206: a range, passed through to S3", async () => {
    const response = await call(REPORT, { range: "bytes=1000-1999" });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes 1000-1999/${SIZE}`);
    expect(response.headers.get("content-length")).toBe("1000");
    expect((await body(response)).equals(DATA.subarray(1000, 2000))).toBe(true);
    const suffix = await call(REPORT, { range: "bytes=-10" });
    expect(suffix.status).toBe(206);
    expect((await body(suffix)).equals(DATA.subarray(SIZE - 10))).toBe(true);
  });

  it("206 with If-Range naming the object's ETag; 200 when it names another", async () => {
    const same = await call(REPORT, { range: "bytes=0-9", "if-range": etag });
    expect(same.status).toBe(206);
    expect((await body(same)).equals(DATA.subarray(0, 10))).toBe(true);
    const other = await call(REPORT, { range: "bytes=0-9", "if-range": '"something-else"' });
    expect(other.status).toBe(200);
    expect((await body(other)).length).toBe(SIZE);
  });

  it("304 for If-None-Match with the object's ETag and for If-Modified-Since its Last-Modified", async () => {
    const byEtag = await call(REPORT, { "if-none-match": etag });
    expect(byEtag.status).toBe(304);
    expect(byEtag.headers.get("etag")).toBe(etag);
    expect(await byEtag.text()).toBe("");
    const byDate = await call(REPORT, { "if-modified-since": lastModified });
    expect(byDate.status).toBe(304);
    const changed = await call(REPORT, { "if-none-match": '"older"' });
    expect(changed.status).toBe(200);
    await changed.body?.cancel();
  });

  it("416 for a range past the end, with the object's size", async () => {
    const response = await call(REPORT, { range: `bytes=${SIZE}-` });
    expect(response.status).toBe(416);
    expect(response.headers.get("content-range")).toBe(`bytes */${SIZE}`);
  });

  it("HEAD: the GET's headers, no body", async () => {
    const response = await call(REPORT, {}, "HEAD");
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe(etag);
    expect(response.headers.get("content-length")).toBe(String(SIZE));
    expect(await response.text()).toBe("");
  });

  it("404 when the record points at a missing object; 401 before storage is asked", async () => {
    expect((await call("/files/docs/file/2/Missing.bin")).status).toBe(404);
    expect((await route.GET(new Request(`http://localhost${REPORT}`))).status).toBe(401);
  });

  it("503 with Retry-After when the store cannot be reached", async () => {
    const response = await call("/files/docs/gone/1/report.bin");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("7");
  });

  it("storeUpload puts the bytes in the field's S3 folder, and the route serves them", async () => {
    const data = randomBytes(12_345);
    const stored = await storeUpload(files, "docs", "file", new File([data], "upload.bin"));
    expect(stored.path).toMatch(/^docs\/[0-9a-f-]{36}\.bin$/);
    records.set(3, { id: 3, ownerId: 1, name: stored.originalName, file: stored.path, local: null, gone: null });
    const response = await call("/files/docs/file/3/upload.bin", { range: "bytes=100-" });
    expect(response.status).toBe(206);
    expect((await body(response)).equals(data.subarray(100))).toBe(true);
  });
});

describe("a field stored on local disk, in the same configuration", () => {
  it("is served from disk", async () => {
    const response = await call("/files/docs/local/1/here.txt");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("on local disk");
  });
});
