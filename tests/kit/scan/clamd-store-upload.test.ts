import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { definePrivateFiles, intId, localFileStorage, privateModel } from "next-private-files";
import { clamdScanner } from "next-private-files/clamav";
import { InfectedUploadError, ScannerUnavailableError, storeUpload, uploadErrorResponse, type Scanner } from "next-private-files/upload";
import { startClamd, type TestClamd } from "../../support/clamd";

// The multipart path (storeUpload) with clamdScanner on a real clamd: EICAR is refused with
// 422 and leaves nothing on disk, a clean file is kept, a clamd that is not there fails
// closed with 503 and leaves nothing either; on.uploadRefused hears of both refusals.

type Doc = { id: number; doc: string | null };
let clamd: TestClamd;
let root: string;
let refused: { reason: string; signature: string | undefined; status: number; name: string }[];

beforeAll(async () => {
  clamd = await startClamd();
}, 60_000);
afterAll(async () => {
  await clamd?.stop();
});
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "pf-scan-upload-"));
  refused = [];
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function filesWith(scan: Scanner) {
  const model = privateModel<Doc, number>({ id: intId, load: async () => null }).fields({ doc: { uploadTo: "docs" } });
  return definePrivateFiles({
    models: { model },
    getSession: async () => null,
    storage: localFileStorage({ root }),
    scan,
    logger: { error: () => undefined, warn: () => undefined },
    on: { uploadRefused: (event) => void refused.push({ reason: event.reason, signature: event.signature, status: event.status, name: event.name }) },
  });
}

async function filesOnDisk(): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name);
}

describe("storeUpload with clamdScanner on a real clamd", () => {
  it("keeps a clean file", async () => {
    const files = filesWith(clamdScanner({ socketPath: clamd.socketPath }));
    const stored = await storeUpload(files, "model", "doc", new File(["an ordinary note\n"], "note.txt"));
    expect(stored.size).toBe(17);
    expect(await filesOnDisk()).toHaveLength(1);
    expect(refused).toEqual([]);
  });

  it("refuses EICAR with 422, deletes it, and tells on.uploadRefused", async () => {
    const files = filesWith(clamdScanner({ socketPath: clamd.socketPath }));
    const error = await storeUpload(files, "model", "doc", new File([clamd.eicar], "eicar.com.txt")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfectedUploadError);
    expect((error as InfectedUploadError).signature).toBe(clamd.eicarSignature);
    expect(await filesOnDisk()).toEqual([]);
    expect(refused).toEqual([{ reason: "infected", signature: clamd.eicarSignature, status: 422, name: "eicar.com.txt" }]);
    const response = uploadErrorResponse(error)!;
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ signature: clamd.eicarSignature });
  });

  it("fails closed with 503 when clamd is not there, keeping nothing", async () => {
    const files = filesWith(clamdScanner({ socketPath: path.join(root, "no-clamd.sock") }));
    const error = await storeUpload(files, "model", "doc", new File(["an ordinary note\n"], "note.txt")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScannerUnavailableError);
    expect(await filesOnDisk()).toEqual([]);
    expect(refused).toEqual([{ reason: "scanner-unavailable", signature: undefined, status: 503, name: "note.txt" }]);
    const response = uploadErrorResponse(error)!;
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("5");
  });
});
