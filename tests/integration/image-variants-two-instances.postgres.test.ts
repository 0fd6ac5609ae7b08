import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3_TEST_BUCKET, startS3rver, type TestS3Server } from "../support/s3rver";
import { databaseKind, databaseUrl, storageRoot, workDir } from "./support/context";
import { deleteRow, insertImage, sha256 } from "./support/fixtures";
import { freePort, serverEnv, startNext, stopServer } from "./support/server";
import { signIn, type CookieJar } from "./support/session";

// One variant's first requests arriving together at two app instances on one PostgreSQL
// and one bucket (s3rver, started here): the demo's PostgreSQL variant locker (an
// advisory lock, lib/files/image-variants.ts) lets one of them resize and the others
// wait and read it. Counted by the line each resize logs, in both instances' logs, and by
// the objects in the bucket. Also the S3 case: the variant is stored beside the original
// in the bucket and served from there.

const PREFIX = "variants-two";
let s3: TestS3Server;
let client: S3Client;
const instances: { base: string; child?: ChildProcess; log: string }[] = [];
let alice: CookieJar;
const images: number[] = [];

beforeAll(async () => {
  expect(databaseKind()).toBe("postgres");
  s3 = await startS3rver();
  client = s3.client();
  for (const name of ["a", "b"]) {
    const port = await freePort();
    const log = path.join(workDir(), `variants-instance-${name}.log`);
    const env = { ...serverEnv(port, databaseUrl(), storageRoot()), ...s3.env(S3_TEST_BUCKET, PREFIX), POSTGRES_CONNECT_TIMEOUT_MS: "10000", PRIVATE_FILES_TIMEOUT_MS: "20000" };
    instances.push({ base: `http://127.0.0.1:${port}`, log });
    instances[instances.length - 1]!.child = await startNext(port, env, log);
  }
  alice = await signIn("alice@example.com", "demo-password", instances[0]!.base);
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.child && stopServer(instance.child)));
  for (const id of images) await deleteRow("SharedImage", id);
  await s3?.stop();
});

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: S3_TEST_BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key!);
}

async function madeLines(id: number): Promise<string[]> {
  const logs = await Promise.all(instances.map((instance) => fs.readFile(instance.log, "utf8")));
  return logs.flatMap((log) => log.split("\n")).filter((line) => line.includes(`variant made: SharedImage.image ${id} `));
}

describe("two instances, one PostgreSQL, one bucket", () => {
  /** A SharedImage whose original is a JPEG in the bucket. */
  async function inBucket(width: number, height: number): Promise<{ id: number; stored: string; path: string }> {
    const original = await sharp({ create: { width, height, channels: 3, background: "#336699", noise: { type: "gaussian", mean: 128, sigma: 40 } } }).jpeg().toBuffer();
    const stored = `images/${randomUUID()}.jpg`;
    await client.send(new PutObjectCommand({ Bucket: S3_TEST_BUCKET, Key: `${PREFIX}/${stored}`, Body: original }));
    const id = await insertImage({ file: stored, fileName: "big.jpg", fileSize: original.length, title: `two instances ${randomUUID()}` });
    images.push(id);
    return { id, stored, path: `/files/SharedImage/image/${id}/big.jpg` };
  }

  it("20 concurrent first requests, 10 at each instance, make exactly one file and one resize; all get its bytes", async () => {
    // Both instances warm (the route, the session, sharp loaded), so neither is still
    // starting up when the other has finished: without a shared lock both would resize.
    const warm = await inBucket(400, 300);
    for (const instance of instances) {
      const response = await fetch(`${instance.base}${warm.path}?variant=thumb`, { headers: { Cookie: alice.header } });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const { id, stored, path: filePath } = await inBucket(6000, 4000);
    const url = `${filePath}?variant=preview`;

    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const response = await fetch(`${instances[i % 2]!.base}${url}`, { headers: { Cookie: alice.header } });
        return { status: response.status, hash: sha256(new Uint8Array(await response.arrayBuffer())), type: response.headers.get("content-type") };
      }),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((answer) => answer.hash)).size).toBe(1);
    expect(new Set(answers.map((answer) => answer.type))).toEqual(new Set(["image/jpeg"]));

    const variants = await keysUnder(`${PREFIX}/images/.variants/${path.basename(stored)}/`);
    expect(variants).toEqual([expect.stringMatching(/\/preview-[0-9a-f]{12}\.jpg$/)]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await madeLines(id)).toHaveLength(1);

    // Served from the bucket: the object's bytes are what both instances answer.
    const again = await fetch(`${instances[1]!.base}${url}`, { headers: { Cookie: alice.header } });
    const meta = await sharp(Buffer.from(await again.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 1280, 853]);
    expect(await madeLines(id)).toHaveLength(1);
  });
});
