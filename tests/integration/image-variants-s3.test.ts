import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3_TEST_BUCKET, startS3rver, type TestS3Server } from "../support/s3rver";
import { databaseUrl, storageRoot, workDir } from "./support/context";
import { deleteRow, insertImage } from "./support/fixtures";
import { freePort, serverEnv, startNext, stopServer } from "./support/server";
import { signIn, type CookieJar } from "./support/session";

// Variants on S3: a dedicated `next start` with PRIVATE_FILES_STORAGE=s3 against s3rver
// (started here). A variant is made from the original in the bucket, stored beside it in
// the bucket (not on this machine) and served from there; an upload refused after it was
// stored takes its pre-generated variant out of the bucket with it.

const PREFIX = "variants-s3";
let s3: TestS3Server;
let client: S3Client;
let server: ChildProcess | undefined;
let base: string;
let log: string;
let alice: CookieJar;
const images: number[] = [];

beforeAll(async () => {
  s3 = await startS3rver();
  client = s3.client();
  const port = await freePort();
  log = path.join(workDir(), "variants-s3-server.log");
  server = await startNext(port, { ...serverEnv(port, databaseUrl(), storageRoot()), ...s3.env(S3_TEST_BUCKET, PREFIX) }, log);
  base = `http://127.0.0.1:${port}`;
  alice = await signIn("alice@example.com", "demo-password", base);
});

afterAll(async () => {
  if (server) await stopServer(server);
  for (const id of images) await deleteRow("SharedImage", id);
  await s3?.stop();
});

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: S3_TEST_BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key!);
}

const photo = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: "#884422" } }).png().toBuffer();

describe("variants on S3", () => {
  it("are made from the original in the bucket, stored beside it in the bucket, and served from it", async () => {
    const stored = `images/${randomUUID()}.png`;
    await client.send(new PutObjectCommand({ Bucket: S3_TEST_BUCKET, Key: `${PREFIX}/${stored}`, Body: await photo(1000, 800) }));
    const id = await insertImage({ file: stored, fileName: "bucket.png", fileSize: 1, title: `s3 variants ${randomUUID()}` });
    images.push(id);
    const url = `${base}/files/SharedImage/image/${id}/bucket.png?variant=medium`;
    const first = await fetch(url, { headers: { Cookie: alice.header } });
    expect(first.status).toBe(200);
    const bytes = Buffer.from(await first.arrayBuffer());
    expect(await sharp(bytes).metadata()).toMatchObject({ format: "webp", width: 640, height: 512 });
    const [key, ...more] = await keysUnder(`${PREFIX}/images/.variants/${path.basename(stored)}/`);
    expect(more).toEqual([]);
    expect(key).toMatch(/\/medium-[0-9a-f]{12}\.webp$/);
    await expect(fs.stat(path.join(storageRoot(), "images", ".variants", path.basename(stored)))).rejects.toThrow(/ENOENT/);
    const part = await fetch(url, { headers: { Cookie: alice.header, Range: "bytes=0-15" } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(0, 16));
    const lines = (await fs.readFile(log, "utf8")).split("\n").filter((line) => line.includes(`variant made: SharedImage.image ${id} medium`));
    expect(lines).toHaveLength(1);
  });

  it("an upload refused after it was stored leaves neither it nor its pre-generated thumb in the bucket", async () => {
    const form = new FormData();
    form.set("description", "y".repeat(5000));
    form.set("file", new Blob([new Uint8Array(await photo(640, 480))]), "refused.png");
    const before = new Set(await keysUnder(`${PREFIX}/submissions/`));
    const response = await fetch(`${base}/api/files`, { method: "POST", body: form, headers: { Cookie: alice.header } });
    expect(response.status).toBe(400);
    const made = (await fs.readFile(log, "utf8")).split("\n").filter((line) => line.includes("variant made: FileSubmission.file (upload) thumb"));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatch(/key=submissions\/\.variants\//);
    expect((await keysUnder(`${PREFIX}/submissions/`)).filter((key) => !before.has(key))).toEqual([]);
  });
});
