// Every FileStorage of the kit through the published contract (next-private-files/testing):
// local files in a temp directory, and S3 against a real S3 HTTP server (s3rver) on loopback.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll } from "vitest";
import { localFileStorage } from "next-private-files";
import { s3Storage } from "next-private-files/s3";
import { runFileStorageContract } from "next-private-files/testing";
import { S3_TEST_BUCKET, startS3rver } from "../../support/s3rver";

runFileStorageContract("localFileStorage", async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "pf-contract-local-"));
  return {
    storage: localFileStorage({ root }),
    // Temp files (".upload-….part") included: a refused upload must leave none.
    listFiles: async () =>
      (await fs.readdir(root, { recursive: true, withFileTypes: true }))
        .filter((entry) => !entry.isDirectory())
        .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name))),
    cleanup: () => fs.rm(root, { recursive: true, force: true }),
  };
});

// Started while the file is collected (the contract makes one storage then, to see that
// it has presignedUrl); stopped after the file's last case, also when one fails.
const s3 = await startS3rver();
afterAll(() => s3.stop());
const client = s3.client();

runFileStorageContract("s3Storage (s3rver)", () => {
  // A prefix of its own per case: an empty root in the shared bucket.
  const prefix = `contract-${randomUUID()}`;
  return {
    storage: s3Storage({ client, bucket: S3_TEST_BUCKET, prefix }),
    // Finished objects and in-flight multipart uploads alike.
    listFiles: async () => {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: S3_TEST_BUCKET, Prefix: `${prefix}/` }));
      return (listed.Contents ?? []).map((object) => object.Key ?? "");
    },
  };
});
