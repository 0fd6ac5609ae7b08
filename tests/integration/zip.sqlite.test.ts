import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { databaseUrl, storageRoot, workDir } from "./support/context";
import { deleteRow, insertSubmission, randomData, sha256, writeStored } from "./support/fixtures";
import { treeRss } from "./support/process";
import { freePort, serverEnv, startNext, stopServer } from "./support/server";
import { signIn, type CookieJar } from "./support/session";
import { pythonEntries, unzipTest } from "./support/zip";

// A zip past every 32-bit limit of the classic format, through next start on a fresh
// server (so its memory is measured from idle): three files, the middle one a 5 GiB
// sparse file, so the third entry's offset is past 4 GiB too. The zip is saved sparse
// (runs of zeros skipped), then checked by unzip -t, Python's zipfile, and each entry's
// sha256 through unzip -p. SQLite only: it moves gigabytes.

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const BIG = 5 * GiB;
const MARKER_AT = 4 * GiB + 12345;
const marker = randomData(MiB);
const small = { first: randomData(300_000), last: new TextEncoder().encode("the last entry, past 4 GiB\n".repeat(1000)) };
const NAMES = { first: "première.bin", big: "disque 5 GiB.iso", last: "dernière ✓.txt" };

let server: ChildProcess;
let base: string;
let jar: CookieJar;
const rows: number[] = [];
const stored: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  server = await startNext(port, serverEnv(port, databaseUrl(), storageRoot()), path.join(workDir(), "zip-memory-server.log"));
  base = `http://127.0.0.1:${port}`;
  jar = await signIn("alice@example.com", "demo-password", base);
});

afterAll(async () => {
  await stopServer(server);
  for (const id of rows) await deleteRow("FileSubmission", id);
  for (const file of stored) await fs.rm(file, { force: true });
});

/** The expected sha256 of the sparse file: zeros, the marker at MARKER_AT, zeros, streamed once. */
function bigFileHash(): string {
  const hash = createHash("sha256");
  const zeros = new Uint8Array(8 * MiB);
  const zerosFor = (length: number) => {
    for (let left = length; left > 0; left -= zeros.length) hash.update(left >= zeros.length ? zeros : zeros.subarray(0, left));
  };
  zerosFor(MARKER_AT);
  hash.update(marker);
  zerosFor(BIG - MARKER_AT - marker.length);
  return hash.digest("hex");
}

/** The sha256 of one entry as `unzip -p` extracts it, streamed. */
function entryHash(zip: string, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    const child = spawn("unzip", ["-p", zip, name], { stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.on("data", (chunk: Buffer) => hash.update(chunk));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(hash.digest("hex")) : reject(new Error(`unzip -p exited with ${code}`))));
  });
}

it("a zip of three files, one of them a 5 GiB sparse file, passes unzip -t and zipfile, each entry's sha256 matches, RSS within 100 MiB of idle", { timeout: 600_000 }, async () => {
  const bigPath = "submissions/zip-sparse-5g.iso";
  const target = path.join(storageRoot(), bigPath);
  stored.push(target);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const handle = await fs.open(target, "w");
  await handle.truncate(BIG);
  await handle.write(marker, 0, marker.length, MARKER_AT);
  await handle.close();
  const first = await writeStored("submissions/zip-first.bin", small.first);
  const last = await writeStored("submissions/zip-last.txt", small.last);
  stored.push(path.join(storageRoot(), first), path.join(storageRoot(), last));
  // fileSize is a 32-bit Int in the schema: capped; the route takes sizes from storage.
  for (const [file, fileName, fileSize] of [
    [first, NAMES.first, small.first.length],
    [bigPath, NAMES.big, 2 ** 31 - 1],
    [last, NAMES.last, small.last.length],
  ] as const) {
    rows.push(await insertSubmission({ owner: "alice@example.com", file, fileName, fileSize }));
  }
  const expectedBig = bigFileHash();

  const pid = server.pid!;
  const idle = treeRss(pid);
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRss(pid))), 100);
  const zip = path.join(workDir(), "five-gib.zip");
  stored.push(zip);
  let size = 0;
  const started = performance.now();
  try {
    const response = await fetch(`${base}/files/zip`, {
      method: "POST",
      headers: { Cookie: jar.header, "Content-Type": "application/json" },
      body: JSON.stringify({ items: rows.map((id) => ({ model: "FileSubmission", field: "file", id })), name: "big" }),
    });
    expect(response.status).toBe(200);
    // Saved sparse: a chunk of zeros is skipped, not written (5 GiB of disk spared).
    const out = await fs.open(zip, "w");
    const zeros = Buffer.alloc(1024 * 1024);
    const reader = response.body!.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      const bytes = Buffer.from(chunk.value.buffer, chunk.value.byteOffset, chunk.value.byteLength);
      const allZero = bytes.length <= zeros.length && bytes.equals(zeros.subarray(0, bytes.length));
      if (!allZero) await out.write(bytes, 0, bytes.length, size);
      size += bytes.length;
    }
    await out.truncate(size);
    await out.close();
  } finally {
    clearInterval(sampler);
  }
  console.log(`zip of ${(size / GiB).toFixed(2)} GiB in ${((performance.now() - started) / 1000).toFixed(1)} s; server RSS idle ${(idle / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB`);
  expect(size).toBeGreaterThan(BIG);
  expect(peak - idle).toBeLessThan(100 * MiB);

  // unzip -t and the extraction of the big entry each read 5 GiB: side by side.
  const at = performance.now();
  const [tested, bigHash] = await Promise.all([unzipTest(zip), entryHash(zip, NAMES.big)]);
  console.log(`unzip -t beside unzip -p: ${((performance.now() - at) / 1000).toFixed(1)} s`);
  expect(tested.ok, tested.output).toBe(true);
  expect(bigHash).toBe(expectedBig);
  // Its central directory's Zip64 sizes and offsets (unzip -t read every byte already).
  const python = await pythonEntries(zip, { check: false });
  expect(python.map(({ name, size: entrySize }) => [name, entrySize])).toEqual([
    [NAMES.first, small.first.length],
    [NAMES.big, BIG],
    [NAMES.last, small.last.length],
  ]);
  expect(await entryHash(zip, NAMES.first)).toBe(sha256(small.first));
  expect(await entryHash(zip, NAMES.last)).toBe(sha256(small.last));
});
