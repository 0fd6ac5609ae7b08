import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverPid, storageRoot } from "./support/context";
import { auditOf, deleteRow, downloadsOf, insertCounted, insertSubmission, query, randomData, sha256, writeStored } from "./support/fixtures";
import { descriptors, eventually } from "./support/process";
import { get, signIn, type CookieJar } from "./support/session";
import { entryBytes, postZip, pythonEntries, saveZip, signedSelection, unzipNames, unzipTest } from "./support/zip";

// The demo's /files/zip through next start: every file authorized on its own, the zip
// read back by Debian's unzip and Python's zipfile, counters and the audit trail per file.

let alice: CookieJar;
let bob: CookieJar;
const data = { report: randomData(200_000), notes: new TextEncoder().encode("notes, notes, notes\n".repeat(5000)), photo: randomData(30_000) };
let ids: { report: number; notes: number; photo: number; bobs: number; counted: number };
const NAMES = { report: "Résumé élève 🎓.bin", notes: "Ça va, naïve café ☕.txt", photo: "日本語 写真.png" };
const sub = (id: number) => ({ model: "FileSubmission", field: "file", id });
const counted = (id: number) => ({ model: "CountedDownload", field: "file", id });

// Every row and file made here is removed after the file's tests: the quota of alice's
// submissions (the tests' 5 MiB) counts the rows' sizes, and a 2 GiB row left behind
// refused every upload of the files that run after this one with 413.
const rows: { table: "FileSubmission" | "CountedDownload"; id: number }[] = [];
const files: string[] = [];
const kept = (table: "FileSubmission" | "CountedDownload", id: number) => (rows.push({ table, id }), id);
const stored = (relative: string) => (files.push(relative), relative);
afterAll(async () => {
  for (const { table, id } of rows) await deleteRow(table, id);
  for (const relative of files) await fs.rm(path.join(storageRoot(), relative), { force: true });
});

beforeAll(async () => {
  [alice, bob] = await Promise.all([signIn("alice@example.com"), signIn("bob@example.com")]);
  const report = stored(await writeStored("submissions/zip-report.bin", data.report));
  const notes = stored(await writeStored("submissions/zip-notes.txt", data.notes));
  const photo = stored(await writeStored("submissions/zip-photo.png", data.photo));
  const countedFile = stored(await writeStored("downloadables/zip-counted.txt", data.notes));
  ids = {
    report: kept("FileSubmission", await insertSubmission({ owner: "alice@example.com", file: report, fileName: NAMES.report, fileSize: data.report.length })),
    notes: kept("FileSubmission", await insertSubmission({ owner: "alice@example.com", file: notes, fileName: NAMES.notes, fileSize: data.notes.length })),
    photo: kept("FileSubmission", await insertSubmission({ owner: "alice@example.com", file: photo, fileName: NAMES.photo, fileSize: data.photo.length })),
    bobs: kept("FileSubmission", await insertSubmission({ owner: "bob@example.com", file: notes, fileName: "bob.txt", fileSize: data.notes.length })),
    counted: kept("CountedDownload", await insertCounted({ file: countedFile, fileName: "counted.txt", fileSize: data.notes.length, description: "zip counter" })),
  };
});

describe("a zip of the user's files", () => {
  it("keeps names with accents and emoji for unzip and Python's zipfile, each entry byte for byte, duplicates numbered", async () => {
    const response = await postZip(alice, { items: [sub(ids.report), sub(ids.notes), sub(ids.photo), sub(ids.notes)], name: "Mes fichiers" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="Mes fichiers.zip"');
    expect(response.headers.get("cache-control")).toBe("private, no-store, no-transform");
    const zip = await saveZip(response, "names");
    const tested = await unzipTest(zip);
    expect(tested.ok, tested.output).toBe(true);
    const expected = [NAMES.report, NAMES.notes, NAMES.photo, "Ça va, naïve café ☕ (2).txt"];
    expect(await unzipNames(zip)).toEqual(expected);
    const python = await pythonEntries(zip);
    expect(python.map(({ name }) => name)).toEqual(expected);
    expect(python.every(({ utf8 }) => utf8)).toBe(true);
    expect(python.map(({ size }) => size)).toEqual([data.report.length, data.notes.length, data.photo.length, data.notes.length]);
    expect(sha256(await entryBytes(zip, NAMES.report))).toBe(sha256(data.report));
    expect(sha256(await entryBytes(zip, NAMES.notes))).toBe(sha256(data.notes));
    expect(sha256(await entryBytes(zip, NAMES.photo))).toBe(sha256(data.photo));
  });

  it("counts each CountedDownload entry once per zip, and the audit trail has a row per entry naming the zip", async () => {
    const before = await downloadsOf(ids.counted);
    const response = await postZip(alice, { items: [counted(ids.counted), sub(ids.notes)], name: "audited" });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(await downloadsOf(ids.counted)).toBe(before + 1);
    let rows: { outcome: string; archiveId: string | null; archiveName: string | null; archiveIndex: number | null; bytesSent: number }[] = [];
    expect(
      await eventually(async () => {
        rows = await query(
          `SELECT "outcome", "archiveId", "archiveName", "archiveIndex", "bytesSent" FROM "DownloadEvent" WHERE "archiveName" = 'audited.zip' ORDER BY "archiveIndex"`,
        );
        return rows.length === 2;
      }),
    ).toBe(true);
    expect(rows.map(({ outcome, archiveIndex, bytesSent }) => [outcome, Number(archiveIndex), Number(bytesSent)])).toEqual([
      ["completed", 0, data.notes.length],
      ["completed", 1, data.notes.length],
    ]);
    expect(rows[0]!.archiveId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(rows[1]!.archiveId).toBe(rows[0]!.archiveId);
    // A plain download of the file keeps no zip.
    await (await get(`/files/CountedDownload/file/${ids.counted}/counted.txt`, { jar: alice })).arrayBuffer();
    expect(await downloadsOf(ids.counted)).toBe(before + 2);
  });

  it("works from a signed GET selection, and refuses a tampered one", async () => {
    const selection = signedSelection([sub(ids.notes), sub(ids.photo)], "linked");
    const response = await get(`/files/zip?selection=${selection}`, { jar: alice });
    expect(response.status).toBe(200);
    expect(await unzipNames(await saveZip(response, "linked"))).toEqual([NAMES.notes, NAMES.photo]);
    const [payload, signature] = selection.split(".");
    const other = signedSelection([sub(ids.bobs)]).split(".")[0];
    const tampered = await get(`/files/zip?selection=${other}.${signature}`, { jar: alice });
    expect(tampered.status).toBe(403);
    expect(await tampered.json()).toEqual({ error: "the selection is refused: selection-invalid" });
    // The selection grants nothing: bob gets 403 for alice's files.
    const asBob = await get(`/files/zip?selection=${payload}.${signature}`, { jar: bob });
    expect(asBob.status).toBe(403);
  });
});

describe("a selection with a refused file", () => {
  it("is refused whole, with 403 and the refused items, before any byte; downloadDenied's row names the zip; nothing counted", async () => {
    const before = await downloadsOf(ids.counted);
    const response = await postZip(bob, { items: [counted(ids.counted), sub(ids.report), sub(ids.bobs)] });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: "some of these files cannot be downloaded",
      refused: [{ index: 1, model: "FileSubmission", field: "file", id: String(ids.report), reason: "forbidden" }],
    });
    expect(await downloadsOf(ids.counted)).toBe(before);
    const denied = (await auditOf("FileSubmission", ids.report)).filter((row) => row.outcome === "denied" && row.method === "POST");
    expect(denied.map(({ reason, status, userEmail }) => ({ reason, status, userEmail }))).toEqual([{ reason: "forbidden", status: 403, userEmail: "bob@example.com" }]);
    const [row] = await query<{ archiveIndex: number; archiveName: string }>(
      `SELECT "archiveIndex", "archiveName" FROM "DownloadEvent" WHERE "recordId" = ? AND "outcome" = 'denied' AND "method" = 'POST'`,
      [String(ids.report)],
    );
    expect(row && [Number(row.archiveIndex), row.archiveName]).toEqual([1, "my-files.zip"]);
  });

  it("answers 401 to nobody signed in, and 404 for files that do not exist, as the file route would", async () => {
    const anonymous = await postZip(undefined, { items: [sub(ids.notes)] });
    expect(anonymous.status).toBe(401);
    const missing = await postZip(alice, { items: [sub(ids.notes), sub(999_999), { model: "Nope", field: "file", id: 1 }] });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { refused: { index: number; reason: string }[] }).refused).toEqual([
      expect.objectContaining({ index: 1, reason: "not-found" }),
      expect.objectContaining({ index: 2, reason: "not-found" }),
    ]);
  });
});

describe("limits and malformed requests", () => {
  it("413 over 1000 files or 16 GiB, before any byte", async () => {
    const many = await postZip(alice, { items: Array.from({ length: 1001 }, () => sub(ids.notes)) });
    expect(many.status).toBe(413);
    // Two sparse 9 GiB files: 18 GiB, over the default limit, costing no disk.
    const relative = stored("submissions/zip-sparse-9g.bin");
    const handle = await fs.open(path.join(storageRoot(), relative), "w");
    await handle.truncate(9 * 1024 ** 3);
    await handle.close();
    const big = kept("FileSubmission", await insertSubmission({ owner: "alice@example.com", file: relative, fileName: "huge.bin", fileSize: 2 ** 31 - 1 }));
    const before = await downloadsOf(ids.counted);
    const total = await postZip(alice, { items: [counted(ids.counted), sub(big), sub(big)] });
    expect(total.status).toBe(413);
    expect(((await total.json()) as { error: string }).error).toMatch(/more than the 17179869184 a zip may hold/);
    expect(await downloadsOf(ids.counted)).toBe(before);
  });

  it("400 for bad JSON, an empty list or a malformed item; 403 for a form post or another site; 405 for other methods", async () => {
    expect((await postZip(alice, "{nope")).status).toBe(400);
    expect((await postZip(alice, { items: [] })).status).toBe(400);
    expect((await postZip(alice, { items: [{ model: "FileSubmission", id: 1 }] })).status).toBe(400);
    expect((await postZip(alice, { items: [sub(ids.notes)] }, { "Content-Type": "application/x-www-form-urlencoded" })).status).toBe(403);
    expect((await postZip(alice, { items: [sub(ids.notes)] }, { Origin: "https://evil.example" })).status).toBe(403);
    expect((await postZip(alice, JSON.stringify({ items: [sub(ids.notes)], name: "x".repeat(300 * 1024) }))).status).toBe(413);
    for (const method of ["HEAD", "PUT", "DELETE"]) {
      const response = await get("/files/zip", { jar: alice, method });
      expect(response.status, method).toBe(405);
    }
  });
});

describe("an aborted zip", () => {
  it("closes the file being read at once and opens no other: no descriptor left, downloadFinished says aborted", async () => {
    const relative = "submissions/zip-abort.bin";
    const target = path.join(storageRoot(), relative);
    stored(await writeStored(relative, randomData(64 * 1024 * 1024)));
    const big = kept("FileSubmission", await insertSubmission({ owner: "alice@example.com", file: relative, fileName: "abort.bin", fileSize: 64 * 1024 * 1024 }));
    const controller = new AbortController();
    const response = await postZip(alice, { items: [sub(big), sub(ids.notes)], name: "aborted" }, {}, controller.signal);
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let received = 0;
    while (received < 2 * 1024 * 1024) received += (await reader.read()).value!.byteLength;
    expect(descriptors(serverPid(), target).onFile).toBe(1);
    controller.abort();
    await reader.cancel().catch(() => undefined);
    expect(await eventually(() => descriptors(serverPid(), target).onFile === 0)).toBe(true);
    let rows: { outcome: string; recordId: string }[] = [];
    expect(
      await eventually(async () => {
        rows = await query(`SELECT "outcome", "recordId" FROM "DownloadEvent" WHERE "archiveName" = 'aborted.zip'`);
        return rows.length > 0;
      }),
    ).toBe(true);
    // The second file never started: no row for it.
    expect(rows).toEqual([{ outcome: "aborted", recordId: String(big) }]);
  });
});
