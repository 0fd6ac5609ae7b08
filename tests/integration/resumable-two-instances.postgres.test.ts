// A resumable upload started on one app instance and finished on another, through
// `next start`: two instances on one PostgreSQL (the pending upload's row, the advisory
// upload lock) and one bucket (s3rver: the tus S3 store's parts and .info). Instance A is
// killed (SIGKILL) in the middle of a PATCH; the client asks B where the upload stands
// and sends the rest there; the stored object has the original's sha256.
import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { PassThrough } from "node:stream";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3_TEST_BUCKET, startS3rver, type TestS3Server } from "../support/s3rver";
import { MP4_HEAD, patternSha256, patternStream } from "../support/pattern";
import { tusCreate, tusOffset, tusPatch } from "../support/tus-client";
import { databaseKind, databaseUrl, storageRoot, workDir } from "./support/context";
import { deleteRow, query } from "./support/fixtures";
import { eventually } from "./support/process";
import { freePort, serverEnv, startNext, stopServer } from "./support/server";
import { signIn, type CookieJar } from "./support/session";

const MiB = 1024 * 1024;
const SIZE = 64 * MiB + 12_345;
const SENT_TO_A = 30 * MiB;
const PREFIX = "resume";

let s3: TestS3Server;
let client: S3Client;
const instances: { base: string; child?: ChildProcess }[] = [];
let alice: CookieJar;
const rows: number[] = [];

beforeAll(async () => {
  expect(databaseKind()).toBe("postgres");
  s3 = await startS3rver();
  client = s3.client();
  for (const name of ["a", "b"]) {
    const port = await freePort();
    const env = { ...serverEnv(port, databaseUrl(), storageRoot()), ...s3.env(S3_TEST_BUCKET, PREFIX), PRIVATE_FILES_TIMEOUT_MS: "20000", PRIVATE_FILES_MAX_UPLOAD_BYTES: String(128 * MiB) };
    instances.push({ base: `http://127.0.0.1:${port}`, child: await startNext(port, env, path.join(workDir(), `resume-${name}.log`)) });
  }
  // JWT sessions under the shared secret: one cookie is good on both instances.
  alice = await signIn("alice@example.com", "demo-password", instances[0]!.base);
}, 120_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.child && stopServer(instance.child)));
  for (const id of rows) await deleteRow("FileSubmission", id);
  await s3?.stop();
});

describe("a resumable upload across two instances", () => {
  it("begun on A, A killed mid-PATCH, resumed and finished on B: the same sha256", { timeout: 180_000 }, async () => {
    const [a, b] = instances as [(typeof instances)[number], (typeof instances)[number]];
    const on = (instance: { base: string }) => ({ Cookie: alice.header, Origin: instance.base });
    const created = await tusCreate(`${a.base}/uploads`, on(a), SIZE, { model: "FileSubmission", field: "file", filename: "across.mp4", description: "two instances" });
    expect(created.status, created.body).toBe(201);
    const id = new URL(created.url!).pathname.split("/").pop()!;

    // A gets 30 MiB of the body, then the body stalls (the request stays open) and A dies.
    const body = new PassThrough();
    const patch = tusPatch(created.url!, on(a), 0, body).catch((error: unknown) => error);
    for await (const chunk of patternStream(0, SENT_TO_A, MP4_HEAD)) {
      if (!body.write(chunk)) await new Promise((resolve) => body.once("drain", resolve));
    }
    // What A stored of it: the S3 store writes whole parts as they fill.
    await eventually(async () => ((await client.send(new ListObjectsV2Command({ Bucket: S3_TEST_BUCKET, Prefix: `${PREFIX}/` }))).KeyCount ?? 0) > 0, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    a.child!.kill("SIGKILL");
    await new Promise((resolve) => a.child!.once("exit", resolve));
    a.child = undefined;
    expect(await patch).toBeInstanceOf(Error);

    // B knows the upload (PostgreSQL row, S3 .info) and where it stands.
    const url = `${b.base}/uploads/${id}`;
    const { status, offset } = await tusOffset(url, on(b));
    expect(status).toBe(200);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(SENT_TO_A);
    console.log(`A was killed after ${SENT_TO_A / MiB} MiB; B reports offset ${(offset / MiB).toFixed(2)} MiB`);

    const done = await tusPatch(url, on(b), offset, patternStream(offset, SIZE, MP4_HEAD), { length: SIZE - offset });
    expect(done.status, done.body).toBe(200);
    const item = JSON.parse(done.body) as { id: number; size: number };
    rows.push(item.id);
    expect(item.size).toBe(SIZE);

    const [row] = await query<{ file: string }>(`SELECT "file" FROM "FileSubmission" WHERE "id" = ?`, [item.id]);
    const object = await client.send(new GetObjectCommand({ Bucket: S3_TEST_BUCKET, Key: `${PREFIX}/${row!.file}` }));
    const hash = createHash("sha256");
    for await (const chunk of object.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
    expect(hash.digest("hex")).toBe(await patternSha256(SIZE, MP4_HEAD));
    expect(await query(`SELECT "id" FROM "PendingUpload" WHERE "id" = ?`, [id])).toEqual([]);
    // Nothing of tus's bookkeeping is left beside the file.
    const left = (await client.send(new ListObjectsV2Command({ Bucket: S3_TEST_BUCKET, Prefix: `${PREFIX}/` }))).Contents?.map((o) => o.Key) ?? [];
    expect(left).toEqual([`${PREFIX}/${row!.file}`]);
  });
});
