import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3ConfigFromEnv, storageFromEnv, StorageConfigError } from "@/lib/files/storage";
import { startS3rver, type TestS3Server } from "../support/s3rver";

// The demo's storage choice from the environment (lib/files/storage.ts).

describe("storageFromEnv", () => {
  it("is local by default and for PRIVATE_FILES_STORAGE=local", () => {
    expect(storageFromEnv({})).toBeDefined();
    expect(storageFromEnv({ PRIVATE_FILES_STORAGE: "local" })).not.toHaveProperty("presignedUrl");
  });

  it("refuses an unknown kind, and s3 without a bucket", () => {
    expect(() => storageFromEnv({ PRIVATE_FILES_STORAGE: "ftp" })).toThrow(StorageConfigError);
    // localFileStorage's syncReadMaxBytes, from the environment: a number, or refused at start-up.
    expect(storageFromEnv({ PRIVATE_FILES_SYNC_READ_MAX_BYTES: "0" })).not.toHaveProperty("presignedUrl");
    expect(() => storageFromEnv({ PRIVATE_FILES_SYNC_READ_MAX_BYTES: "64k" })).toThrow(/PRIVATE_FILES_SYNC_READ_MAX_BYTES/);
    expect(() => storageFromEnv({ PRIVATE_FILES_STORAGE: "s3" })).toThrow(/S3_BUCKET/);
  });
});

describe("s3ConfigFromEnv", () => {
  it("reads AWS defaults: region, the SDK's credential chain, checksums when supported", () => {
    const config = s3ConfigFromEnv({ S3_BUCKET: "b" });
    expect(config).toEqual({
      bucket: "b",
      prefix: "",
      client: { region: "us-east-1", forcePathStyle: false, requestChecksumCalculation: "WHEN_SUPPORTED", responseChecksumValidation: "WHEN_SUPPORTED" },
    });
    expect(s3ConfigFromEnv({ S3_BUCKET: "b", AWS_REGION: "eu-west-3" }).client.region).toBe("eu-west-3");
  });

  it("reads an S3-compatible endpoint: path style, keys, prefix, checksums only when required", () => {
    const config = s3ConfigFromEnv({
      S3_BUCKET: "files",
      S3_ENDPOINT: "http://127.0.0.1:9000",
      S3_REGION: "auto",
      S3_ACCESS_KEY_ID: "key",
      S3_SECRET_ACCESS_KEY: "secret",
      S3_FORCE_PATH_STYLE: "true",
      S3_PREFIX: "private",
    });
    expect(config).toEqual({
      bucket: "files",
      prefix: "private",
      client: {
        region: "auto",
        endpoint: "http://127.0.0.1:9000",
        credentials: { accessKeyId: "key", secretAccessKey: "secret" },
        forcePathStyle: true,
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      },
    });
    expect(s3ConfigFromEnv({ S3_BUCKET: "b", S3_ENDPOINT: "https://x", S3_CHECKSUMS: "when_supported" }).client.requestChecksumCalculation).toBe(
      "WHEN_SUPPORTED",
    );
  });

  it("refuses settings that cannot work", () => {
    expect(() => s3ConfigFromEnv({ S3_BUCKET: "b", S3_ACCESS_KEY_ID: "only-one" })).toThrow(/both/);
    expect(() => s3ConfigFromEnv({ S3_BUCKET: "b", S3_ENDPOINT: "minio:9000" })).toThrow(/http/);
    expect(() => s3ConfigFromEnv({ S3_BUCKET: "b", S3_FORCE_PATH_STYLE: "maybe" })).toThrow(/true or false/);
    expect(() => s3ConfigFromEnv({ S3_BUCKET: "b", S3_CHECKSUMS: "never" })).toThrow(/S3_CHECKSUMS/);
  });
});

describe("PRIVATE_FILES_STORAGE=s3 against s3rver", () => {
  let s3: TestS3Server;
  beforeAll(async () => {
    s3 = await startS3rver();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it("stores and opens an object under the prefix", async () => {
    const storage = storageFromEnv(s3.env(undefined, "demo"));
    const saved = await storage.save(new Blob(["hello s3"]).stream(), { folder: "submissions", extension: ".txt", maxBytes: 100 });
    const opened = (await storage.open(saved.path))!;
    expect(opened.size).toBe(8);
    expect(Buffer.from(await new Response(opened.stream({ start: 6, end: 7 })).arrayBuffer()).toString()).toBe("s3");
    await storage.delete(saved.path);
    expect(await storage.open(saved.path)).toBeNull();
  });
});
