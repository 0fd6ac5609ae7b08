import { randomBytes } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListPartsCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3_TEST_BUCKET, startS3rver, type TestS3Server } from "../../support/s3rver";

// The test harness's ListParts and AbortMultipartUpload (tests/support/s3rver-multipart.ts),
// which s3rver 3.7.1 lacks, through the AWS SDK as @tus/s3-store calls them.

const MiB = 1024 * 1024;
let s3: TestS3Server;
let client: S3Client;

beforeAll(async () => {
  s3 = await startS3rver();
  client = s3.client();
});
afterAll(async () => {
  await s3?.stop();
});

async function begin(key: string): Promise<string> {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: S3_TEST_BUCKET, Key: key }));
  if (UploadId === undefined) throw new Error("no UploadId");
  return UploadId;
}

async function putPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<string> {
  const { ETag } = await client.send(new UploadPartCommand({ Bucket: S3_TEST_BUCKET, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body }));
  if (ETag === undefined) throw new Error("no ETag");
  return ETag;
}

describe("s3rver's ListParts and AbortMultipartUpload (test harness)", () => {
  it("lists the uploaded parts with their numbers, sizes and ETags, in order", async () => {
    const key = "multipart/list.bin";
    const uploadId = await begin(key);
    const second = await putPart(key, uploadId, 2, randomBytes(1234));
    const first = await putPart(key, uploadId, 1, randomBytes(5 * MiB));
    const listed = await client.send(new ListPartsCommand({ Bucket: S3_TEST_BUCKET, Key: key, UploadId: uploadId }));
    expect(listed.IsTruncated).toBe(false);
    expect(listed.Parts?.map((part) => [part.PartNumber, part.Size, part.ETag])).toEqual([
      [1, 5 * MiB, first],
      [2, 1234, second],
    ]);
  });

  it("pages with max-parts and part-number-marker", async () => {
    const key = "multipart/pages.bin";
    const uploadId = await begin(key);
    for (const n of [1, 2, 3]) await putPart(key, uploadId, n, randomBytes(10 + n));
    const page = await client.send(new ListPartsCommand({ Bucket: S3_TEST_BUCKET, Key: key, UploadId: uploadId, MaxParts: 2 }));
    expect(page.Parts?.map((part) => part.PartNumber)).toEqual([1, 2]);
    expect(page.IsTruncated).toBe(true);
    const rest = await client.send(
      new ListPartsCommand({ Bucket: S3_TEST_BUCKET, Key: key, UploadId: uploadId, PartNumberMarker: page.NextPartNumberMarker }),
    );
    expect(rest.Parts?.map((part) => [part.PartNumber, part.Size])).toEqual([[3, 13]]);
    expect(rest.IsTruncated).toBe(false);
  });

  it("answers NoSuchUpload for an unknown, a completed, or another key's upload", async () => {
    const key = "multipart/done.bin";
    const uploadId = await begin(key);
    const etag = await putPart(key, uploadId, 1, Buffer.from("all of it"));
    await expect(client.send(new ListPartsCommand({ Bucket: S3_TEST_BUCKET, Key: "multipart/other.bin", UploadId: uploadId }))).rejects.toMatchObject({
      name: "NoSuchUpload",
    });
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: S3_TEST_BUCKET, Key: key, UploadId: uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: etag }] } }),
    );
    const object = await client.send(new GetObjectCommand({ Bucket: S3_TEST_BUCKET, Key: key }));
    expect(await object.Body?.transformToString()).toBe("all of it");
    for (const id of [uploadId, "0".repeat(32), "../../etc"]) {
      await expect(client.send(new ListPartsCommand({ Bucket: S3_TEST_BUCKET, Key: key, UploadId: id }))).rejects.toMatchObject({ name: "NoSuchUpload" });
    }
  });

  it("aborts an upload: its parts are gone and it can no longer be listed or completed", async () => {
    const key = "multipart/abort.bin";
    const uploadId = await begin(key);
    const etag = await putPart(key, uploadId, 1, randomBytes(100));
    await client.send(new AbortMultipartUploadCommand({ Bucket: S3_TEST_BUCKET, Key: key, UploadId: uploadId }));
    await expect(client.send(new ListPartsCommand({ Bucket: S3_TEST_BUCKET, Key: key, UploadId: uploadId }))).rejects.toMatchObject({ name: "NoSuchUpload" });
    await expect(
      client.send(new CompleteMultipartUploadCommand({ Bucket: S3_TEST_BUCKET, Key: key, UploadId: uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: etag }] } })),
    ).rejects.toThrow();
    await expect(client.send(new AbortMultipartUploadCommand({ Bucket: S3_TEST_BUCKET, Key: key, UploadId: uploadId }))).rejects.toMatchObject({
      name: "NoSuchUpload",
    });
  });
});
