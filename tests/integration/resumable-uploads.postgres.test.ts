import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl } from "./support/context";
import { deleteRow, query } from "./support/fixtures";
import { signIn, type CookieJar } from "./support/session";

// The demo's tus route on PostgreSQL (lib/files/resumable-uploads.ts): an upload's lock
// is a PostgreSQL advisory lock (postgresAdvisoryLocker), so that two app instances
// never write one upload at once. Seen in pg_locks while a PATCH is under way.

const TUS = { "Tus-Resumable": "1.0.0" };
const b64 = (value: string) => Buffer.from(value).toString("base64");

let alice: CookieJar;
const rows: number[] = [];

beforeAll(async () => {
  alice = await signIn("alice@example.com");
});

afterAll(async () => {
  for (const id of rows) await deleteRow("FileSubmission", id);
});

const create = (size: number) =>
  fetch(new URL("/uploads", baseUrl()), {
    method: "POST",
    headers: {
      ...TUS,
      Cookie: alice.header,
      "Upload-Length": String(size),
      "Upload-Metadata": `model ${b64("FileSubmission")},field ${b64("file")},filename ${b64("locked.mp4")}`,
    },
  });

/** An MP4-looking body (its first box type). */
const video = (size: number) => {
  const bytes = new Uint8Array(size);
  bytes.set([0, 0, 0, 0x18, ...Buffer.from("ftypisom")]);
  return bytes;
};

describe("resumable uploads on PostgreSQL", () => {
  it("a PATCH writes holding an advisory lock, released when it ends", async () => {
    const advisoryLocks = async () => Number((await query<{ n: number | string }>(`SELECT COUNT(*) AS "n" FROM pg_locks WHERE locktype = 'advisory'`))[0]!.n);
    const bytes = video(256 * 1024);
    const created = await create(bytes.length);
    expect(created.status).toBe(201);
    const location = new URL(created.headers.get("location")!, baseUrl()).pathname;
    expect(await advisoryLocks()).toBe(0);

    // A PATCH that sends half its body, then waits: the lock is held meanwhile.
    const request = http.request(new URL(location, baseUrl()), {
      method: "PATCH",
      headers: { ...TUS, Cookie: alice.header, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream", "Content-Length": String(bytes.length) },
    });
    const answered = new Promise<number>((resolve, reject) => {
      request.on("response", (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on("error", reject);
    });
    request.write(bytes.subarray(0, bytes.length / 2));
    await expect.poll(advisoryLocks, { timeout: 5000 }).toBe(1);
    request.end(bytes.subarray(bytes.length / 2));
    const status = await answered;
    expect(status).toBe(200);
    await expect.poll(advisoryLocks, { timeout: 5000 }).toBe(0);
    const [row] = await query<{ id: number }>(`SELECT "id" FROM "FileSubmission" ORDER BY "id" DESC LIMIT 1`);
    rows.push(Number(row!.id));
  });
});
