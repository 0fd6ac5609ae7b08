import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { GetObjectCommand, ListObjectsV2Command, ListPartsCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { definePrivateFiles, intId, localFileStorage, privateModel } from "next-private-files";
import { s3Storage } from "next-private-files/s3";
import { createDirectUploadRoute, type DirectUploadOffer, type DirectUploadRoute } from "next-private-files/direct";
import { S3_TEST_BUCKET, startS3rver, type TestS3Server } from "../../support/s3rver";

// The direct-upload route against a real S3 HTTP server (s3rver) on loopback: the
// "browser" here PUTs real bytes over HTTP to the presigned URLs the route answers,
// then asks the route to complete. (s3rver checks no signatures: what the signatures
// hold is checked in presigned-urls.test.ts.)

const MiB = 1024 * 1024;
const APP = "http://app.test";
const PREFIX = "kit-direct/";

type Doc = { id: number; file: string | null; pdf: string | null; local: string | null };
type Completed = { path: string; size: number; originalName: string; user: string | null; via: string; metadata: Record<string, string> };

let s3: TestS3Server;
let client: S3Client;
let tmp: string;
let route: DirectUploadRoute;
let completed: Completed[] = [];
let used = new Map<string, number>();
let joined: number[][] = [];

beforeAll(async () => {
  s3 = await startS3rver();
  client = s3.client();
  // What the route asks S3 to join: s3rver accepts parts in any order, S3 wants them ascending.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "CompleteMultipartUploadCommand") {
        const input = args.input as { MultipartUpload?: { Parts?: { PartNumber?: number }[] } };
        joined.push((input.MultipartUpload?.Parts ?? []).map((part) => part.PartNumber!));
      }
      return next(args);
    },
    { step: "initialize", name: "recordJoin" },
  );
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "pf-direct-"));
  const storage = s3Storage({ client, bucket: S3_TEST_BUCKET, prefix: PREFIX });
  const uploader = ({ user }: { user: { id: string } | null }) => user !== null && user.id !== "blocked";
  const docs = privateModel<Doc, number>({ id: intId, load: async () => null }).fields({
    file: { uploadTo: "submissions", storage, upload: { condition: uploader, maxSize: 200 * MiB } },
    pdf: { uploadTo: "pdfs", storage, allowedTypes: ["application/pdf"], upload: { condition: uploader } },
    local: { uploadTo: "local", storage: localFileStorage({ root: tmp }), upload: { condition: uploader } },
  });
  const files = definePrivateFiles({
    models: { docs },
    // The test's "session": a header naming the user.
    getSession: async (request) => {
      const id = request.headers.get("x-user");
      return id ? { user: { id } } : null;
    },
    origins: [APP],
    maxUploadBytes: 300 * MiB,
    uploads: { quotaBytes: 250 * MiB, usedBytes: async (user) => used.get(user) ?? 0 },
    logger: { warn: () => undefined, error: () => undefined },
  });
  route = createDirectUploadRoute(files, {
    onUploadComplete: async (upload) => {
      const entry = { path: upload.path, size: upload.size, originalName: upload.originalName, user: upload.userId, via: upload.via, metadata: { ...upload.metadata } };
      completed.push(entry);
      return { saved: entry.path, size: entry.size };
    },
  });
});

afterAll(async () => {
  await s3?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  completed = [];
  used = new Map();
});

function request(method: string, pathname: string, options: { user?: string; body?: unknown; origin?: string } = {}): Request {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.user) headers["x-user"] = options.user;
  if (options.origin) headers.origin = options.origin;
  return new Request(`${APP}${pathname}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
}

async function intent(body: Record<string, unknown>, user: string | null = "1"): Promise<Response> {
  return route.POST(request("POST", "/uploads/direct", { user: user ?? undefined, body }));
}

async function begin(body: Record<string, unknown>, user = "1"): Promise<DirectUploadOffer> {
  const response = await intent(body, user);
  if (response.status !== 201) throw new Error(`intent answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as DirectUploadOffer;
}

function complete(offer: DirectUploadOffer, user: string | undefined = "1", body: unknown = {}): Promise<Response> {
  return route.POST(request("POST", offer.completeUrl, { user, body }));
}

/** The browser's PUT of the whole file to the presigned URL. */
async function putAll(offer: DirectUploadOffer, bytes: Buffer): Promise<void> {
  if (offer.kind !== "put") throw new Error("expected a single PUT");
  const response = await fetch(offer.url, { method: "PUT", headers: offer.headers, body: new Uint8Array(bytes) });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** The stored paths in a folder of the bucket (the route never tells the browser its key). */
async function keysUnder(folder: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: S3_TEST_BUCKET, Prefix: `${PREFIX}${folder}/` }));
  return (listed.Contents ?? []).map((object) => object.Key!.slice(PREFIX.length));
}

describe("a small file, one presigned PUT", () => {
  it("goes to the bucket and, on completion, reaches onUploadComplete with its path and size (201)", async () => {
    const bytes = randomBytes(300 * 1024);
    const offer = await begin({ model: "docs", field: "file", name: "report.bin", size: bytes.length, metadata: { submission: "7" } });
    expect(offer.kind).toBe("put");
    await putAll(offer, bytes);
    const response = await complete(offer);
    expect(response.status).toBe(201);
    const answer = (await response.json()) as { saved: string; size: number };
    expect(completed).toEqual([
      { path: answer.saved, size: bytes.length, originalName: "report.bin", user: "1", via: "direct", metadata: { submission: "7" } },
    ]);
    expect(answer.saved).toMatch(/^submissions\/[0-9a-f-]{36}\.bin$/);
    const stored = await client.send(new GetObjectCommand({ Bucket: S3_TEST_BUCKET, Key: PREFIX + answer.saved }));
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(bytes)).toBe(true);
  });

  it("completed twice: the second is refused (404) and onUploadComplete ran once", async () => {
    const bytes = randomBytes(1000);
    const offer = await begin({ model: "docs", field: "file", name: "twice.bin", size: bytes.length });
    await putAll(offer, bytes);
    expect((await complete(offer)).status).toBe(201);
    expect((await complete(offer)).status).toBe(404);
    expect(completed).toHaveLength(1);
  });

  it("completed by another user: 404, and the owner can still complete it", async () => {
    const bytes = randomBytes(1000);
    const offer = await begin({ model: "docs", field: "file", name: "mine.bin", size: bytes.length });
    await putAll(offer, bytes);
    expect((await complete(offer, "2")).status).toBe(404);
    expect(completed).toEqual([]);
    expect((await complete(offer, "1")).status).toBe(201);
  });

  it("with fewer bytes than declared: refused, the object deleted, the upload gone", async () => {
    const offer = await begin({ model: "docs", field: "file", name: "short.bin", size: 1000 });
    if (offer.kind !== "put") throw new Error("expected a PUT");
    const before = await keysUnder("submissions");
    // s3rver takes the short body (real S3 would refuse it: Content-Length is signed).
    const put = await fetch(offer.url, { method: "PUT", headers: offer.headers, body: randomBytes(900) });
    expect(put.status).toBe(200);
    expect(await keysUnder("submissions")).toHaveLength(before.length + 1);
    const response = await complete(offer);
    expect([400, 409]).toContain(response.status);
    expect(((await response.json()) as { error: string }).error).toMatch(/900|1000|size|bytes/i);
    expect(completed).toEqual([]);
    expect(await keysUnder("submissions")).toEqual(before);
    expect((await complete(offer)).status).toBe(404);
  });

  it("whose first bytes are not the field's type: 415, the object deleted", async () => {
    const offer = await begin({ model: "docs", field: "pdf", name: "fake.pdf", size: 64 });
    if (offer.kind !== "put") throw new Error("expected a PUT");
    expect(offer.headers["Content-Type"]).toBe("application/pdf");
    await putAll(offer, Buffer.from("MZ".padEnd(64, "x")));
    expect(await keysUnder("pdfs")).toHaveLength(1);
    const response = await complete(offer);
    expect(response.status).toBe(415);
    expect(await keysUnder("pdfs")).toEqual([]);
    expect(completed).toEqual([]);
  });

  it("cancelled: 204, the object deleted, and it can no longer be completed", async () => {
    const bytes = randomBytes(2000);
    const offer = await begin({ model: "docs", field: "file", name: "cancel.bin", size: bytes.length });
    const before = await keysUnder("submissions");
    await putAll(offer, bytes);
    expect(await keysUnder("submissions")).toHaveLength(before.length + 1);
    expect((await route.DELETE(request("DELETE", offer.cancelUrl, { user: "2" }))).status).toBe(404);
    expect((await route.DELETE(request("DELETE", offer.cancelUrl, { user: "1" }))).status).toBe(204);
    expect(await keysUnder("submissions")).toEqual(before);
    expect((await complete(offer)).status).toBe(404);
  });
});

describe("the intent", () => {
  it("is refused to an anonymous user (401), a user the condition refuses (403), another site's page (403)", async () => {
    const body = { model: "docs", field: "file", name: "a.bin", size: 10 };
    expect((await intent(body, null)).status).toBe(401);
    expect((await intent(body, "blocked")).status).toBe(403);
    const crossSite = await route.POST(request("POST", "/uploads/direct", { user: "1", body, origin: "https://evil.example" }));
    expect(crossSite.status).toBe(403);
    const asText = await route.POST(new Request(`${APP}/uploads/direct`, { method: "POST", headers: { "x-user": "1", "content-type": "text/plain" }, body: JSON.stringify(body) }));
    expect(asText.status).toBe(403);
  });

  it("is refused over the field's maxSize (413) and over the user's quota (413)", async () => {
    expect((await intent({ model: "docs", field: "file", name: "a.bin", size: 200 * MiB + 1 })).status).toBe(413);
    used.set("1", 249 * MiB);
    expect((await intent({ model: "docs", field: "file", name: "a.bin", size: 2 * MiB })).status).toBe(413);
    expect((await intent({ model: "docs", field: "file", name: "a.bin", size: MiB / 2 })).status).toBe(201);
  });

  it("is refused for a field that does not store in S3, naming why", async () => {
    const response = await intent({ model: "docs", field: "local", name: "a.bin", size: 10 });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/direct uploads need an S3 field/);
  });

  it("is refused with 400 when the body is not an intent", async () => {
    expect((await intent({ model: "docs", field: "file", name: "a.bin", size: -1 })).status).toBe(400);
    expect((await intent({ model: "docs", field: "file", size: 1 })).status).toBe(400);
  });
});

describe("a 150 MiB file, S3 multipart", () => {
  it("goes up in parts sent in parallel and, completed with their ETags, is stored byte for byte", { timeout: 120_000 }, async () => {
    const bytes = randomBytes(150 * MiB + 12345);
    const offer = await begin({ model: "docs", field: "file", name: "big.bin", size: bytes.length });
    if (offer.kind !== "multipart") throw new Error("expected a multipart offer");
    expect(offer.parts.length).toBeGreaterThan(1);
    const etags = new Map<number, string>();
    let inFlight = 0;
    let most = 0;
    const queue = [...offer.parts];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let part = queue.shift(); part; part = queue.shift()) {
          inFlight++;
          most = Math.max(most, inFlight);
          const response = await fetch(part.url, { method: "PUT", body: bytes.subarray(part.start, part.start + part.size) });
          inFlight--;
          expect(response.status).toBe(200);
          etags.set(part.partNumber, response.headers.get("etag")!);
        }
      }),
    );
    expect(most).toBeGreaterThan(1);
    // Out of order on purpose: the route sorts them.
    const parts = [...etags].map(([partNumber, etag]) => ({ partNumber, etag })).reverse();
    const response = await complete(offer, "1", { parts });
    expect(response.status, await response.clone().text()).toBe(201);
    const { saved } = (await response.json()) as { saved: string };
    const stored = await client.send(new GetObjectCommand({ Bucket: S3_TEST_BUCKET, Key: PREFIX + saved }));
    const hash = createHash("sha256");
    for await (const chunk of stored.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
    expect(hash.digest("hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(completed.map((entry) => entry.size)).toEqual([bytes.length]);
    expect(joined).toEqual([offer.parts.map((part) => part.partNumber)]);
  });

  it("completed without its parts: 400, and the upload stays to be completed properly", async () => {
    const offer = await begin({ model: "docs", field: "file", name: "big.bin", size: 101 * MiB });
    expect(offer.kind).toBe("multipart");
    expect((await complete(offer, "1", {})).status).toBe(400);
    const [first] = offer.kind === "multipart" ? offer.parts : [];
    expect((await fetch(first!.url, { method: "PUT", body: randomBytes(first!.size) })).status).toBe(200);
    const uploadId = new URL(first!.url).searchParams.get("uploadId")!;
    expect(await partsOf(first!.url)).toEqual([1]);
    expect((await route.DELETE(request("DELETE", offer.cancelUrl, { user: "1" }))).status).toBe(204);
    // Cancelled: the multipart upload is aborted, its parts gone.
    await expect(partsOf(first!.url)).rejects.toMatchObject({ name: "NoSuchUpload" });
    expect(uploadId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("prune", () => {
  it("deletes the object and the pending upload of an orphan past its expiry, and leaves fresh ones", async () => {
    const orphan = await begin({ model: "docs", field: "file", name: "orphan.bin", size: 100 });
    await putAll(orphan, randomBytes(100));
    const before = await keysUnder("submissions");
    // Nothing has expired yet.
    expect((await route.prune()).pruned).toBe(0);
    expect(await keysUnder("submissions")).toEqual(before);
    const result = await route.prune({ now: new Date(Date.parse(orphan.expiresAt) + 1000) });
    expect(result.pruned).toBeGreaterThanOrEqual(1);
    expect(result.failed).toBe(0);
    expect((await keysUnder("submissions")).length).toBe(before.length - 1);
    expect((await complete(orphan)).status).toBe(404);
  });

  it("aborts the multipart upload of an orphan sent in parts, and frees it", async () => {
    const orphan = await begin({ model: "docs", field: "file", name: "orphan-big.bin", size: 120 * MiB });
    if (orphan.kind !== "multipart") throw new Error("expected a multipart offer");
    const [first] = orphan.parts;
    expect((await fetch(first!.url, { method: "PUT", body: randomBytes(first!.size) })).status).toBe(200);
    expect(await partsOf(first!.url)).toEqual([1]);
    const result = await route.prune({ now: new Date(Date.parse(orphan.expiresAt) + 1000) });
    expect(result.failed).toBe(0);
    await expect(partsOf(first!.url)).rejects.toMatchObject({ name: "NoSuchUpload" });
    expect((await complete(orphan, "1", { parts: [{ partNumber: 1, etag: "x" }] })).status).toBe(404);
  });
});

/** The part numbers S3 holds for the multipart upload a part URL belongs to (ListParts). */
async function partsOf(partUrl: string): Promise<number[]> {
  const url = new URL(partUrl);
  const key = decodeURIComponent(url.pathname).slice(`/${S3_TEST_BUCKET}/`.length);
  const listed = await client.send(new ListPartsCommand({ Bucket: S3_TEST_BUCKET, Key: key, UploadId: url.searchParams.get("uploadId")! }));
  return (listed.Parts ?? []).map((part) => part.PartNumber!);
}
