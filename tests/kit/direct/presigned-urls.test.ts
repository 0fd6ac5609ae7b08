import { S3Client } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { presignPart, presignPut } from "../../../lib/private-files/src/direct/presign";
import { MAX_PARTS, MIN_PART_BYTES, partSizeFor, planParts, SINGLE_PUT_MAX_BYTES } from "../../../lib/private-files/src/direct/plan";
import { makeOffer } from "../../../lib/private-files/src/direct/offer";
import type { PendingUpload } from "../../../lib/private-files/src/direct/core";

// s3rver accepts any signature, so what real S3 would enforce is checked here, on the
// URLs themselves: S3 refuses a request whose signed headers (Content-Length,
// Content-Type) differ from the signed values, or that starts after X-Amz-Expires.

const MiB = 1024 * 1024;
// The SDK's defaults (flexible checksums on): what an app's own client looks like.
const client = new S3Client({
  region: "eu-west-1",
  endpoint: "http://127.0.0.1:9",
  forcePathStyle: true,
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
});
const target = { client, bucket: "files", prefix: "private/" };

function query(url: string): URLSearchParams {
  return new URL(url).searchParams;
}

function signedHeaders(url: string): string[] {
  return (query(url).get("X-Amz-SignedHeaders") ?? "").split(";");
}

describe("a presigned PUT", () => {
  it("expires when asked, names the key, and signs Content-Length and Content-Type", async () => {
    const url = await presignPut(target, "private/submissions/a b.pdf", { size: 1234, contentType: "application/pdf", expiresIn: 900 });
    expect(query(url).get("X-Amz-Expires")).toBe("900");
    expect(signedHeaders(url)).toEqual(expect.arrayContaining(["content-length", "content-type", "host"]));
    expect(decodeURIComponent(new URL(url).pathname)).toBe("/files/private/submissions/a b.pdf");
    expect(query(url).get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("carries no checksum of an empty body, which would make S3 refuse every real one", async () => {
    const url = await presignPut(target, "private/x.bin", { size: 10, contentType: "application/octet-stream", expiresIn: 60 });
    const names = [...query(url).keys()].map((name) => name.toLowerCase());
    expect(names.filter((name) => name.includes("checksum"))).toEqual([]);
  });

  afterEach(() => vi.useRealTimers());

  it("has another signature for another length or type: S3 would refuse a body of other size", async () => {
    // The same second for all of them (X-Amz-Date is part of what is signed): the clock
    // stands still, since a first signing that loads the SDK can take over a second.
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2030-01-01T00:00:00Z") });
    const sign = (size: number, contentType: string) =>
      presignPut({ ...target, client: fixedClient() }, "private/x.pdf", { size, contentType, expiresIn: 900 }).then((url) => query(url).get("X-Amz-Signature"));
    const base = await sign(1000, "application/pdf");
    expect(await sign(1000, "application/pdf")).toBe(base);
    expect(await sign(1001, "application/pdf")).not.toBe(base);
    expect(await sign(1000, "image/png")).not.toBe(base);
  });
});

describe("presigned part URLs", () => {
  it("sign each part's number, upload id and exact length", async () => {
    const url = await presignPart(target, "private/big.bin", { uploadId: "up-1", partNumber: 7, size: 5 * MiB, expiresIn: 600 });
    expect(query(url).get("partNumber")).toBe("7");
    expect(query(url).get("uploadId")).toBe("up-1");
    expect(query(url).get("X-Amz-Expires")).toBe("600");
    expect(signedHeaders(url)).toContain("content-length");
    expect([...query(url).keys()].filter((name) => name.toLowerCase().includes("checksum"))).toEqual([]);
  });

  it("a 150 MiB file gets an offer of every part, numbered from 1, sizes adding up, each URL with its number and its length signed", async () => {
    const size = 150 * MiB + 123;
    const pending: PendingUpload = {
      id: "abc",
      key: "submissions/u.bin",
      model: "submissions",
      field: "file",
      user: "1",
      name: "u.bin",
      size,
      type: undefined,
      via: "direct",
      multipartId: null,
      metadata: {},
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 3600_000),
    };
    let recorded: string | undefined;
    const sent: string[] = [];
    const multipartClient = new S3Client({ region: "eu-west-1", endpoint: "http://127.0.0.1:9", forcePathStyle: true, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    // CreateMultipartUpload answered without the network.
    multipartClient.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName ?? "?");
        if (context.commandName === "CreateMultipartUploadCommand") return { output: { UploadId: "mp-1", $metadata: {} }, response: {} } as never;
        return next(args);
      },
      { step: "initialize", name: "fakeCreate" },
    );
    const offer = await makeOffer({ client: multipartClient, bucket: "files", prefix: "" }, pending, {
      basePath: "/uploads/direct",
      expiresInSeconds: 900,
      partSize: 16 * MiB,
      setMultipartId: async (id) => void (recorded = id),
    });
    // The part commands pass the stack only to be presigned; the one call made is the create.
    expect(sent.filter((name) => name !== "UploadPartCommand")).toEqual(["CreateMultipartUploadCommand"]);
    expect(recorded).toBe("mp-1");
    if (offer.kind !== "multipart") throw new Error("expected a multipart offer");
    expect(offer.parts.map((part) => part.partNumber)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(offer.parts.reduce((sum, part) => sum + part.size, 0)).toBe(size);
    expect(offer.completeUrl).toBe("/uploads/direct/abc/complete");
    for (const part of offer.parts) {
      expect(query(part.url).get("partNumber")).toBe(String(part.partNumber));
      expect(query(part.url).get("uploadId")).toBe("mp-1");
      expect(query(part.url).get("X-Amz-Expires")).toBe("900");
      expect(signedHeaders(part.url)).toContain("content-length");
    }
  });

  it("never outlive the upload itself", async () => {
    const pending = { id: "x", key: "a.bin", name: "a.bin", size: 10, type: undefined, expiresAt: new Date(Date.now() + 120_000) } as PendingUpload;
    const offer = await makeOffer(target, pending, { basePath: "", expiresInSeconds: 900, partSize: 16 * MiB, setMultipartId: async () => undefined });
    const expires = Number(offer.kind === "put" ? query(offer.url).get("X-Amz-Expires") : NaN);
    expect(expires).toBeGreaterThan(100);
    expect(expires).toBeLessThanOrEqual(120);
  });
});

describe("the plan", () => {
  it("is one PUT up to 100 MiB and parts of at least 5 MiB, at most 10 000 of them, past it", () => {
    expect(SINGLE_PUT_MAX_BYTES).toBe(100 * MiB);
    expect(partSizeFor(150 * MiB, 16 * MiB)).toBe(16 * MiB);
    const huge = 5 * 1024 ** 4; // 5 TiB, S3's largest object
    const partSize = partSizeFor(huge, 16 * MiB);
    expect(partSize).toBeGreaterThanOrEqual(MIN_PART_BYTES);
    expect(Math.ceil(huge / partSize)).toBeLessThanOrEqual(MAX_PARTS);
    const parts = planParts(40 * MiB + 1, 16 * MiB);
    expect(parts.map((part) => [part.partNumber, part.start, part.size])).toEqual([
      [1, 0, 16 * MiB],
      [2, 16 * MiB, 16 * MiB],
      [3, 32 * MiB, 8 * MiB + 1],
    ]);
  });
});

/** A client whose signer's clock is fixed at `at`: two presigns in the same second compare. */
function fixedClient(): S3Client {
  return new S3Client({
    region: "eu-west-1",
    endpoint: "http://127.0.0.1:9",
    forcePathStyle: true,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
  });
}
