import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3_TEST_BUCKET, startS3rver, type TestS3Server } from "../support/s3rver";
import { databaseKind, databaseUrl, storageRoot, workDir } from "./support/context";
import { auditOf, deleteRow, downloadsOf, insertCounted, randomData, sha256 } from "./support/fixtures";
import { eventually } from "./support/process";
import { freePort, serverEnv, startNext, stopServer } from "./support/server";
import { signIn, type CookieJar } from "./support/session";

// Beyond one machine: two `next start` instances on two ports, as behind a load
// balancer, sharing one PostgreSQL server (the project's) and one S3 server (s3rver,
// started here). Nothing either instance keeps in memory may matter: records, counters
// and the audit trail are in PostgreSQL, files in the bucket, sessions are JWT cookies
// under the shared NEXTAUTH_SECRET. PostgreSQL only (the `.postgres.test.ts` suffix):
// several machines cannot share one SQLite file.

const PREFIX = "two-instances";
let s3: TestS3Server;
let client: S3Client;
const instances: { port: number; base: string; child?: ChildProcess; log: string }[] = [];
let alice: CookieJar;
let bob: CookieJar;
const submissions: number[] = [];
const counted: number[] = [];

// Production timeouts, not the short ones the shared test server uses to prove faults
// quickly: 200 concurrent downloads queue for the pool's 10 connections per instance,
// and on a busy 2-core machine some wait past 2 s.
const envOf = (port: number) => ({
  ...serverEnv(port, databaseUrl(), storageRoot()),
  ...s3.env(S3_TEST_BUCKET, PREFIX),
  POSTGRES_CONNECT_TIMEOUT_MS: "10000",
  PRIVATE_FILES_TIMEOUT_MS: "20000",
});

async function start(instance: (typeof instances)[number]): Promise<void> {
  instance.child = await startNext(instance.port, envOf(instance.port), instance.log);
}

beforeAll(async () => {
  expect(databaseKind()).toBe("postgres");
  s3 = await startS3rver();
  client = s3.client();
  for (const name of ["a", "b"]) {
    const port = await freePort();
    instances.push({ port, base: `http://127.0.0.1:${port}`, log: path.join(workDir(), `instance-${name}.log`) });
  }
  await Promise.all(instances.map(start));
  // Signed in through A only.
  [alice, bob] = await Promise.all([signIn("alice@example.com", "demo-password", instances[0]!.base), signIn("bob@example.com", "demo-password", instances[0]!.base)]);
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.child && stopServer(instance.child)));
  for (const id of submissions) await deleteRow("FileSubmission", id);
  for (const id of counted) await deleteRow("CountedDownload", id);
  await s3?.stop();
});

const A = () => instances[0]!;
const B = () => instances[1]!;
const fetchAt = (instance: { base: string }, pathname: string, jar: CookieJar, init: RequestInit = {}) =>
  fetch(`${instance.base}${pathname}`, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), Cookie: jar.header } });

/** A CountedDownload whose file is already in the bucket. */
async function countedInBucket(name: string, data: Uint8Array): Promise<{ id: number; url: string }> {
  const stored = `downloadables/${name}`;
  await client.send(new PutObjectCommand({ Bucket: S3_TEST_BUCKET, Key: `${PREFIX}/${stored}`, Body: data }));
  const id = await insertCounted({ file: stored, fileName: name, fileSize: data.length, description: `shared by two instances: ${name}` });
  counted.push(id);
  return { id, url: `/files/CountedDownload/file/${id}/${name}` };
}

/** A PDF of `size` random bytes uploaded by alice through A (POST /api/files). */
async function uploadThroughA(name: string, size: number, description: string) {
  const data = new Uint8Array(Buffer.concat([Buffer.from("%PDF-1.7\n"), randomData(size)]));
  const form = new FormData();
  form.set("description", description);
  form.set("file", new Blob([data]), name);
  const uploaded = await fetchAt(A(), "/api/files", alice, { method: "POST", body: form });
  expect(uploaded.status).toBe(201);
  const item = (await uploaded.json()) as { id: number; url: string };
  submissions.push(item.id);
  return { data, item };
}

describe("two app instances sharing PostgreSQL and S3", () => {
  it("a file uploaded through one instance downloads through the other, whole, by range and revalidated", async () => {
    const { data, item } = await uploadThroughA("through A.pdf", 300_000, "uploaded through A");

    // B lists it and serves it, with the session A issued.
    const listed = (await (await fetchAt(B(), "/api/files", alice)).json()) as { files: { url: string }[] };
    expect(listed.files.map((file) => file.url)).toContain(item.url);
    const whole = await fetchAt(B(), item.url, alice);
    expect(whole.status).toBe(200);
    expect(sha256(new Uint8Array(await whole.arrayBuffer()))).toBe(sha256(data));
    const part = await fetchAt(B(), item.url, alice, { headers: { Range: "bytes=-1000" } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(data.subarray(data.length - 1000)))).toBe(true);

    // Both instances give the same validators (the object's), so a cache revalidates anywhere.
    const [headA, headB] = await Promise.all([fetchAt(A(), item.url, alice, { method: "HEAD" }), fetchAt(B(), item.url, alice, { method: "HEAD" })]);
    expect(headB.headers.get("etag")).toBe(headA.headers.get("etag"));
    expect(headB.headers.get("last-modified")).toBe(headA.headers.get("last-modified"));
    expect((await fetchAt(B(), item.url, alice, { headers: { "If-None-Match": headA.headers.get("etag")! } })).status).toBe(304);
    // And B refuses it to someone else, as A would.
    expect((await fetchAt(B(), item.url, bob)).status).toBe(403);
  });

  it("200 concurrent downloads split across both leave the counter and the audit trail exact", async () => {
    const data = randomData(64 * 1024);
    const file = await countedInBucket("concurrent.bin", data);
    const expected = sha256(data);
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const response = await fetchAt(i % 2 === 0 ? A() : B(), file.url, i % 3 === 0 ? bob : alice);
        return { status: response.status, hash: sha256(new Uint8Array(await response.arrayBuffer())) };
      }),
    );
    const statuses = results.reduce<Record<number, number>>((count, r) => ({ ...count, [r.status]: (count[r.status] ?? 0) + 1 }), {});
    expect(results.filter((r) => r.status === 200 && r.hash === expected), JSON.stringify(statuses)).toHaveLength(200);
    expect(await downloadsOf(file.id)).toBe(200);
    expect(await eventually(async () => (await auditOf("CountedDownload", file.id)).length >= 200)).toBe(true);
    const trail = await auditOf("CountedDownload", file.id);
    expect(trail).toHaveLength(200);
    expect(trail.every((row) => row.outcome === "completed" && row.status === 200 && row.bytesSent === data.length)).toBe(true);
  });

  it("a single-use link made on A, used 50 times at once across A and B: exactly one download, 49 × 410", async () => {
    const { data, item } = await uploadThroughA("once.pdf", 50_000, "shared once");
    const made = await fetchAt(A(), "/api/links", alice, { method: "POST", body: JSON.stringify({ file: item.id, kind: "single-use" }), headers: { "Content-Type": "application/json" } });
    expect(made.status).toBe(201);
    const { url } = (await made.json()) as { url: string };
    const target = `${new URL(url).pathname}${new URL(url).search}`;

    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const response = await fetch(`${(i % 2 === 0 ? A() : B()).base}${target}`);
        return { status: response.status, hash: sha256(new Uint8Array(await response.arrayBuffer())) };
      }),
    );
    expect(answers.filter((answer) => answer.status === 200 && answer.hash === sha256(data))).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 410)).toHaveLength(49);
  });

  it("an instance that restarts loses nothing: the other serves meanwhile, and sessions, files and counts carry on", async () => {
    const data = randomData(10_000);
    const file = await countedInBucket("restart.bin", data);
    expect((await fetchAt(A(), file.url, alice)).status).toBe(200);

    await stopServer(A().child!);
    const meanwhile = await fetchAt(B(), file.url, alice);
    expect(meanwhile.status).toBe(200);
    expect(sha256(new Uint8Array(await meanwhile.arrayBuffer()))).toBe(sha256(data));

    await start(A());
    // A fresh process: the cookie it issued before still signs alice in.
    const afterRestart = await fetchAt(A(), file.url, alice);
    expect(afterRestart.status).toBe(200);
    expect(sha256(new Uint8Array(await afterRestart.arrayBuffer()))).toBe(sha256(data));
    expect(await downloadsOf(file.id)).toBe(3);
  });
});
