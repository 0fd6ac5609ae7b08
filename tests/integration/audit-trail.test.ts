import http from "node:http";
import { beforeAll, describe, expect, it } from "vitest";
import { baseUrl } from "./support/context";
import { auditOf, deleteRow, insertSubmission, query, randomData, userId, writeStored } from "./support/fixtures";
import { eventually } from "./support/process";
import { get, signIn, type CookieJar } from "./support/session";

// The demo's audit trail through `next start`: every refusal and every finished
// download of a record becomes a DownloadEvent row (who, what, status, bytes).

let alice: CookieJar;
let bob: CookieJar;
beforeAll(async () => {
  [alice, bob] = await Promise.all([signIn("alice@example.com"), signIn("bob@example.com")]);
});

async function fixture(size: number): Promise<{ id: number; url: string; cleanup(): Promise<void> }> {
  const stored = await writeStored(`submissions/audit-${size}-${Date.now()}.bin`, randomData(size));
  const id = await insertSubmission({ owner: "alice@example.com", file: stored, fileName: "audited.bin", fileSize: size });
  return { id, url: `/files/FileSubmission/file/${id}/audited.bin`, cleanup: () => deleteRow("FileSubmission", id) };
}

describe("DownloadEvent rows", () => {
  it("record refusals with their reason, and completed downloads with their bytes", async () => {
    const file = await fixture(100_000);
    try {
      expect((await get(file.url)).status).toBe(401);
      expect((await get(file.url, { jar: bob })).status).toBe(403);
      expect((await get(file.url, { jar: bob, method: "HEAD" })).status).toBe(403);
      const whole = await get(file.url, { jar: alice });
      expect((await whole.arrayBuffer()).byteLength).toBe(100_000);
      const part = await get(file.url, { jar: alice, headers: { Range: "bytes=1000-1999" } });
      expect((await part.arrayBuffer()).byteLength).toBe(1000);
      // Headers only, no file bytes: not downloads, so not in the trail.
      expect((await get(file.url, { jar: alice, method: "HEAD" })).status).toBe(200);

      expect(await eventually(async () => (await auditOf("FileSubmission", file.id)).length === 5)).toBe(true);
      const [anonymous, forbidden, forbiddenHead, completed, ranged] = await auditOf("FileSubmission", file.id);
      expect(anonymous).toMatchObject({ outcome: "denied", reason: "anonymous", status: 401, userId: null, method: "GET", bytesSent: 0 });
      expect(forbidden).toMatchObject({ outcome: "denied", reason: "forbidden", status: 403, userId: await userId("bob@example.com"), userEmail: "bob@example.com" });
      expect(forbiddenHead).toMatchObject({ outcome: "denied", reason: "forbidden", method: "HEAD" });
      expect(completed).toMatchObject({ outcome: "completed", status: 200, bytesSent: 100_000, rangeStart: null, userId: await userId("alice@example.com") });
      expect(ranged).toMatchObject({ outcome: "completed", status: 206, bytesSent: 1000, rangeStart: 1000 });
    } finally {
      await file.cleanup();
    }
  });

  it("aggregate a flood of refusals alike: 5,000 anonymous refusals in a burst leave a few rows whose counts add up to 5,000", async () => {
    const file = await fixture(1000);
    try {
      const total = 5000;
      let next = 0;
      const statuses = new Map<number, number>();
      // 32 clients at once, as fast as the server answers.
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < total) {
            next++;
            const response = await fetch(`${baseUrl()}${file.url}`);
            await response.arrayBuffer();
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          }
        }),
      );
      expect(Object.fromEntries(statuses)).toEqual({ 401: total });
      // Each refusal is awaited by its answer, so the rows are complete now.
      const rows = await query<{ count: number; reason: string; outcome: string; lastAt: unknown }>(
        `SELECT "count", "reason", "outcome", "lastAt" FROM "DownloadEvent" WHERE "model" = 'FileSubmission' AND "recordId" = ?`,
        [String(file.id)],
      );
      expect(rows.length).toBeGreaterThanOrEqual(1);
      expect(rows.length).toBeLessThanOrEqual(5);
      expect(rows.reduce((sum, row) => sum + Number(row.count), 0)).toBe(total);
      expect(rows.every((row) => row.outcome === "denied" && row.reason === "anonymous")).toBe(true);
      // A different refusal (another reason, another user) still gets its own row.
      expect((await get(file.url, { jar: bob })).status).toBe(403);
      const after = await auditOf("FileSubmission", file.id);
      expect(after.filter((row) => row.reason === "forbidden")).toHaveLength(1);
    } finally {
      await file.cleanup();
    }
  });

  it("record a download the client abandoned, with the bytes sent before it left", async () => {
    const size = 64 * 1024 * 1024;
    const file = await fixture(size);
    try {
      await new Promise<void>((resolve) => {
        const request = http.get(`${baseUrl()}${file.url}`, { headers: { Cookie: alice.header }, agent: false }, (response) => {
          response.once("data", () => {
            request.destroy();
            resolve();
          });
        });
        request.on("error", () => undefined);
      });
      expect(await eventually(async () => (await auditOf("FileSubmission", file.id)).length === 1)).toBe(true);
      const [row] = await auditOf("FileSubmission", file.id);
      expect(row).toMatchObject({ outcome: "aborted", status: 200 });
      expect(row!.bytesSent).toBeGreaterThan(0);
      expect(row!.bytesSent).toBeLessThan(size);
    } finally {
      await file.cleanup();
    }
  });
});
