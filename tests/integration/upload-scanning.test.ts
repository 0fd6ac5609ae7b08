// Malware scanning through `next start`, on all three upload paths, with a real clamd
// (tests/support/clamd.ts: Debian's clamd over a signature database made with sigtool)
// and S3 storage on a real s3rver, so the direct path exists too: the EICAR test file is
// refused with 422 on the multipart form, the resumable (tus) route and the direct
// upload, its bytes are deleted, and each refusal leaves an UploadEvent row; a clean file
// passes each path; with clamd down every path fails closed with 503 and keeps nothing.
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { Readable } from "node:stream";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startClamd, type TestClamd } from "../support/clamd";
import { S3_TEST_BUCKET, startS3rver, type TestS3Server } from "../support/s3rver";
import { tusCreate, tusPatch } from "../support/tus-client";
import { databaseUrl, storageRoot, workDir } from "./support/context";
import { deleteRow, query, userId } from "./support/fixtures";
import { freePort, serverEnv, startNext, stopServer } from "./support/server";
import { signIn, type CookieJar } from "./support/session";

const PREFIX = "scan";
const CLEAN = new TextEncoder().encode("A perfectly ordinary text file.\n".repeat(100));

let clamd: TestClamd;
let s3: TestS3Server;
let client: S3Client;
let server: ChildProcess | undefined;
let base: string;
let alice: CookieJar;
let aliceId: number;
const rows: number[] = [];

const headers = () => ({ Cookie: alice.header, Origin: base });

/** Every object the uploads left in the bucket (tus bookkeeping included). */
async function keys(): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: S3_TEST_BUCKET, Prefix: `${PREFIX}/` }));
  return (listed.Contents ?? []).map((object) => object.Key!).sort();
}

/** UploadEvent rows of alice, oldest first. */
const uploadEvents = () =>
  query<{ via: string; reason: string; signature: string | null; status: number; name: string }>(
    `SELECT "via", "reason", "signature", "status", "name" FROM "UploadEvent" WHERE "userId" = ? ORDER BY "id"`,
    [aliceId],
  );

const keep = (body: string) => rows.push((JSON.parse(body) as { id: number }).id);

/** The three paths, each uploading `bytes` as `name`; the answer that ends it. */
const paths = {
  async multipart(bytes: Uint8Array, name: string) {
    const form = new FormData();
    form.set("description", "scan test");
    form.set("file", new Blob([Buffer.from(bytes)]), name);
    const response = await fetch(`${base}/api/files`, { method: "POST", body: form, headers: headers() });
    return { status: response.status, body: await response.text() };
  },
  async tus(bytes: Uint8Array, name: string) {
    const created = await tusCreate(`${base}/uploads`, headers(), bytes.length, { model: "FileSubmission", field: "file", filename: name, description: "scan test" });
    if (created.status !== 201) return created;
    return tusPatch(created.url!, headers(), 0, Readable.from([Buffer.from(bytes)]), { length: bytes.length });
  },
  async direct(bytes: Uint8Array, name: string) {
    const json = { ...headers(), "Content-Type": "application/json" };
    const intent = await fetch(`${base}/uploads/direct`, { method: "POST", headers: json, body: JSON.stringify({ model: "FileSubmission", field: "file", name, size: bytes.length, metadata: { description: "scan test" } }) });
    const offer = (await intent.json()) as { id: string; url: string; headers: Record<string, string>; completeUrl: string };
    if (intent.status !== 201) return { status: intent.status, body: JSON.stringify(offer) };
    const put = await fetch(offer.url, { method: "PUT", headers: offer.headers, body: Buffer.from(bytes) });
    expect(put.status).toBe(200);
    const complete = await fetch(new URL(offer.completeUrl, base), { method: "POST", headers: json, body: "{}" });
    return { status: complete.status, body: await complete.text() };
  },
} as const;

beforeAll(async () => {
  [clamd, s3] = await Promise.all([startClamd(), startS3rver()]);
  client = s3.client();
  aliceId = await userId("alice@example.com");
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = await startNext(port, { ...serverEnv(port, databaseUrl(), storageRoot()), ...s3.env(S3_TEST_BUCKET, PREFIX), CLAMD_SOCKET: clamd.socketPath }, path.join(workDir(), "scan-server.log"));
  alice = await signIn("alice@example.com", "demo-password", base);
  await query(`DELETE FROM "UploadEvent" WHERE "userId" = ?`, [aliceId]);
}, 120_000);

afterAll(async () => {
  if (server) await stopServer(server);
  for (const id of rows) await deleteRow("FileSubmission", id);
  await query(`DELETE FROM "UploadEvent" WHERE "userId" = ?`, [aliceId]);
  await Promise.all([clamd?.stop(), s3?.stop()]);
});

describe("scanning every upload before it is kept", () => {
  for (const via of ["multipart", "tus", "direct"] as const) {
    it(`${via}: a clean file is kept`, async () => {
      const answer = await paths[via](CLEAN, `clean-${via}.txt`);
      expect(answer.status, answer.body).toBe(via === "multipart" || via === "direct" ? 201 : 200);
      keep(answer.body);
      expect((await keys()).filter((key) => key.endsWith(".txt"))).toHaveLength(rows.length);
    });

    it(`${via}: the EICAR test file is refused with 422, deleted, and audited`, async () => {
      const before = await keys();
      const events = (await uploadEvents()).length;
      const answer = await paths[via](clamd.eicar, `eicar-${via}.txt`);
      expect(answer.status, answer.body).toBe(422);
      expect(JSON.parse(answer.body)).toMatchObject({ signature: clamd.eicarSignature });
      expect(await keys()).toEqual(before);
      const rowsNow = await uploadEvents();
      expect(rowsNow).toHaveLength(events + 1);
      expect(rowsNow.at(-1)).toMatchObject({ via, reason: "infected", signature: clamd.eicarSignature, status: 422, name: `eicar-${via}.txt` });
      const kept = await query(`SELECT "id" FROM "FileSubmission" WHERE "fileName" = ?`, [`eicar-${via}.txt`]);
      expect(kept).toEqual([]);
    });
  }

  it("with clamd down, every path answers 503 and keeps nothing", async () => {
    await clamd.stop();
    const before = await keys();
    for (const via of ["multipart", "tus", "direct"] as const) {
      const answer = await paths[via](CLEAN, `unscanned-${via}.txt`);
      expect(answer.status, `${via}: ${answer.body}`).toBe(503);
      expect(await keys()).toEqual(before);
    }
    const kept = await query(`SELECT "id" FROM "FileSubmission" WHERE "fileName" LIKE 'unscanned-%'`);
    expect(kept).toEqual([]);
    expect((await uploadEvents()).filter((row) => row.reason === "scanner-unavailable").map((row) => row.via)).toEqual(["multipart", "tus", "direct"]);
  });
});
