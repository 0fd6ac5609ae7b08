import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3_TEST_BUCKET, startS3rver, type TestS3Server } from "../support/s3rver";
import { databaseUrl, maxUploadBytes, storageRoot, workDir } from "./support/context";
import { auditOf, deleteRow, downloadsOf, insertCounted, randomData, sha256 } from "./support/fixtures";
import { eventually } from "./support/process";
import { freePort, serverEnv, startNext, stopServer } from "./support/server";
import { signIn, type CookieJar } from "./support/session";

// A dedicated `next start` with PRIVATE_FILES_STORAGE=s3 against s3rver on loopback
// (started and stopped here): an upload through POST /api/files lands in the bucket,
// under S3_PREFIX, and downloads from it, whole and by range. A second one on the same
// bucket and database runs PRIVATE_FILES_DELIVERY=redirect: it authorizes and counts,
// then sends the browser to a presigned URL of the object.

type Item = { id: number; url: string; size: number; filename: string };

let s3: TestS3Server;
let client: S3Client;
let server: ChildProcess | undefined;
let redirecting: ChildProcess | undefined;
let base: string;
let redirectBase: string;
let alice: CookieJar;
let bob: CookieJar;
const rows: number[] = [];
const countedRows: number[] = [];
const REDIRECT_SECONDS = 30;

beforeAll(async () => {
  s3 = await startS3rver();
  client = s3.client();
  const [port, redirectPort] = [await freePort(), await freePort()];
  const env = { ...serverEnv(port, databaseUrl(), storageRoot()), ...s3.env(S3_TEST_BUCKET, "it") };
  const redirectEnv = {
    ...serverEnv(redirectPort, databaseUrl(), storageRoot()),
    ...s3.env(S3_TEST_BUCKET, "it"),
    PRIVATE_FILES_DELIVERY: "redirect",
    PRIVATE_FILES_REDIRECT_SECONDS: String(REDIRECT_SECONDS),
  };
  [server, redirecting] = await Promise.all([
    startNext(port, env, path.join(workDir(), "s3-server.log")),
    startNext(redirectPort, redirectEnv, path.join(workDir(), "s3-redirect-server.log")),
  ]);
  base = `http://127.0.0.1:${port}`;
  redirectBase = `http://127.0.0.1:${redirectPort}`;
  // Sessions are JWT cookies under the shared NEXTAUTH_SECRET: good on both servers.
  [alice, bob] = await Promise.all([signIn("alice@example.com", "demo-password", base), signIn("bob@example.com", "demo-password", base)]);
});

afterAll(async () => {
  await Promise.all([server, redirecting].map((child) => child && stopServer(child)));
  for (const id of rows) await deleteRow("FileSubmission", id);
  for (const id of countedRows) await deleteRow("CountedDownload", id);
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

describe("PRIVATE_FILES_DELIVERY=redirect", () => {
  async function uploaded(name: string, data: Uint8Array<ArrayBuffer>): Promise<Item> {
    const response = await upload(data, name);
    expect(response.status).toBe(201);
    const item = (await response.json()) as Item;
    rows.push(item.id);
    return item;
  }

  it("authorizes, then 302s to a short-lived presigned URL that serves the bytes with the route's name and type", async () => {
    const data = new Uint8Array(Buffer.concat([Buffer.from("%PDF-1.7\n"), randomData(200_000)]));
    const item = await uploaded("Relevé d'été; final.pdf", data);
    // What the streaming route would answer, for comparison.
    const streamed = await fetch(`${base}${item.url}`, { method: "HEAD", headers: { Cookie: alice.header } });
    expect(streamed.status).toBe(200);

    const answer = await fetch(`${redirectBase}${item.url}`, { redirect: "manual", headers: { Cookie: alice.header } });
    expect(answer.status).toBe(302);
    expect(answer.headers.get("cache-control")).toBe("private, no-store");
    expect(await answer.arrayBuffer()).toHaveProperty("byteLength", 0);
    const location = new URL(answer.headers.get("location")!);
    expect(location.origin).toBe(s3.endpoint);
    expect(location.pathname).toMatch(new RegExp(`^/${S3_TEST_BUCKET}/it/submissions/[0-9a-f-]{36}\\.pdf$`));
    expect(location.searchParams.get("X-Amz-Expires")).toBe(String(REDIRECT_SECONDS));
    expect(location.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(location.searchParams.get("response-content-type")).toBe("application/pdf");
    expect(location.searchParams.get("response-content-disposition")).toBe(streamed.headers.get("content-disposition"));

    // The browser follows it, without the app's cookie: the store sends the bytes.
    const fromStore = await fetch(location);
    expect(fromStore.status).toBe(200);
    expect(fromStore.headers.get("content-type")).toBe("application/pdf");
    expect(fromStore.headers.get("content-disposition")).toBe(streamed.headers.get("content-disposition"));
    expect(sha256(new Uint8Array(await fromStore.arrayBuffer()))).toBe(sha256(data));
  });

  it("denied and anonymous requests get 403 and 401, never a URL to the object", async () => {
    const item = await uploaded("alice only.pdf", new Uint8Array(Buffer.concat([Buffer.from("%PDF-1.7\n"), randomData(5000)])));
    for (const [jar, status] of [[bob, 403], [undefined, 401]] as const) {
      const answer = await fetch(`${redirectBase}${item.url}`, { redirect: "manual", headers: jar ? { Cookie: jar.header } : {} });
      expect(answer.status).toBe(status);
      expect(answer.headers.get("location")).toBeNull();
      expect(await answer.text()).not.toContain(s3.endpoint);
    }
  });

  it("preDownload runs before the redirect (the counter and the audit trail see it); range re-requests to the store skip it", async () => {
    const data = randomData(100_000);
    await client.send(new PutObjectCommand({ Bucket: S3_TEST_BUCKET, Key: "it/downloadables/redirect-counted.bin", Body: data }));
    const id = await insertCounted({ file: "downloadables/redirect-counted.bin", fileName: "counted.bin", fileSize: data.length, description: "counted, then redirected" });
    countedRows.push(id);
    const url = `/files/CountedDownload/file/${id}/counted.bin`;

    const answer = await fetch(`${redirectBase}${url}`, { redirect: "manual", headers: { Cookie: bob.header } });
    expect(answer.status).toBe(302);
    expect(await downloadsOf(id)).toBe(1);
    expect(await eventually(async () => (await auditOf("CountedDownload", id)).length === 1)).toBe(true);
    const trail = await auditOf("CountedDownload", id);
    expect(trail[0]).toMatchObject({ outcome: "offloaded", status: 302, bytesSent: 0 });

    // A video seeking or a resumed download: the browser asks the store for a range
    // itself. The store answers it; the app never hears of it (the documented trade-off).
    const location = answer.headers.get("location")!;
    const part = await fetch(location, { headers: { Range: "bytes=50000-50999" } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(data.subarray(50000, 51000)))).toBe(true);
    expect(await downloadsOf(id)).toBe(1);
    expect(await auditOf("CountedDownload", id)).toHaveLength(1);
  });
});
