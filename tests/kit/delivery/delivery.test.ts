import { randomBytes } from "node:crypto";
import { mkdtempSync, realpathSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Session } from "next-private-files";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  accelRedirectTarget,
  createPrivateFileRoute,
  definePrivateFiles,
  downloadFinished,
  intId,
  localFileStorage,
  preDownload,
  privateModel,
  type DownloadFinishedEvent,
  type FileStorage,
  type PresignOptions,
  type PrivateFileRoute,
} from "next-private-files";

// Delivery modes through the route in process: the route authorizes, counts and
// plans, then hands the bytes to nginx, Apache/lighttpd or the object store.

type Doc = { id: number; file: string; name: string };

const DATA = randomBytes(5000);
const tmp = mkdtempSync(path.join(os.tmpdir(), "pf-delivery-"));
const root = path.join(tmp, "root");
const local = localFileStorage({ root });
const presigned: PresignOptions[] = [];
/** Local files plus presigning, standing in for an object store's `presignedUrl`. */
const presigning: FileStorage = {
  open: (stored) => local.open(stored),
  save: (source, options) => local.save(source, options),
  delete: (stored) => local.delete(stored),
  presignedUrl: async (stored, options) => (presigned.push(options), `https://store.example/${stored}?sig=abc`),
};

const docs = privateModel<Doc, number>({ id: intId, load: async (id) => (id === 1 ? { id, file: "docs/été 2024/report.bin", name: "Report été.pdf" } : null) }).fields({
  file: { uploadTo: "docs", originalName: "name", delivery: { mode: "x-accel-redirect", prefix: "/_protected/" } },
});
const sendfiles = privateModel<Doc, number>({ id: intId, load: async (id) => ({ id, file: "docs/été 2024/report.bin", name: "report.pdf" }) }).fields({
  file: { uploadTo: "docs", originalName: "name", delivery: { mode: "x-sendfile" } },
});
const redirects = privateModel<Doc, number>({ id: intId, load: async (id) => ({ id, file: "docs/été 2024/report.bin", name: "report.pdf" }) }).fields({
  file: { uploadTo: "docs", originalName: "name", storage: presigning, delivery: { mode: "redirect", expiresIn: 30 } },
});
const misconfigured = privateModel<Doc, number>({ id: intId, load: async (id) => ({ id, file: "docs/été 2024/report.bin", name: "report.pdf" }) }).fields({
  file: { uploadTo: "docs", originalName: "name", delivery: { mode: "redirect" } },
});
const quiet = { warn: () => undefined, error: () => undefined };

const alice: Session = { user: { id: "1", name: "Alice", email: "alice@example.com" } };
let route: PrivateFileRoute;
let counted: number;
let finished: DownloadFinishedEvent<unknown>[];
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  await fs.mkdir(path.join(root, "docs", "été 2024"), { recursive: true });
  await fs.writeFile(path.join(root, "docs", "été 2024", "report.bin"), DATA);
  route = createPrivateFileRoute(
    definePrivateFiles({
      models: { docs, sendfiles, redirects },
      getSession: async (request) => (request.headers.has("x-alice") ? alice : null),
      storage: local,
      logger: { warn: () => undefined, error: () => undefined },
    }),
  );
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));
beforeEach(() => {
  counted = 0;
  finished = [];
  presigned.length = 0;
  cleanups.push(preDownload.connect(() => void counted++));
  cleanups.push(downloadFinished.connect((event) => void finished.push(event)));
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const call = (url: string, headers: Record<string, string> = {}, method: "GET" | "HEAD" = "GET") =>
  route[method](new Request(`http://localhost${url}`, { method, headers: { "x-alice": "1", ...headers } }));
const ACCEL = `/files/docs/file/1/${encodeURIComponent("Report été.pdf")}`;

describe("x-accel-redirect", () => {
  it("answers with the internal location, percent-encoded per segment, the file's headers and no body", async () => {
    const response = await call(ACCEL);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-accel-redirect")).toBe("/_protected/docs/%C3%A9t%C3%A9%202024/report.bin");
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toContain("attachment");
    expect(response.headers.get("cache-control")).toContain("private");
    // nginx sets these from the file it sends.
    for (const name of ["content-length", "content-range", "etag", "last-modified", "x-private-files-content-length"]) {
      expect(response.headers.get(name), name).toBeNull();
    }
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    expect(counted).toBe(1);
    await new Promise((r) => setTimeout(r, 10));
    expect(finished.map((e) => [e.outcome, e.bytesSent])).toEqual([["offloaded", 0]]);
  });

  it("hands a Range request over too (nginx answers the 206), reporting the range to preDownload", async () => {
    const ranges: unknown[] = [];
    cleanups.push(preDownload.connect(({ range }) => void ranges.push(range)));
    const response = await call(ACCEL, { Range: "bytes=10-19" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-accel-redirect")).toMatch(/^\/_protected\//);
    expect(ranges).toEqual([{ start: 10, end: 19 }]);
  });

  it("answers HEAD, 304 and 416 itself, without handing over or firing preDownload", async () => {
    const head = await call(ACCEL, {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("x-accel-redirect")).toBeNull();
    expect(head.headers.get("content-length")).toBe("5000");
    const etag = head.headers.get("etag")!;
    expect((await call(ACCEL, { "If-None-Match": etag })).status).toBe(304);
    expect((await call(ACCEL, { Range: "bytes=9999-" })).status).toBe(416);
    expect(counted).toBe(0);
  });

  it("uses nginx's ETag format, so validators agree whoever answers", async () => {
    const stat = await fs.stat(path.join(root, "docs", "été 2024", "report.bin"));
    const head = await call(ACCEL, {}, "HEAD");
    expect(head.headers.get("etag")).toBe(`"${Math.floor(stat.mtimeMs / 1000).toString(16)}-${stat.size.toString(16)}"`);
  });

  it("refuses anonymous requests before anything is handed over", async () => {
    const response = await route.GET(new Request(`http://localhost${ACCEL}`));
    expect(response.status).toBe(401);
    expect(response.headers.get("x-accel-redirect")).toBeNull();
  });

  it.each([
    ["/_protected/", "a/b.bin", "/_protected/a/b.bin"],
    ["/_protected", "a/b c.bin", "/_protected/a/b%20c.bin"],
    ["/x/", "日本/ファイル.txt", "/x/%E6%97%A5%E6%9C%AC/%E3%83%95%E3%82%A1%E3%82%A4%E3%83%AB.txt"],
    ["/x/", "a/%2e%2e.bin", "/x/a/%252e%252e.bin"],
  ])("accelRedirectTarget(%j, %j) = %j", (prefix, stored, target) => {
    expect(accelRedirectTarget(prefix, stored)).toBe(target);
  });
});

describe("x-sendfile", () => {
  it("answers with the file's real absolute path (percent-encoded when not plain ASCII) and no body", async () => {
    const response = await call("/files/sendfiles/file/1/report.pdf");
    expect(response.status).toBe(200);
    const real = realpathSync(path.join(root, "docs", "été 2024", "report.bin"));
    expect(decodeURIComponent(response.headers.get("x-sendfile")!)).toBe(real);
    expect(response.headers.get("x-sendfile")).toMatch(/^[\x21-\x7e]+$/);
    expect(response.headers.get("content-length")).toBeNull();
    expect(counted).toBe(1);
  });
});

describe("redirect", () => {
  it("sends a 302 to the presigned URL, asking the store for the file's type and name", async () => {
    const response = await call("/files/redirects/file/1/report.pdf");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://store.example/docs/été 2024/report.bin?sig=abc");
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(presigned).toEqual([{ expiresIn: 30, contentType: "application/pdf", contentDisposition: "attachment; filename=report.pdf" }]);
    expect(counted).toBe(1);
  });

  it("is refused at start-up on a storage that cannot presign (local files), per field or by default", () => {
    const getSession = async () => null;
    expect(() => definePrivateFiles({ models: { misconfigured }, getSession, storage: local, logger: quiet })).toThrow(
      'misconfigured.file: delivery "redirect" needs a storage that presigns URLs (s3Storage), not local files',
    );
    const plain = privateModel<Doc, number>({ id: intId, load: async () => null }).fields({ file: { uploadTo: "docs" } });
    expect(() => definePrivateFiles({ models: { plain }, getSession, storage: local, delivery: { mode: "redirect" }, logger: quiet })).toThrow(/plain\.file/);
    // The same config is fine once the default storage presigns (plain names no storage of its own).
    expect(() => definePrivateFiles({ models: { plain }, getSession, storage: presigning, delivery: { mode: "redirect" } })).not.toThrow();
  });
});
