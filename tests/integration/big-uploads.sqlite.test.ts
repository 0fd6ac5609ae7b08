// Issue 15's proofs of resumable uploads through `next start` (the demo's /uploads tus
// route, local storage), on a server of its own with the demo's real limits raised for
// the 4 GiB case: a 4 GiB upload cut three times completes with the right sha256 while
// the server's RSS grows by less than 100 MiB; 20 concurrent 256 MiB uploads keep the
// quota exact; a type mismatch at byte 0 stores nothing. Runs once (SQLite project):
// the database plays no part in moving gigabytes.
import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, storageRoot, workDir } from "./support/context";
import { deleteUser, insertSubmission, insertUser, passwordHashOf, query } from "./support/fixtures";
import { processTree, treeRss } from "./support/process";
import { freePort, serverEnv, startNext, stopServer } from "./support/server";
import { signIn, type CookieJar } from "./support/session";
import { MP4_HEAD, patternSha256, patternStream } from "../support/pattern";
import { tusCreate, tusOffset, tusPatch } from "../support/tus-client";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const BIG = 4 * GiB;
const CONCURRENT = 20;
const EACH = 256 * MiB;
const FITS = 7;

let server: ChildProcess;
let base: string;
let carol: CookieJar;
let carolId: number;

const headers = () => ({ Cookie: carol.header, Origin: base });
const endpoint = () => `${base}/uploads`;
const metadata = (filename: string) => ({ model: "FileSubmission", field: "file", filename, description: "big upload" });

async function carolStored(): Promise<number> {
  const rows = await query<{ total: number | string | null }>(`SELECT SUM("fileSize") AS "total" FROM "FileSubmission" WHERE "ownerId" = ?`, [carolId]);
  return Number(rows[0]?.total ?? 0);
}
const pendingRows = async () => Number((await query<{ n: number | string }>(`SELECT COUNT(*) AS "n" FROM "PendingUpload" WHERE "userId" = ?`, [String(carolId)]))[0]?.n ?? 0);

/** Every file under the submissions folder, dot files (temp and tus metadata) included. */
const submissionFiles = () => {
  const folder = path.join(storageRoot(), "submissions");
  return fs.existsSync(folder) ? fs.readdirSync(folder) : [];
};

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** A user of this file's own, so its quota is this file's alone. */
const CAROL = "carol-big-uploads@example.com";

beforeAll(async () => {
  carolId = await insertUser({ email: CAROL, passwordHash: await passwordHashOf("alice@example.com") });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env = {
    ...serverEnv(port, databaseUrl(), storageRoot()),
    // Larger than the demo's 2 GiB default, for the 4 GiB proof.
    PRIVATE_FILES_MAX_UPLOAD_BYTES: String(5 * GiB),
    PRIVATE_FILES_QUOTA_BYTES: String(5 * GiB),
  };
  server = await startNext(port, env, path.join(workDir(), "big-uploads-server.log"));
  carol = await signIn(CAROL, "demo-password", base);
}, 60_000);

afterAll(async () => {
  if (server) await stopServer(server);
  await query(`DELETE FROM "PendingUpload" WHERE "userId" = ?`, [String(carolId)]);
  // Her submissions go with her (ON DELETE CASCADE).
  await deleteUser(CAROL);
});

describe("a 4 GiB resumable upload through next start", () => {
  it("survives three cut connections, ends with the same sha256, and the server's RSS grows by less than 100 MiB", { timeout: 600_000 }, async () => {
    const expected = patternSha256(BIG, MP4_HEAD);
    const created = await tusCreate(endpoint(), headers(), BIG, metadata("big.mp4"));
    expect(created.status, created.body).toBe(201);
    const url = created.url!;
    const pid = server.pid!;
    const idleRss = treeRss(pid);
    let peakRss = idleRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRss(pid))), 100);
    const cuts: number[] = [];
    let final;
    try {
      // Three cuts at about a quarter, a half and three quarters; each resume starts from
      // the offset the server reports (HEAD), not from where the client thinks it was.
      for (const fraction of [0.27, 0.52, 0.76, 1]) {
        const { status, offset } = await tusOffset(url, headers());
        expect(status).toBe(200);
        if (cuts.length > 0) expect(offset).toBeGreaterThan(cuts[cuts.length - 1]! - 64 * MiB);
        const stop = Math.round(BIG * fraction);
        const answer = await tusPatch(url, headers(), offset, patternStream(offset, BIG, MP4_HEAD), fraction < 1 ? { cutAfter: stop - offset } : { length: BIG - offset });
        if (fraction < 1) {
          expect(answer.cut).toBe(true);
          cuts.push(stop);
        } else final = answer;
      }
    } finally {
      clearInterval(sampler);
    }
    expect(final?.status, final?.body).toBeOneOf([200, 204]);
    const growth = (peakRss - idleRss) / MiB;
    console.log(`4 GiB upload, cut at ${cuts.map((c) => (c / GiB).toFixed(2)).join(", ")} GiB: server RSS ${(idleRss / MiB).toFixed(0)} -> peak ${(peakRss / MiB).toFixed(0)} MiB (+${growth.toFixed(1)} MiB, ${processTree(pid).length} processes)`);
    expect(growth).toBeLessThan(100);

    const [row] = await query<{ file: string; fileSize: number | string }>(`SELECT "file", "fileSize" FROM "FileSubmission" WHERE "ownerId" = ? AND "fileName" = 'big.mp4'`, [carolId]);
    expect(Number(row?.fileSize)).toBe(BIG);
    const stored = path.join(storageRoot(), row!.file);
    expect(await sha256File(stored)).toBe(await expected);
    expect(await pendingRows()).toBe(0);
    fs.rmSync(stored);
    await query(`DELETE FROM "FileSubmission" WHERE "ownerId" = ? AND "fileName" = 'big.mp4'`, [carolId]);
  });
});

describe("the quota under concurrent resumable uploads", () => {
  it(`of ${CONCURRENT} concurrent ${EACH / MiB} MiB uploads against room for ${FITS}, exactly ${FITS} are taken and stored`, { timeout: 300_000 }, async () => {
    // Room for exactly FITS more: the quota is 5 GiB, so fill it up to FITS uploads short.
    const before = await carolStored();
    const filler = 5 * GiB - before - FITS * EACH;
    expect(filler).toBeGreaterThan(0);
    // A record without a file that counts against her quota.
    const fillerId = await insertSubmission({ owner: CAROL, file: "", fileName: "filler", fileSize: filler, description: "big upload" });
    try {
      const created = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => tusCreate(endpoint(), headers(), EACH, metadata(`quota-${i}.mp4`))));
      const taken = created.filter((answer) => answer.status === 201);
      const refused = created.filter((answer) => answer.status !== 201);
      expect(taken).toHaveLength(FITS);
      for (const answer of refused) {
        expect(answer.status).toBe(413);
        expect(JSON.parse(answer.body)).toMatchObject({ quotaBytes: 5 * GiB });
      }
      // The taken ones upload at the same time, and all complete.
      const finished = await Promise.all(taken.map((answer) => tusPatch(answer.url!, headers(), 0, patternStream(0, EACH, MP4_HEAD), { length: EACH })));
      for (const answer of finished) expect(answer.status, answer.body).toBeOneOf([200, 204]);
      expect(await carolStored()).toBe(5 * GiB);
      expect(await pendingRows()).toBe(0);
      // Full: one more byte is refused at creation.
      expect((await tusCreate(endpoint(), headers(), 1, metadata("one-more.mp4"))).status).toBe(413);
    } finally {
      const rows = await query<{ id: number; file: string }>(`SELECT "id", "file" FROM "FileSubmission" WHERE "ownerId" = ? AND "fileName" LIKE 'quota-%'`, [carolId]);
      for (const row of rows) fs.rmSync(path.join(storageRoot(), row.file), { force: true });
      await query(`DELETE FROM "FileSubmission" WHERE "ownerId" = ? AND ("fileName" LIKE 'quota-%' OR "id" = ?)`, [carolId, fillerId]);
    }
  });
});

describe("a type mismatch at byte 0", () => {
  it("ends the upload with 415 and stores nothing: no file, no metadata, no pending row", async () => {
    const before = submissionFiles();
    const created = await tusCreate(endpoint(), headers(), 8 * MiB, metadata("not-really.pdf"));
    expect(created.status, created.body).toBe(201);
    // A .pdf whose first bytes are an executable's.
    const answer = await tusPatch(created.url!, headers(), 0, patternStream(0, 8 * MiB, Buffer.from("MZ\x90\x00\x03", "latin1")), { length: 8 * MiB });
    expect(answer.status).toBe(415);
    expect(submissionFiles()).toEqual(before);
    expect(await pendingRows()).toBe(0);
    expect((await tusOffset(created.url!, headers())).status).toBe(404);
  });
});
