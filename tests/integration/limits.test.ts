import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, storageRoot, workDir } from "./support/context";
import { count, deleteRow, insertSubmission, query, randomData, userId } from "./support/fixtures";
import { descriptors, eventually, processTree } from "./support/process";
import { freePort, serverEnv, startNext, stopServer } from "./support/server";
import { signIn, type CookieJar } from "./support/session";

// Idle timeouts, the storage quota and the concurrent-upload limit, through a
// `next start` of its own (the shared one keeps the defaults: 60 s, 1 GiB, 4), started
// with a short idle timeout and a quota of what bob stores now plus 1 MiB. Every
// check of what the server holds reads /proc: its descriptors, and the temp files.

const MiB = 1024 * 1024;
const IDLE_MS = 3000;
const QUOTA_HEADROOM = 1 * MiB;
const MAX_CONCURRENT = 4;

let server: ChildProcess;
let port: number;
let bob: CookieJar;
let bobId: number;
let quotaBytes: number;
const rows: number[] = [];

const submissions = () => path.join(storageRoot(), "submissions");
const tempFiles = () => fs.readdirSync(submissions()).filter((name) => name.startsWith(".upload-") && name.endsWith(".part"));
const storedFiles = () => fs.readdirSync(submissions()).filter((name) => !name.startsWith("."));
const usedBytes = async () =>
  Number((await query<{ total: number | string | null }>(`SELECT SUM("fileSize") AS "total" FROM "FileSubmission" WHERE "ownerId" = ?`, [bobId]))[0]?.total ?? 0);
const slotsHeld = async () => Number((await query<{ n: number | string }>(`SELECT COUNT(*) AS "n" FROM "UploadSlot" WHERE "userId" = ?`, [bobId]))[0]?.n ?? 0);

/** Descriptors of the server's process tree that point into the submissions folder. */
function descriptorsInSubmissions(): string[] {
  const folder = fs.realpathSync(submissions());
  const found: string[] = [];
  for (const pid of processTree(server.pid ?? 0)) {
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith(`${folder}/`)) found.push(target);
      } catch {
        // closed while we looked
      }
    }
  }
  return found;
}

/** What came back on a raw connection: the status and the (small, JSON) body. */
interface RawAnswer {
  status: number;
  headers: string;
  body: string;
}

function parseAnswer(raw: Buffer): RawAnswer {
  const text = raw.toString("utf8");
  const end = text.indexOf("\r\n\r\n");
  const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
  const headers = end < 0 ? text : text.slice(0, end);
  const rest = end < 0 ? "" : text.slice(end + 4);
  return { status: status ? Number(status[1]) : 0, headers, body: /transfer-encoding: chunked/i.test(headers) ? dechunk(rest) : rest };
}

function dechunk(text: string): string {
  let body = "";
  let offset = 0;
  for (;;) {
    const lineEnd = text.indexOf("\r\n", offset);
    const size = lineEnd < 0 ? 0 : parseInt(text.slice(offset, lineEnd), 16);
    if (!(size > 0)) return body;
    body += text.slice(lineEnd + 2, lineEnd + 2 + size);
    offset = lineEnd + 2 + size + 2;
  }
}

/**
 * A multipart upload over a raw socket, sent in pieces the test controls: at first the
 * headers, the form's preamble and `first` bytes of the file; then `trickle()` one more
 * byte, or `finish()` the rest. `answer` settles when the server closes the connection.
 */
function openUpload(fileBytes: Uint8Array, first: number, name = "limits.pdf") {
  const boundary = "----limits-test-boundary";
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\nlimits test\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const body = Buffer.concat([head, fileBytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const socket = net.connect(port, "127.0.0.1");
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.on("error", () => undefined);
  const answer = new Promise<RawAnswer>((resolve) => socket.on("close", () => resolve(parseAnswer(Buffer.concat(chunks)))));
  socket.write(
    `POST /api/files HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${bob.header}\r\nConnection: close\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  let offset = head.length + first;
  socket.write(body.subarray(0, offset));
  return {
    answer,
    /** The whole body but its last `keep` bytes. */
    sendAllBut(keep: number) {
      socket.write(body.subarray(offset, body.length - keep));
      offset = body.length - keep;
    },
    trickle() {
      if (offset < body.length - 64) socket.write(body.subarray(offset, ++offset));
    },
    finish() {
      socket.write(body.subarray(offset));
      offset = body.length;
    },
    destroy: () => socket.destroy(),
  };
}

/** Bytes the demo accepts as a .pdf: the signature, then noise. */
const pdf = (size: number) => new Uint8Array(Buffer.concat([Buffer.from("%PDF-1.7\n"), randomData(size - 9)]));

function postPdf(size: number, name = "limits.pdf") {
  const form = new FormData();
  form.set("description", "limits test");
  form.set("file", new Blob([pdf(size)]), name);
  return fetch(`http://127.0.0.1:${port}/api/files`, { method: "POST", body: form, headers: { Cookie: bob.header } });
}

const keep = async (answer: { status: number; body: string } | Response) => {
  const body = answer instanceof Response ? await answer.text() : answer.body;
  if (answer.status === 201) rows.push((JSON.parse(body) as { id: number }).id);
  return body;
};

beforeAll(async () => {
  bobId = await userId("bob@example.com");
  await fsp.mkdir(submissions(), { recursive: true });
  quotaBytes = (await usedBytes()) + QUOTA_HEADROOM;
  port = await freePort();
  const env = {
    ...serverEnv(port, databaseUrl(), storageRoot()),
    PRIVATE_FILES_IDLE_TIMEOUT_MS: String(IDLE_MS),
    PRIVATE_FILES_QUOTA_BYTES: String(quotaBytes),
    PRIVATE_FILES_MAX_CONCURRENT_UPLOADS: String(MAX_CONCURRENT),
  };
  server = await startNext(port, env, path.join(workDir(), "limits-server.log"));
  bob = await signIn("bob@example.com", "demo-password", `http://127.0.0.1:${port}`);
});

afterAll(async () => {
  if (server) await stopServer(server);
  for (const id of rows) await deleteRow("FileSubmission", id);
});

describe("idle timeouts", () => {
  it("a download whose client stops reading is cut off: the server closes the file", async () => {
    const relative = "submissions/stalled-download.bin";
    const target = path.join(storageRoot(), relative);
    const handle = await fsp.open(target, "w");
    await handle.truncate(256 * MiB); // sparse: far more than the socket buffers hold
    await handle.close();
    const real = fs.realpathSync(target);
    const id = await insertSubmission({ owner: "bob@example.com", file: relative, fileName: "stalled.bin", fileSize: 256 * MiB });

    const socket = net.connect(port, "127.0.0.1");
    socket.on("error", () => undefined);
    try {
      const headers = await new Promise<string>((resolve) => {
        let seen = "";
        socket.on("data", function onData(chunk: Buffer) {
          seen += chunk.toString("latin1");
          if (seen.includes("\r\n\r\n")) {
            // Stop reading: the socket buffers fill, and the server stops being asked for bytes.
            socket.pause();
            socket.off("data", onData);
            resolve(seen.slice(0, seen.indexOf("\r\n\r\n")));
          }
        });
        socket.write(`GET /files/FileSubmission/file/${id}/stalled.bin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${bob.header}\r\n\r\n`);
      });
      expect(headers).toMatch(/^HTTP\/1\.1 200/);
      const stalledAt = Date.now();
      // The download is open (this check can fail: it is what the idle timeout ends).
      expect(descriptors(server.pid ?? 0, real).onFile).toBeGreaterThan(0);
      const closed = await eventually(() => descriptors(server.pid ?? 0, real).onFile === 0, IDLE_MS + 12_000);
      const after = Date.now() - stalledAt;
      console.log(`stalled download: file closed ${after} ms after the client stopped reading (idle timeout ${IDLE_MS} ms)`);
      expect(closed).toBe(true);
      // Not before the idle timeout: a client that pauses briefly keeps its download.
      expect(after).toBeGreaterThan(IDLE_MS - 1000);
    } finally {
      socket.destroy();
      // Removed at once: its size counts against bob's quota in the tests below.
      await deleteRow("FileSubmission", id);
      await fsp.rm(target, { force: true });
    }
  });

  it("an upload that stalls mid-file gets 408: no temp file, no descriptor, no record, no slot", async () => {
    const before = { files: storedFiles(), rows: await count("FileSubmission") };
    const upload = openUpload(pdf(2 * 65536), 65536);
    try {
      // The store has started: its temp file is open.
      expect(await eventually(() => tempFiles().length === 1, 5000)).toBe(true);
      expect(descriptorsInSubmissions().length).toBeGreaterThan(0);
      const started = Date.now();
      const answer = await Promise.race([upload.answer, new Promise<null>((r) => setTimeout(() => r(null), IDLE_MS + 15_000))]);
      expect(answer, "no answer to the stalled upload").not.toBeNull();
      expect(answer!.status).toBe(408);
      expect(JSON.parse(answer!.body)).toMatchObject({ error: expect.stringMatching(/sent nothing for 3 s/) });
      expect(Date.now() - started).toBeGreaterThan(IDLE_MS - 1500);
      expect(await eventually(() => tempFiles().length === 0 && descriptorsInSubmissions().length === 0, 5000)).toBe(true);
      expect(storedFiles()).toEqual(before.files);
      expect(await count("FileSubmission")).toBe(before.rows);
      expect(await slotsHeld()).toBe(0);
    } finally {
      upload.destroy();
    }
  });

  it("an upload that stalls before its file part gets 408 too", async () => {
    const boundary = "----stall-early";
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => undefined);
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.write(
      `POST /api/files HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${bob.header}\r\nConnection: close\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000\r\n\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\nhalf a descrip`,
    );
    try {
      await Promise.race([closed, new Promise((r) => setTimeout(r, IDLE_MS + 15_000))]);
      expect(parseAnswer(Buffer.concat(chunks)).status).toBe(408);
    } finally {
      socket.destroy();
    }
  });
});

describe("the storage quota", () => {
  it("an upload past what is left of the quota gets 413 with the quota and usage, and nothing is kept", async () => {
    const before = { files: storedFiles(), rows: await count("FileSubmission"), used: await usedBytes() };
    const response = await postPdf(2 * MiB);
    expect(response.status).toBe(413);
    const answer = (await response.json()) as { error: string; quotaBytes: number; usedBytes: number };
    expect(answer.error).toMatch(/^this file would put you over your storage quota of [\d.]+ (KiB|MiB|GiB) \([\d.]+ (bytes|KiB|MiB|GiB) used\)$/);
    expect(answer).toMatchObject({ quotaBytes, usedBytes: before.used });
    expect(await eventually(() => tempFiles().length === 0 && descriptorsInSubmissions().length === 0, 5000)).toBe(true);
    expect(storedFiles()).toEqual(before.files);
    expect(await count("FileSubmission")).toBe(before.rows);
    expect(await slotsHeld()).toBe(0);
  });

  it("two uploads that each fit, but not together: the record check keeps one and refuses the other (413), file removed", async () => {
    const before = { files: storedFiles(), rows: await count("FileSubmission") };
    const remaining = quotaBytes - (await usedBytes());
    const size = Math.floor(remaining * 0.6);
    const uploads = [openUpload(pdf(size), 1000, "first.pdf"), openUpload(pdf(size), 1000, "second.pdf")];
    try {
      // Both are streamed under the quota left when they started, up to the closing boundary.
      for (const upload of uploads) upload.sendAllBut(10);
      const bothWritten = () => {
        const sizes = tempFiles().map((name) => fs.statSync(path.join(submissions(), name)).size);
        return sizes.length === 2 && sizes.every((s) => s > size - 200);
      };
      expect(await eventually(bothWritten, 10_000)).toBe(true);
      for (const upload of uploads) upload.finish();
      const answers = await Promise.all(uploads.map((u) => u.answer));
      for (const answer of answers) await keep(answer);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 413]);
      expect(answers.find((a) => a.status === 413)!.body).toMatch(/over your storage quota/);
      expect(await usedBytes()).toBeLessThanOrEqual(quotaBytes);
      expect(await count("FileSubmission")).toBe(before.rows + 1);
      expect(await eventually(() => storedFiles().length === before.files.length + 1 && tempFiles().length === 0, 5000)).toBe(true);
    } finally {
      for (const upload of uploads) upload.destroy();
    }
  });
});

describe("concurrent uploads per user", () => {
  it(`the ${MAX_CONCURRENT + 1}th upload in flight gets 429 with Retry-After, and goes through once one finished`, async () => {
    // Make room under the quota for this test's small files.
    for (const id of rows.splice(0)) await deleteRow("FileSubmission", id);
    const before = { fds: descriptors(server.pid ?? 0).total };
    const inFlight = Array.from({ length: MAX_CONCURRENT }, (_, i) => openUpload(pdf(100_000), 20_000, `in-flight-${i}.pdf`));
    // A byte now and then, well inside the idle timeout: slow, not stalled.
    const trickle = setInterval(() => inFlight.forEach((u) => u.trickle()), 400);
    try {
      expect(await eventually(() => tempFiles().length === MAX_CONCURRENT, 10_000)).toBe(true);

      const refused = await postPdf(10_000, "one-too-many.pdf");
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(((await refused.json()) as { error: string }).error).toBe(
        `you already have ${MAX_CONCURRENT} uploads in progress; wait for one to finish, then try again`,
      );
      expect(tempFiles()).toHaveLength(MAX_CONCURRENT);
      expect(await slotsHeld()).toBe(MAX_CONCURRENT);

      inFlight[0]!.finish();
      const first = await inFlight[0]!.answer;
      await keep(first);
      expect(first.status).toBe(201);

      const retried = await postPdf(10_000, "one-too-many.pdf");
      await keep(retried);
      expect(retried.status).toBe(201);

      clearInterval(trickle);
      for (const upload of inFlight.slice(1)) upload.finish();
      for (const answer of await Promise.all(inFlight.slice(1).map((u) => u.answer))) {
        await keep(answer);
        expect(answer.status).toBe(201);
      }
      // Everything is given back: slots, temp files, descriptors.
      expect(await slotsHeld()).toBe(0);
      expect(await eventually(() => tempFiles().length === 0 && descriptorsInSubmissions().length === 0, 5000)).toBe(true);
      expect(await eventually(() => descriptors(server.pid ?? 0).total <= before.fds + 2, 10_000)).toBe(true);
    } finally {
      clearInterval(trickle);
      for (const upload of inFlight) upload.destroy();
    }
  });
});
