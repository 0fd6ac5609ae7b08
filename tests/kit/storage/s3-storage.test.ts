import { createHash, randomBytes } from "node:crypto";
import { Agent } from "node:http";
import fs from "node:fs/promises";
import path from "node:path";
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnsafeStoredPathError, UploadTooLargeError, type FileStorage } from "next-private-files";
import { s3Storage } from "next-private-files/s3";
import { S3_TEST_BUCKET, startS3rver, type TestS3Server } from "../../support/s3rver";
import { startTcpProxy, type TcpProxy } from "../../support/tcp-proxy";
import { readAll, streamOf } from "../../support/streams";

// S3 storage against a real S3 HTTP server (s3rver) on loopback. A TCP relay in front
// of it counts the bytes that cross the network and can cut a connection mid-body.

const MiB = 1024 * 1024;
let s3: TestS3Server;
let proxy: TcpProxy;
let client: S3Client; // straight to s3rver
let proxied: S3Client; // through the relay, one socket at most
let storage: FileStorage; // prefix "kit/", straight
let viaProxy: FileStorage; // prefix "kit/", through the relay
let ranges: (string | undefined)[] = [];
let commands: string[] = []; // commands `client` sent

beforeAll(async () => {
  s3 = await startS3rver();
  proxy = await startTcpProxy({ host: "127.0.0.1", port: s3.port });
  client = s3.client();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(context.commandName ?? "?");
      return next(args);
    },
    { step: "initialize", name: "recordCommand" },
  );
  proxied = s3.client({
    endpoint: `http://127.0.0.1:${proxy.port}`,
    maxAttempts: 1,
    // One socket: a request left hanging would block every later one.
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) },
  });
  proxied.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { method?: string; headers?: Record<string, string> };
      if (request.method === "GET") ranges.push(request.headers?.range);
      return next(args);
    },
    { step: "finalizeRequest", name: "recordRange" },
  );
  storage = s3Storage({ client, bucket: S3_TEST_BUCKET, prefix: "kit" });
  viaProxy = s3Storage({ client: proxied, bucket: S3_TEST_BUCKET, prefix: "kit/" });
});

afterAll(async () => {
  await proxy?.close();
  await s3?.stop();
});

async function put(key: string, data: Uint8Array | string): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: S3_TEST_BUCKET, Key: `kit/${key}`, Body: data }));
}

/** `total` random bytes in 64 KiB chunks, produced as they are read; `cancelled` tells whether the consumer gave up. */
function generated(total: number): { stream: ReadableStream<Uint8Array>; sent: () => number; cancelled: () => boolean } {
  let sent = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const chunk = randomBytes(Math.min(64 * 1024, total - sent));
      sent += chunk.length;
      controller.enqueue(chunk);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, sent: () => sent, cancelled: () => cancelled };
}

async function keys(prefix: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: S3_TEST_BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key!);
}

const sha = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

describe("open", () => {
  it("returns null for a missing object and a missing folder", async () => {
    expect(await storage.open("missing.txt")).toBeNull();
    expect(await storage.open("no/such/folder.txt")).toBeNull();
  });

  it("takes size, Last-Modified and the quoted ETag from the object", async () => {
    await put("a/hello.txt", "hello world");
    const head = await client.send(new HeadObjectCommand({ Bucket: S3_TEST_BUCKET, Key: "kit/a/hello.txt" }));
    const opened = (await storage.open("a/hello.txt"))!;
    await opened.close();
    expect(opened.size).toBe(11);
    expect(opened.etag).toBe(head.ETag);
    expect(opened.etag).toBe(`"${createHash("md5").update("hello world").digest("hex")}"`);
    expect(opened.lastModified.getTime()).toBe(head.LastModified!.getTime());
    expect(Math.abs(opened.lastModified.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("gives a new ETag when the object's bytes change", async () => {
    await put("e.txt", "one");
    const first = (await storage.open("e.txt"))!;
    await put("e.txt", "three");
    const second = (await storage.open("e.txt"))!;
    expect(second.etag).not.toBe(first.etag);
    expect(second.size).toBe(5);
  });

  it("sends no GET until the stream is read: HEAD, 304 and 416 only cost a HeadObject", async () => {
    await put("lazy.bin", "lazy");
    ranges = [];
    const opened = (await viaProxy.open("lazy.bin"))!;
    opened.stream({ start: 0, end: 1 });
    await opened.close();
    expect(ranges).toEqual([]);
  });

  it("throws (the route answers 503) when the store cannot be reached", async () => {
    const down = s3.client({ endpoint: "http://127.0.0.1:9", maxAttempts: 1 });
    await expect(s3Storage({ client: down, bucket: S3_TEST_BUCKET }).open("a/hello.txt")).rejects.toThrow();
  });
});

describe("stream", () => {
  it("streams the whole object, byte for byte, in several chunks", async () => {
    const data = randomBytes(3 * MiB);
    await put("big.bin", data);
    const opened = (await storage.open("big.bin"))!;
    const { bytes, chunks } = await readAll(opened.stream());
    expect(chunks).toBeGreaterThan(1);
    expect(sha(bytes)).toBe(sha(data));
  });

  it("streams exactly the bytes of an inclusive range", async () => {
    await put("range.bin", "0123456789");
    const read = async (start: number, end: number) =>
      (await readAll((await storage.open("range.bin"))!.stream({ start, end }))).bytes.toString();
    expect(await read(2, 5)).toBe("2345");
    expect(await read(9, 9)).toBe("9");
    expect(await read(1, 1)).toBe("1");
    // (Not 0-0 here: s3rver answers "bytes=0-0" with the whole object, which the storage
    // refuses as a wrong length; AWS S3, MinIO and R2 answer it with one byte.)
  });

  it("streams an empty object as no bytes", async () => {
    await put("empty.bin", "");
    const opened = (await storage.open("empty.bin"))!;
    expect(opened.size).toBe(0);
    expect((await readAll(opened.stream())).bytes.length).toBe(0);
  });

  it("passes the range to S3: a 1000-byte range of an 8 MiB object moves about 1000 bytes", async () => {
    const data = randomBytes(8 * MiB);
    await put("huge.bin", data);
    const opened = (await viaProxy.open("huge.bin"))!;
    ranges = [];
    proxy.reset();
    const { bytes } = await readAll(opened.stream({ start: 5 * MiB, end: 5 * MiB + 999 }));
    expect(bytes.equals(data.subarray(5 * MiB, 5 * MiB + 1000))).toBe(true);
    expect(ranges).toEqual([`bytes=${5 * MiB}-${5 * MiB + 999}`]);
    // The answer's headers plus the range: nowhere near the object.
    expect(proxy.bytesFromServer).toBeGreaterThanOrEqual(1000);
    expect(proxy.bytesFromServer).toBeLessThan(1000 + 4096);
  });

  it("errors, rather than ending short, when the connection breaks mid-body", async () => {
    await put("cut.bin", randomBytes(2 * MiB));
    const opened = (await viaProxy.open("cut.bin"))!;
    proxy.cutAfter = 100_000;
    try {
      await expect(readAll(opened.stream())).rejects.toThrow();
    } finally {
      proxy.cutAfter = undefined;
    }
    // The client is still usable afterwards.
    const again = (await viaProxy.open("range.bin"))!;
    expect((await readAll(again.stream())).bytes.toString()).toBe("0123456789");
  });

  it("reads with backpressure; cancelling mid-object aborts the request: no busy socket, the next request goes through", async () => {
    await put("cancel.bin", randomBytes(16 * MiB));
    const opened = (await viaProxy.open("cancel.bin"))!;
    proxy.reset();
    const reader = opened.stream().getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    // A reader that stops holds the store back: only socket buffers fill, not memory.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(proxy.bytesFromServer).toBeLessThan(8 * MiB);
    await reader.cancel();
    // The aborted request's connection is closed, not left half read in the pool.
    await expect.poll(() => proxy.openConnections, { timeout: 2000 }).toBe(0);
    // With a single socket, this would hang if the cancelled body still held it.
    const next = (await viaProxy.open("range.bin"))!;
    expect((await readAll(next.stream({ start: 3, end: 4 }))).bytes.toString()).toBe("34");
  });

  it("cancelling while the GET is still on its way leaves no busy socket either", async () => {
    await put("early.bin", randomBytes(16 * MiB));
    await put("small.bin", "0123456789");
    for (let i = 0; i < 5; i++) {
      const opened = (await viaProxy.open("early.bin"))!;
      const reader = opened.stream().getReader();
      const pending = reader.read().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, i * 2));
      await reader.cancel();
      await pending;
    }
    await expect.poll(() => proxy.openConnections, { timeout: 2000 }).toBeLessThanOrEqual(1);
    const next = (await viaProxy.open("small.bin"))!;
    expect((await readAll(next.stream({ start: 3, end: 4 }))).bytes.toString()).toBe("34");
  });

  it("close() after a stream was taken but never read sends nothing and is safe twice", async () => {
    const opened = (await viaProxy.open("range.bin"))!;
    ranges = [];
    const stream = opened.stream();
    await opened.close();
    await opened.close();
    expect(ranges).toEqual([]);
    await stream.cancel();
  });

  it("fails, rather than mixing versions, when the object changed between HEAD and GET", async () => {
    await put("swap.bin", "first version");
    const opened = (await storage.open("swap.bin"))!;
    await put("swap.bin", "second version, longer");
    // Real S3 answers 412 to If-Match; s3rver ignores it and the length check catches it.
    await expect(readAll(opened.stream())).rejects.toThrow();
  });
});

describe("save", () => {
  it("stores under the folder with a generated name keeping the extension, byte-exact", async () => {
    const data = randomBytes(200_000);
    const saved = await storage.save(streamOf([data.subarray(0, 1000), data.subarray(1000)]), {
      folder: "up/docs",
      extension: ".pdf",
      maxBytes: 1 * MiB,
    });
    expect(saved.path).toMatch(/^up\/docs\/[0-9a-f-]{36}\.pdf$/);
    expect(saved.size).toBe(data.length);
    const object = await client.send(new GetObjectCommand({ Bucket: S3_TEST_BUCKET, Key: `kit/${saved.path}` }));
    expect(object.ContentType).toBe("application/pdf");
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(data)).toBe(true);
    // And it opens through the storage.
    const opened = (await storage.open(saved.path))!;
    expect(opened.size).toBe(data.length);
    await opened.close();
  });

  it("generates a new name every time; an empty folder stores at the prefix", async () => {
    const a = await storage.save(streamOf([Buffer.from("x")]), { folder: "", extension: "", maxBytes: 10 });
    const b = await storage.save(streamOf([Buffer.from("x")]), { folder: "", extension: "", maxBytes: 10 });
    expect(a.path).not.toBe(b.path);
    expect(a.path).toMatch(/^[0-9a-f-]{36}$/);
    expect(await keys(`kit/${a.path}`)).toEqual([`kit/${a.path}`]);
  });

  it("stores an empty upload", async () => {
    const saved = await storage.save(streamOf([]), { folder: "up/empty", extension: ".txt", maxBytes: 10 });
    expect(saved.size).toBe(0);
    expect((await storage.open(saved.path))!.size).toBe(0);
  });

  it("accepts exactly maxBytes", async () => {
    const saved = await storage.save(streamOf([randomBytes(100)]), { folder: "up/exact", extension: "", maxBytes: 100 });
    expect(saved.size).toBe(100);
  });

  it("streams a multipart upload (over one 5 MiB part) byte-exact", async () => {
    const data = randomBytes(12 * MiB);
    const chunks = Array.from({ length: 12 * 16 }, (_, i) => data.subarray(i * 64 * 1024, (i + 1) * 64 * 1024));
    commands = [];
    const saved = await storage.save(streamOf(chunks), { folder: "up/multi", extension: ".bin", maxBytes: 20 * MiB });
    expect(saved.size).toBe(data.length);
    expect(commands.filter((c) => c === "UploadPartCommand")).toHaveLength(3);
    expect(commands).toContain("CompleteMultipartUploadCommand");
    const opened = (await storage.open(saved.path))!;
    expect(sha((await readAll(opened.stream())).bytes)).toBe(sha(data));
  });

  it("past maxBytes in one part: UploadTooLargeError, the source is cancelled, nothing in the bucket", async () => {
    const source = generated(3 * MiB);
    await expect(storage.save(source.stream, { folder: "up/small-over", extension: ".bin", maxBytes: 1 * MiB })).rejects.toBeInstanceOf(
      UploadTooLargeError,
    );
    expect(source.cancelled()).toBe(true);
    expect(source.sent()).toBeLessThan(2 * MiB);
    expect(await keys("kit/up/small-over/")).toEqual([]);
  });

  it("past maxBytes after parts went up: the multipart upload is aborted, nothing left, not even parts", async () => {
    commands = [];
    const source = generated(40 * MiB);
    await expect(storage.save(source.stream, { folder: "up/big-over", extension: ".bin", maxBytes: 12 * MiB })).rejects.toBeInstanceOf(
      UploadTooLargeError,
    );
    expect(source.cancelled()).toBe(true);
    expect(source.sent()).toBeLessThan(14 * MiB);
    expect(await keys("kit/up/big-over/")).toEqual([]);
    expect(commands).toContain("UploadPartCommand");
    expect(commands).not.toContain("CompleteMultipartUploadCommand");
    // The parts are dropped with AbortMultipartUpload. (s3rver refuses that request with
    // 405 and keeps the parts in its own folder; AWS S3, MinIO and R2 delete them.)
    expect(commands).toContain("AbortMultipartUploadCommand");
  });

  it("a source that fails mid-upload leaves nothing and rethrows its error", async () => {
    let sent = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 6 * MiB) return controller.error(new Error("client went away"));
        sent += MiB;
        controller.enqueue(randomBytes(MiB));
      },
    });
    commands = [];
    await expect(storage.save(failing, { folder: "up/failing", extension: "", maxBytes: 50 * MiB })).rejects.toThrow("client went away");
    expect(await keys("kit/up/failing/")).toEqual([]);
    expect(commands).toContain("AbortMultipartUploadCommand");
  });

  it("refuses an unsafe folder before anything is sent", async () => {
    for (const folder of ["../escape", "a/../../b", "a\\b"]) {
      await expect(storage.save(streamOf([Buffer.from("x")]), { folder, extension: "", maxBytes: 10 })).rejects.toBeInstanceOf(
        UnsafeStoredPathError,
      );
    }
  });
});

describe("delete", () => {
  it("removes the object; a missing one is fine", async () => {
    await put("del/x.txt", "x");
    await storage.delete("del/x.txt");
    expect(await keys("kit/del/")).toEqual([]);
    expect(await storage.open("del/x.txt")).toBeNull();
    await storage.delete("del/x.txt");
    await storage.delete("never/there.txt");
  });
});

describe("unsafe stored paths", () => {
  const unsafe = ["../kit/a/hello.txt", "/kit/a/hello.txt", "a/../a/hello.txt", "a//hello.txt", "./a/hello.txt", "a\\hello.txt", "C:/x", "a/hello.txt\0"];

  it("open, delete and presignedUrl refuse them with UnsafeStoredPathError", async () => {
    for (const stored of unsafe) {
      await expect(storage.open(stored), stored).rejects.toBeInstanceOf(UnsafeStoredPathError);
      await expect(storage.delete(stored), stored).rejects.toBeInstanceOf(UnsafeStoredPathError);
      await expect(storage.presignedUrl!(stored, { expiresIn: 60 }), stored).rejects.toBeInstanceOf(UnsafeStoredPathError);
    }
    // Nothing was deleted.
    expect(await keys("kit/a/")).toEqual(["kit/a/hello.txt"]);
  });

  it("a prefix keeps keys inside it: one storage never reaches another's objects", async () => {
    const other = s3Storage({ client, bucket: S3_TEST_BUCKET, prefix: "other" });
    expect(await other.open("a/hello.txt")).toBeNull();
    expect(() => s3Storage({ client, bucket: S3_TEST_BUCKET, prefix: "../up" })).toThrow(UnsafeStoredPathError);
  });
});

describe("presignedUrl", () => {
  it("is a URL a plain client can GET, answered with the asked type and disposition, ranges included", async () => {
    const url = await storage.presignedUrl!("a/hello.txt", {
      expiresIn: 60,
      contentType: "text/plain; charset=utf-8",
      contentDisposition: `attachment; filename="hello.txt"`,
    });
    // (s3rver does not check query signatures, so no tampering test here.)
    expect(url).toContain("X-Amz-Expires=60");
    expect(url).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="hello.txt"`);
    expect(await response.text()).toBe("hello world");
    const partial = await fetch(url, { headers: { range: "bytes=6-" } });
    expect(partial.status).toBe(206);
    expect(await partial.text()).toBe("world");
  });
});
