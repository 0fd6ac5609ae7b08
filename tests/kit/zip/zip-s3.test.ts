import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { anyone, definePrivateFiles, intId, localFileStorage, privateModel, type DownloadFinishedEvent } from "next-private-files";
import { s3Storage } from "next-private-files/s3";
import { createZipRoute } from "next-private-files/zip";
import { S3_TEST_BUCKET, startS3rver, type TestS3Server } from "../../support/s3rver";
import { entryBytes, saveZip, sha256, testZip } from "./support";

// A zip of files from two storages, S3 (a real s3rver on loopback) and local disk: each
// entry is opened through its own field's storage.

type Doc = { id: number; name: string; file: string };
const DATA = { s3: randomBytes(700_000), local: randomBytes(20_000) };
let s3: TestS3Server;
let client: S3Client;
let tmp: string;
const finished: DownloadFinishedEvent<unknown>[] = [];

beforeAll(async () => {
  s3 = await startS3rver();
  client = s3.client();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "pf-zip-s3-"));
  await fs.writeFile(path.join(tmp, "here.bin"), DATA.local);
  await client.send(new PutObjectCommand({ Bucket: S3_TEST_BUCKET, Key: "zip/docs/object.bin", Body: DATA.s3 }));
});

afterAll(async () => {
  await s3?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

it("streams entries from S3 and from local disk into one zip, byte for byte", async () => {
  const records = new Map<number, Doc>([
    [1, { id: 1, name: "from S3.bin", file: "docs/object.bin" }],
    [2, { id: 2, name: "from disk.bin", file: "here.bin" }],
  ]);
  const load = async (id: number) => records.get(id) ?? null;
  const bucket = privateModel<Doc, number>({ id: intId, load }).fields({ file: { condition: anyone, originalName: "name", storage: s3Storage({ client, bucket: S3_TEST_BUCKET, prefix: "zip" }) } });
  const disk = privateModel<Doc, number>({ id: intId, load }).fields({ file: { condition: anyone, originalName: "name", storage: localFileStorage({ root: tmp }) } });
  const files = definePrivateFiles({ models: { bucket, disk }, getSession: async () => null, on: { downloadFinished: (event) => void finished.push(event) } });
  const response = await createZipRoute(files).POST(
    new Request("http://localhost/files/zip", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ items: [{ model: "bucket", field: "file", id: 1 }, { model: "disk", field: "file", id: 2 }] }),
    }),
  );
  expect(response.status).toBe(200);
  const zip = await saveZip(response);
  const { ok, output, names } = await testZip(zip);
  expect(ok, output).toBe(true);
  expect(names).toEqual(["from S3.bin", "from disk.bin"]);
  expect(sha256(await entryBytes(zip, "from S3.bin"))).toBe(sha256(DATA.s3));
  expect(sha256(await entryBytes(zip, "from disk.bin"))).toBe(sha256(DATA.local));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(finished.map(({ outcome, bytesSent }) => [outcome, bytesSent])).toEqual([
    ["completed", DATA.s3.length],
    ["completed", DATA.local.length],
  ]);
});
