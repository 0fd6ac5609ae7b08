import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3_TEST_BUCKET, startS3rver, type TestS3Server } from "../support/s3rver";
import { databaseUrl, maxUploadBytes, storageRoot, workDir } from "./support/context";
import { deleteRow, randomData, sha256 } from "./support/fixtures";
import { freePort, serverEnv, startNext, stopServer } from "./support/server";
import { signIn, type CookieJar } from "./support/session";

// A dedicated `next start` with PRIVATE_FILES_STORAGE=s3 against s3rver on loopback
// (started and stopped here): an upload through POST /api/files lands in the bucket,
// under S3_PREFIX, and downloads from it, whole and by range.

type Item = { id: number; url: string; size: number; filename: string };

let s3: TestS3Server;
let client: S3Client;
let server: ChildProcess | undefined;
let base: string;
let alice: CookieJar;
const rows: number[] = [];

beforeAll(async () => {
  s3 = await startS3rver();
  client = s3.client();
  const port = await freePort();
  const env = { ...serverEnv(port, databaseUrl(), storageRoot()), ...s3.env(S3_TEST_BUCKET, "it") };
  server = await startNext(port, env, path.join(workDir(), "s3-server.log"));
  base = `http://127.0.0.1:${port}`;
  alice = await signIn("alice@example.com", "demo-password", base);
});

afterAll(async () => {
  if (server) await stopServer(server);
  for (const id of rows) await deleteRow("FileSubmission", id);
  await s3?.stop();
});

function upload(data: Uint8Array<ArrayBuffer>, name: string): Promise<Response> {
  const form = new FormData();
  form.set("description", "stored in S3");
  form.set("file", new Blob([data]), name);
  return fetch(`${base}/api/files`, { method: "POST", body: form, headers: { Cookie: alice.header } });
}

async function keys(): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: S3_TEST_BUCKET, Prefix: "it/" }));
  return (listed.Contents ?? []).map((object) => object.Key!);
}

describe("PRIVATE_FILES_STORAGE=s3", () => {
  it("POST /api/files stores in the bucket; the route serves it whole (200) and by range (206)", async () => {
    const data = new Uint8Array(Buffer.concat([Buffer.from("%PDF-1.7\n"), randomData(400_000)]));
    const response = await upload(data, "in the bucket.pdf");
    expect(response.status).toBe(201);
    const item = (await response.json()) as Item;
    rows.push(item.id);

    const stored = await keys();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatch(/^it\/submissions\/[0-9a-f-]{36}\.pdf$/);
    const head = await client.send(new HeadObjectCommand({ Bucket: S3_TEST_BUCKET, Key: stored[0] }));

    const whole = await fetch(`${base}${item.url}`, { headers: { Cookie: alice.header } });
    expect(whole.status).toBe(200);
    expect(whole.headers.get("etag")).toBe(head.ETag);
    expect(whole.headers.get("last-modified")).toBe(head.LastModified!.toUTCString());
    expect(whole.headers.get("content-length")).toBe(String(data.length));
    expect(sha256(new Uint8Array(await whole.arrayBuffer()))).toBe(sha256(data));

    const part = await fetch(`${base}${item.url}`, { headers: { Cookie: alice.header, Range: "bytes=100000-100099" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100000-100099/${data.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(data.subarray(100000, 100100)))).toBe(true);

    const revalidated = await fetch(`${base}${item.url}`, { headers: { Cookie: alice.header, "If-None-Match": head.ETag! } });
    expect(revalidated.status).toBe(304);
  });

  it("an upload over the limit is refused with 413 and leaves nothing in the bucket", async () => {
    const before = await keys();
    const data = new Uint8Array(Buffer.concat([Buffer.from("%PDF-1.7\n"), randomData(maxUploadBytes() + 1024)]));
    const response = await upload(data, "too big.pdf");
    expect(response.status).toBe(413);
    expect(await keys()).toEqual(before);
  });
});
