// The upload routes' intake (next-private-files/upload): beginUpload authorizes, limits and
// reserves; checkLeadingBytes judges the first bytes; finishUpload checks size and type,
// scans, then makes the record, and on any refusal deletes the bytes, forgets the pending
// upload and tells on.uploadRefused. Real local storage in a temp dir; the scanner is a
// stand-in (the real clamd is tests/kit/scan/clamd.test.ts).
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { definePrivateFiles, intId, localFileStorage, privateModel, UploadTooLargeError, type Session } from "next-private-files";
import {
  abandonUpload,
  beginUpload,
  checkLeadingBytes,
  finishUpload,
  InfectedUploadError,
  memoryPendingUploads,
  QuotaExceededError,
  ScannerUnavailableError,
  storeUpload,
  UnsupportedFileTypeError,
  uploadErrorResponse,
  UploadForbiddenError,
  UploadLimitsUnavailableError,
  UploadMismatchError,
  UploadNotSavedError,
  UploadTargetError,
  UploadUnavailableError,
  type PendingUploadStore,
  type Scanner,
  type UploadRefusedEvent,
} from "next-private-files/upload";

type Doc = { id: number; file: string | null; notes: string | null; plain: string | null };

const PDF = new TextEncoder().encode("%PDF-1.7\n% a pdf\n");
const MARKER = "X5O-MARKER";

let tmp: string;
let stored: Map<string, number>;
let refused: UploadRefusedEvent[];

/** Signed in as the `x-user` header's id; `x-auth-down` makes the getter fail. */
const getSession = async (request: Request): Promise<Session | null> => {
  if (request.headers.has("x-auth-down")) throw new Error("auth down");
  const id = request.headers.get("x-user");
  return id ? { user: { id } } : null;
};

/** A stand-in scanner: infected when the bytes contain MARKER, down when told. */
function markerScanner(state: { down: boolean }): Scanner {
  return {
    async scan(file) {
      const text = await new Response(file).text();
      if (state.down) throw new ScannerUnavailableError("scanner down");
      return text.includes(MARKER) ? { clean: false, signature: "Test.Marker" } : { clean: true };
    },
  };
}

function setup(options: { quotaBytes?: number; pending?: PendingUploadStore; scanner?: Scanner; usedBytes?: (user: string) => Promise<number> } = {}) {
  const docs = privateModel<Doc, number>({ id: intId, load: async () => null }).fields({
    file: {
      uploadTo: "docs",
      allowedTypes: ["application/pdf"],
      upload: { condition: (request) => request.user !== null && request.metadata.deny !== "yes", maxSize: 1000 },
    },
    notes: { uploadTo: "notes", upload: { condition: () => true, quota: false } },
    plain: { uploadTo: "plain" },
  });
  return definePrivateFiles({
    models: { docs },
    getSession,
    storage: localFileStorage({ root: tmp }),
    logger: { warn: () => undefined, error: () => undefined },
    scan: options.scanner,
    uploads: {
      quotaBytes: options.quotaBytes,
      usedBytes: options.usedBytes ?? (async (user) => stored.get(user) ?? 0),
      pending: options.pending ?? memoryPendingUploads(),
    },
    on: { uploadRefused: (event) => void refused.push(event) },
  });
}

const as = (user: string | null, headers: Record<string, string> = {}) =>
  new Request("http://app.test/uploads", { method: "POST", headers: { ...(user ? { "x-user": user } : {}), ...headers } });

/** Writes bytes where a transport would have put them: at the pending upload's key. */
async function land(key: string, bytes: Uint8Array | string): Promise<void> {
  const file = path.join(tmp, key);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, bytes);
}

async function filesOnDisk(): Promise<string[]> {
  const entries = await fs.readdir(tmp, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => path.relative(tmp, path.join(entry.parentPath, entry.name)));
}

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "pf-intake-"));
  stored = new Map();
  refused = [];
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("beginUpload", () => {
  it("reserves an upload under the field's folder, with a random id and key that keep the extension", async () => {
    const pending = memoryPendingUploads();
    const files = setup({ pending });
    const upload = await beginUpload(files, as("7"), { model: "docs", field: "file", name: "Report.PDF", size: 200, metadata: { note: "q3" } }, "tus");
    expect(upload).toMatchObject({ model: "docs", field: "file", user: "7", name: "Report.PDF", size: 200, type: "application/pdf", via: "tus", metadata: { note: "q3" } });
    expect(upload.key).toMatch(/^docs\/[0-9a-f-]{36}\.pdf$/);
    expect(upload.id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(upload.expiresAt.getTime() - upload.createdAt.getTime()).toBe(24 * 3600_000);
    expect(await pending.get(upload.id)).toEqual(upload);
  });

  it("refuses anonymous callers with 401 and those the condition refuses with 403", async () => {
    const files = setup();
    await expect(beginUpload(files, as(null), { model: "docs", field: "file", name: "a.pdf", size: 10 }, "tus")).rejects.toMatchObject({ status: 401 });
    const denied = beginUpload(files, as("7"), { model: "docs", field: "file", name: "a.pdf", size: 10, metadata: { deny: "yes" } }, "tus");
    await expect(denied).rejects.toBeInstanceOf(UploadForbiddenError);
    await expect(denied).rejects.toMatchObject({ status: 403 });
  });

  it("refuses unknown fields and fields without an upload declaration with 404", async () => {
    const files = setup();
    await expect(beginUpload(files, as("7"), { model: "docs", field: "nope", name: "a.pdf", size: 1 }, "tus")).rejects.toBeInstanceOf(UploadTargetError);
    await expect(beginUpload(files, as("7"), { model: "docs", field: "plain", name: "a.txt", size: 1 }, "tus")).rejects.toThrow(/declares no `upload`/);
  });

  it("refuses a declared length over maxSize (413), not a size (400), and a wrong extension (415), reserving nothing", async () => {
    const pending = memoryPendingUploads();
    const files = setup({ pending });
    await expect(beginUpload(files, as("7"), { model: "docs", field: "file", name: "a.pdf", size: 1001 }, "tus")).rejects.toBeInstanceOf(UploadTooLargeError);
    await expect(beginUpload(files, as("7"), { model: "docs", field: "file", name: "a.pdf", size: 1.5 }, "tus")).rejects.toBeInstanceOf(UploadMismatchError);
    await expect(beginUpload(files, as("7"), { model: "docs", field: "file", name: "a.pdf", size: -1 }, "tus")).rejects.toBeInstanceOf(UploadMismatchError);
    await expect(beginUpload(files, as("7"), { model: "docs", field: "file", name: "a.exe", size: 10 }, "tus")).rejects.toBeInstanceOf(UnsupportedFileTypeError);
    expect(await pending.reservedBytes("7", new Date())).toBe(0);
  });

  it("counts stored bytes and other unfinished uploads against the quota, and keeps it exact under concurrency", async () => {
    stored.set("7", 300);
    const files = setup({ quotaBytes: 1000 });
    const begin = () => beginUpload(files, as("7"), { model: "docs", field: "file", name: "a.pdf", size: 100 }, "tus");
    const results = await Promise.allSettled(Array.from({ length: 12 }, begin));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(7);
    const refusal = results.find((result) => result.status === "rejected");
    expect(refusal?.status === "rejected" && refusal.reason).toBeInstanceOf(QuotaExceededError);
    expect(refusal?.status === "rejected" && refusal.reason).toMatchObject({ quotaBytes: 1000, usedBytes: 1000 });
  });

  it("does not count a field declared with quota: false", async () => {
    stored.set("7", 1000);
    const files = setup({ quotaBytes: 1000 });
    await expect(beginUpload(files, as("7"), { model: "docs", field: "notes", name: "n.txt", size: 500 }, "tus")).resolves.toMatchObject({ field: "notes" });
  });

  it("fails closed with 503 when the session or the quota's stores cannot be read", async () => {
    const files = setup({ quotaBytes: 1000, usedBytes: async () => Promise.reject(new Error("db down")) });
    await expect(beginUpload(files, as("7", { "x-auth-down": "1" }), { model: "docs", field: "file", name: "a.pdf", size: 1 }, "tus")).rejects.toBeInstanceOf(UploadUnavailableError);
    await expect(beginUpload(files, as("7"), { model: "docs", field: "file", name: "a.pdf", size: 1 }, "tus")).rejects.toBeInstanceOf(UploadLimitsUnavailableError);
  });
});

describe("checkLeadingBytes", () => {
  it("passes bytes of the named type and refuses others with 415", async () => {
    const files = setup();
    const upload = await beginUpload(files, as("7"), { model: "docs", field: "file", name: "a.pdf", size: 100 }, "tus");
    expect(() => checkLeadingBytes(files, upload, PDF)).not.toThrow();
    expect(() => checkLeadingBytes(files, upload, new TextEncoder().encode("MZ\x90\x00 an exe"))).toThrow(UnsupportedFileTypeError);
  });

  it("lets anything through for a field that takes any type", async () => {
    const files = setup();
    const upload = await beginUpload(files, as("7"), { model: "docs", field: "notes", name: "n.bin", size: 3 }, "tus");
    expect(() => checkLeadingBytes(files, upload, new Uint8Array([0, 1, 2]))).not.toThrow();
  });
});

describe("finishUpload", () => {
  it("makes the record with the stored path, then forgets the pending upload", async () => {
    const pending = memoryPendingUploads();
    const files = setup({ pending, scanner: markerScanner({ down: false }) });
    const upload = await beginUpload(files, as("7"), { model: "docs", field: "file", name: "a.pdf", size: PDF.length, metadata: { note: "x" } }, "tus");
    await land(upload.key, PDF);
    const record = await finishUpload(files, as("7"), upload, async (done) => ({ id: 1, ...done, request: undefined, session: undefined }));
    expect(record).toMatchObject({ id: 1, path: upload.key, originalName: "a.pdf", size: PDF.length, type: "application/pdf", metadata: { note: "x" }, userId: "7", via: "tus" });
    expect(await pending.get(upload.id)).toBeNull();
    expect(await filesOnDisk()).toEqual([upload.key]);
    expect(refused).toEqual([]);
  });

  it("lets only the user who began it finish it: anyone else gets 404 and nothing is deleted", async () => {
    const pending = memoryPendingUploads();
    const files = setup({ pending });
    const upload = await beginUpload(files, as("7"), { model: "docs", field: "file", name: "a.pdf", size: PDF.length }, "tus");
    await land(upload.key, PDF);
    let made = false;
    await expect(finishUpload(files, as("8"), upload, async () => (made = true))).rejects.toBeInstanceOf(UploadTargetError);
    await expect(finishUpload(files, as(null), upload, async () => (made = true))).rejects.toBeInstanceOf(UploadTargetError);
    expect(made).toBe(false);
    expect(await pending.get(upload.id)).not.toBeNull();
    expect(await filesOnDisk()).toEqual([upload.key]);
  });

  const refusals = [
    { name: "a size other than the declared one (400)", bytes: PDF.subarray(0, 10), error: UploadMismatchError, reason: "size-mismatch", status: 400 },
    { name: "bytes that are not the type (415)", bytes: new TextEncoder().encode("GIF89a not a pdf!"), error: UnsupportedFileTypeError, reason: "type-mismatch", status: 415 },
    { name: "malware (422)", bytes: new TextEncoder().encode(`%PDF-1.7 ${MARKER}`), error: InfectedUploadError, reason: "infected", status: 422 },
  ] as const;
  for (const refusal of refusals) {
    it(`refuses ${refusal.name}: bytes deleted, pending upload forgotten, no record, on.uploadRefused told`, async () => {
      const pending = memoryPendingUploads();
      const files = setup({ pending, scanner: markerScanner({ down: false }) });
      const declared = refusal.reason === "size-mismatch" ? PDF.length : refusal.bytes.length;
      const upload = await beginUpload(files, as("7"), { model: "docs", field: "file", name: "a.pdf", size: declared }, "tus");
      await land(upload.key, refusal.bytes);
      let made = false;
      await expect(finishUpload(files, as("7"), upload, async () => (made = true))).rejects.toBeInstanceOf(refusal.error);
      expect(made).toBe(false);
      expect(await filesOnDisk()).toEqual([]);
      expect(await pending.get(upload.id)).toBeNull();
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({ model: "docs", field: "file", via: "tus", userId: "7", name: "a.pdf", reason: refusal.reason, status: refusal.status });
      expect(refused[0]?.signature).toBe(refusal.reason === "infected" ? "Test.Marker" : undefined);
    });
  }

  it("fails closed when the scanner is down: 503, nothing kept", async () => {
    const state = { down: true };
    const pending = memoryPendingUploads();
    const files = setup({ pending, scanner: markerScanner(state) });
    const upload = await beginUpload(files, as("7"), { model: "docs", field: "file", name: "a.pdf", size: PDF.length }, "direct");
    await land(upload.key, PDF);
    await expect(finishUpload(files, as("7"), upload, async () => 1)).rejects.toBeInstanceOf(ScannerUnavailableError);
    expect(await filesOnDisk()).toEqual([]);
    expect(await pending.get(upload.id)).toBeNull();
    expect(refused[0]).toMatchObject({ reason: "scanner-unavailable", status: 503, via: "direct" });
  });

  it("deletes the bytes when onUploadComplete fails (503)", async () => {
    const pending = memoryPendingUploads();
    const files = setup({ pending });
    const upload = await beginUpload(files, as("7"), { model: "docs", field: "file", name: "a.pdf", size: PDF.length }, "tus");
    await land(upload.key, PDF);
    const failing = finishUpload(files, as("7"), upload, async () => Promise.reject(new Error("db down")));
    await expect(failing).rejects.toBeInstanceOf(UploadNotSavedError);
    expect(await filesOnDisk()).toEqual([]);
    expect(await pending.get(upload.id)).toBeNull();
  });

  it("abandonUpload frees the reservation", async () => {
    const pending = memoryPendingUploads();
    const files = setup({ pending, quotaBytes: 1000 });
    const upload = await beginUpload(files, as("7"), { model: "docs", field: "file", name: "a.pdf", size: 900 }, "tus");
    await expect(beginUpload(files, as("7"), { model: "docs", field: "file", name: "b.pdf", size: 200 }, "tus")).rejects.toBeInstanceOf(QuotaExceededError);
    await abandonUpload(files, upload);
    await expect(beginUpload(files, as("7"), { model: "docs", field: "file", name: "b.pdf", size: 200 }, "tus")).resolves.toBeTruthy();
  });
});

describe("storeUpload with a scanner (the multipart path)", () => {
  it("keeps a clean file and deletes an infected one with 422, telling on.uploadRefused", async () => {
    const files = setup({ scanner: markerScanner({ down: false }) });
    const clean = await storeUpload(files, "docs", "file", new File([PDF], "a.pdf"), { user: "7" });
    expect(await filesOnDisk()).toEqual([clean.path]);
    const request = as("7");
    await expect(storeUpload(files, "docs", "file", new File([`%PDF-1.7 ${MARKER}`], "b.pdf"), { user: "7", request })).rejects.toBeInstanceOf(InfectedUploadError);
    expect(await filesOnDisk()).toEqual([clean.path]);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ via: "multipart", reason: "infected", signature: "Test.Marker", userId: "7", user: { id: "7" }, request });
  });

  it("counts unfinished uploads' reservations in the multipart quota", async () => {
    const files = setup({ quotaBytes: 1000 });
    await beginUpload(files, as("7"), { model: "docs", field: "file", name: "big.pdf", size: 990 }, "tus");
    await expect(storeUpload(files, "docs", "file", new File([PDF], "a.pdf"), { user: "7" })).rejects.toBeInstanceOf(QuotaExceededError);
  });
});

describe("uploadErrorResponse", () => {
  it("answers each refusal with its status and JSON, Retry-After on 503, and null for other errors", async () => {
    const cases: [unknown, number][] = [
      [new UnsupportedFileTypeError("no", ["application/pdf"]), 415],
      [new QuotaExceededError(10, 9), 413],
      [new UploadTooLargeError(1000), 413],
      [new InfectedUploadError("Eicar"), 422],
      [new ScannerUnavailableError("down"), 503],
      [new UploadNotSavedError(new Error("x")), 503],
      [new UploadForbiddenError(false), 401],
      [new UploadForbiddenError(true), 403],
      [new UploadTargetError("no such upload"), 404],
      [new UploadMismatchError("short"), 400],
    ];
    for (const [error, status] of cases) {
      const response = uploadErrorResponse(error);
      expect(response?.status, String(error)).toBe(status);
      const body = (await response?.json()) as { error: string };
      expect(typeof body.error).toBe("string");
      expect(response?.headers.get("retry-after")).toBe(status === 503 ? "5" : null);
    }
    const infected = (await uploadErrorResponse(new InfectedUploadError("Eicar"))?.json()) as { signature: string };
    expect(infected.signature).toBe("Eicar");
    expect(uploadErrorResponse(new Error("boom"))).toBeNull();
  });
});

describe("a field's upload declaration", () => {
  it("is checked at declaration: a condition is required and maxSize must be a positive whole number", () => {
    const model = privateModel<Doc, number>({ id: intId, load: async () => null });
    // @ts-expect-error: the condition is required
    expect(() => model.fields({ file: { upload: {} } })).toThrow(/upload.condition must be a function/);
    expect(() => model.fields({ file: { upload: { condition: () => true, maxSize: 0 } } })).toThrow(/upload.maxSize/);
    expect(() => model.fields({ file: { upload: { condition: () => true, maxSize: 1.5 } } })).toThrow(/upload.maxSize/);
  });
});
