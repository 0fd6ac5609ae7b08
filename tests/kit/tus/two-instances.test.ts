import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPostgres } from "../../support/postgres";
import { S3_TEST_BUCKET, startS3rver, type TestS3Server } from "../../support/s3rver";
import { createPendingTable } from "./support/pg-pending";
import { metadataHeader } from "./support/tus-client";

// Two app instances in two real processes (tests/kit/tus/support/instance.ts), sharing a
// real PostgreSQL (pending uploads, advisory locks) and a real s3rver (the bytes).

const MiB = 1024 * 1024;
const TUS = { "Tus-Resumable": "1.0.0", "x-user": "u1" };
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const INSTANCE = path.join(import.meta.dirname, "support", "instance.mts");

let postgres: Awaited<ReturnType<typeof createPostgres>> | undefined;
let s3: TestS3Server | undefined;
let pool: pg.Pool | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  postgres = await createPostgres();
  s3 = await startS3rver();
  pool = new pg.Pool({ connectionString: postgres.url });
  // An idle connection the server drops (the cluster stopping in afterAll, while a pooled
  // connection is still open) is an error event on the pool: without a listener, an
  // uncaught exception that fails the whole run after every case passed.
  pool.on("error", () => undefined);
  await createPendingTable(pool);
}, 120_000);
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});
afterAll(async () => {
  await pool?.end();
  await s3?.stop();
  await postgres?.remove();
});

/** Starts an instance; resolves its base URL once it listens. */
async function instance(name: string, locker: "pg" | "memory", prefix: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", INSTANCE], {
    env: { ...process.env, PG_URL: postgres!.url, S3_ENDPOINT: s3!.endpoint, S3_BUCKET: S3_TEST_BUCKET, S3_PREFIX: prefix, LOCKER: locker, INSTANCE: name },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`instance ${name} exited (${code}):\n${stderr}`)));
  });
  return { url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`, child };
}

async function create(base: string, size: number): Promise<string> {
  const answer = await fetch(`${base}/uploads`, {
    method: "POST",
    headers: { ...TUS, "Upload-Length": String(size), "Upload-Metadata": metadataHeader({ model: "docs", field: "file", filename: "big.pdf" }) },
  });
  if (answer.status !== 201) throw new Error(`creation: ${answer.status} ${await answer.text()}`);
  return answer.headers.get("location")!; // relative: /uploads/<id>
}

/** A PATCH body that sends `first` bytes of `data` now and the rest only when `release()` is called (never, for a stalled client). */
function stalledBody(data: Buffer, first: number): { body: ReadableStream<Uint8Array>; release(): void } {
  let release = () => undefined as void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (let at = 0; at < first; at += 256 * 1024) controller.enqueue(data.subarray(at, Math.min(first, at + 256 * 1024)));
      await gate;
      controller.enqueue(data.subarray(first));
      controller.close();
    },
  });
  return { body, release };
}

const patch = (base: string, location: string, offset: number, body: BodyInit) =>
  fetch(`${base}${location}`, {
    method: "PATCH",
    headers: { ...TUS, "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset) },
    body,
    duplex: "half",
  } as RequestInit);

async function offsetOn(base: string, location: string): Promise<number> {
  const head = await fetch(`${base}${location}`, { method: "HEAD", headers: TUS });
  expect(head.status).toBe(200);
  return Number(head.headers.get("upload-offset"));
}

describe("two instances over PostgreSQL and S3", () => {
  it("an upload begun on A resumes on B after A is killed mid-PATCH, and the stored bytes' sha256 match", { timeout: 120_000 }, async () => {
    const [a, b] = await Promise.all([instance("A", "pg", "two-resume/"), instance("B", "pg", "two-resume/")]);
    const data = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(12 * MiB)]);
    const location = await create(a.url, data.length);
    const stalled = stalledBody(data, 7 * MiB);
    patch(a.url, location, 0, stalled.body).catch(() => undefined);
    // Wait until A has pushed its first 5 MiB part to S3, as B sees it.
    const deadline = Date.now() + 30_000;
    while ((await offsetOn(b.url, location)) < 5 * MiB) {
      if (Date.now() > deadline) throw new Error("A never stored its first part");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    a.child.kill("SIGKILL");
    // A's connections die with it, and PostgreSQL drops its lock: B can take over.
    const offset = await offsetOn(b.url, location);
    expect(offset).toBeGreaterThanOrEqual(5 * MiB);
    expect(offset).toBeLessThan(data.length);
    const finished = await patch(b.url, location, offset, data.subarray(offset));
    expect(finished.status).toBe(200);
    const result = (await finished.json()) as { saved: string; instance: string };
    expect(result.instance).toBe("B");
    const object = await s3!.client().send(new GetObjectCommand({ Bucket: S3_TEST_BUCKET, Key: `two-resume/${result.saved}` }));
    expect(sha256(await object.Body!.transformToByteArray())).toBe(sha256(data));
  });

  it.each([
    ["pg", "waits for A to let go of the lock, then refuses B's stale PATCH (409)"],
    ["memory", "lets B write while A still holds the upload (one MemoryLocker per process: the hazard)"],
  ] as const)("with the %s locker, B's PATCH for an upload A is writing %s", { timeout: 120_000 }, async (locker: "pg" | "memory", _what: string) => {
    const prefix = `two-lock-${locker}/`;
    const [a, b] = await Promise.all([instance("A", locker, prefix), instance("B", locker, prefix)]);
    const data = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(3 * MiB)]);
    const location = await create(a.url, data.length);
    const stalled = stalledBody(data, 1 * MiB);
    let aDone = false;
    const onA = patch(a.url, location, 0, stalled.body)
      .then((answer) => answer.status)
      .catch(() => "cut")
      .finally(() => (aDone = true));
    await new Promise((resolve) => setTimeout(resolve, 500)); // A holds the lock, 1 MiB in
    const onB = await patch(b.url, location, 0, data);
    if (locker === "pg") {
      // B asked A to let go (NOTIFY), A ended its PATCH with what it had, then B got the
      // lock and found the offset moved: 409, and nothing of B's was written.
      expect(onB.status).toBe(409);
      expect(aDone || (await Promise.race([onA.then(() => true), new Promise((r) => setTimeout(() => r(false), 2000))]))).toBe(true);
      expect(await offsetOn(b.url, location)).toBe(1 * MiB);
    } else {
      // Each process has its own MemoryLocker: B wrote over an upload A is still writing.
      expect(onB.status).toBe(200);
      expect(aDone).toBe(false);
    }
    stalled.release();
    await onA;
  });
});
