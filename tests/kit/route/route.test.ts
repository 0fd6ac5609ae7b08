import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parse as parseDisposition } from "content-disposition";
import type { Session } from "next-private-files";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  anyone,
  createPrivateFileRoute,
  definePrivateFiles,
  intId,
  localFileStorage,
  owner,
  preDownload,
  privateModel,
  type DownloadEvent,
  type PrivateFileRoute,
  type PrivateFiles,
} from "next-private-files";
import { SMALL_BODY_BYTES } from "../../../lib/private-files/src/storage/small-body";

// The file route in process: real local storage in a temp directory, records in
// a Map, a fake session getter keyed by the `x-test-user` header.

type Doc = {
  id: number;
  ownerId: number;
  name: string | null;
  file: string | null;
  preview: string | null;
  hidden: string | null;
  open: string | null;
  boom: string | null;
  slow: string | null;
  broken: string | null;
  truthy: string | null;
};

const SIZE = 10_000;
const DATA = randomBytes(SIZE);
const LARGE = randomBytes(SMALL_BODY_BYTES + 1000);
const MTIME = new Date("2024-02-03T04:05:06.000Z");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Created at load time so that field declarations below can name paths in it.
const tmp = mkdtempSync(path.join(os.tmpdir(), "pf-route-"));
const root = path.join(tmp, "root");
let route: PrivateFileRoute;
let plainRoute: PrivateFileRoute;
let files: PrivateFiles<{ docs: typeof docs; other: typeof other }>; // no signInUrl, a custom Retry-After
const records = new Map<number, Doc>();
const failing = new Map<number, Doc>();
let loads = 0;
let failLoads = false;
let failSession = false;

const sessions: Record<string, Session> = {
  alice: { user: { id: "1", name: "Alice", email: "alice@example.com" } },
  bob: { user: { id: "2", name: "Bob", email: "bob@example.com" } },
};

const logged = { warn: [] as { message: string; details?: Record<string, unknown> }[], error: [] as { message: string; details?: Record<string, unknown> }[] };
const logger = {
  warn: (message: string, details?: Record<string, unknown>) => void logged.warn.push({ message, details }),
  error: (message: string, details?: Record<string, unknown>) => void logged.error.push({ message, details }),
};

function doc(id: number, fields: Partial<Doc>): Doc {
  return { id, ownerId: 1, name: null, file: null, preview: null, hidden: null, open: null, boom: null, slow: null, broken: null, truthy: null, ...fields };
}

const docs = privateModel<Doc, number>({
  id: intId,
  load: async (id) => {
    loads++;
    if (failLoads) throw new Error("database is down: secret connection string");
    return records.get(id) ?? null;
  },
}).fields({
  file: { condition: owner("ownerId"), originalName: "name" },
  preview: { attachment: false },
  hidden: { condition: owner("ownerId"), denial: "not-found" },
  open: { condition: anyone },
  boom: {
    condition: () => {
      throw new Error("condition exploded: secret detail");
    },
  },
  slow: {
    condition: async (request, record) => {
      await sleep(10);
      return (request.user as { id?: string } | null)?.id === String(record.ownerId);
    },
  },
  // Its storage root is a file, so opening anything there fails.
  broken: { storage: localFileStorage({ root: path.join(tmp, "not-a-directory") }) },
  truthy: { condition: () => "yes" as unknown as boolean },
});

const other = privateModel<Doc, number>({ id: intId, load: async (id) => failing.get(id) ?? null }).fields({ open: { condition: anyone } });

beforeAll(async () => {
  const write = async (relative: string, data: Uint8Array | string) => {
    const file = path.join(root, relative);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, data);
    await fs.utimes(file, MTIME, MTIME);
  };
  await write("docs/report.bin", DATA);
  await write("fd/fd.bin", LARGE); // larger than SMALL_BODY_BYTES: streamed
  await write("docs/notes.txt", "plain text\n");
  await write("img/photo.png", randomBytes(2000));
  await write("img/page.html", "<script>alert(1)</script>");
  await write("img/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>");
  await write("docs/日本語 ファイル.txt", "unicode");
  await fs.writeFile(path.join(tmp, "outside"), "outside the root");
  await fs.writeFile(path.join(tmp, "not-a-directory"), "a file where a storage root should be");

  records.set(1, doc(1, { name: "Quarterly report.bin", file: "docs/report.bin", preview: "img/photo.png", hidden: "docs/report.bin", open: "docs/report.bin", boom: "docs/report.bin", slow: "docs/report.bin", broken: "docs/report.bin", truthy: "docs/report.bin" }));
  records.set(2, doc(2, { file: "", preview: "img/page.html", open: "docs/notes.txt" }));
  records.set(3, doc(3, { file: null, preview: "img/logo.svg" }));
  records.set(5, doc(5, { file: "docs/missing.bin", name: "missing.bin", open: "docs/日本語 ファイル.txt" }));
  records.set(8, doc(8, { open: "fd/fd.bin" }));
  records.set(7, doc(7, { name: `${"報告書".repeat(40)}.pdf`, file: "docs/report.bin" }));
  records.set(6, doc(6, { file: "../outside", name: "outside", open: "../outside" }));
  failing.set(1, doc(1, { open: "docs/report.bin" }));

  const getSession = async (request: Request) => {
    if (failSession) throw new Error("session store down");
    return sessions[request.headers.get("x-test-user") ?? ""] ?? null;
  };
  files = definePrivateFiles({ models: { docs, other }, getSession, storage: localFileStorage({ root }), signInUrl: "/signin", logger });
  route = createPrivateFileRoute(files);
  plainRoute = createPrivateFileRoute(
    definePrivateFiles({ models: { docs }, getSession, storage: localFileStorage({ root }), retryAfterSeconds: 30, logger }),
  );
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

// Every preDownload event of a test, and every listener connected, disconnected after it.
let events: DownloadEvent<Doc>[];
const listeners: ((event: DownloadEvent<never>) => unknown)[] = [];
function listen(listener: (event: DownloadEvent<Doc>) => unknown, sender: typeof docs | typeof other | undefined = docs): void {
  listeners.push(listener as (event: DownloadEvent<never>) => unknown);
  if (sender) preDownload.connect(listener as (event: DownloadEvent<unknown>) => unknown, { sender: sender as never });
  else preDownload.connect(listener as (event: DownloadEvent<unknown>) => unknown);
}

beforeEach(() => {
  events = [];
  loads = 0;
  failLoads = false;
  failSession = false;
  logged.warn.length = 0;
  logged.error.length = 0;
  listen((event) => void events.push(event));
});

afterEach(() => {
  for (const listener of listeners.splice(0)) preDownload.disconnect(listener);
});

type Options = { user?: keyof typeof sessions; headers?: Record<string, string>; method?: keyof PrivateFileRoute; via?: PrivateFileRoute };

function request(url: string, options: Options = {}): Request {
  const headers = new Headers(options.headers);
  if (options.user) headers.set("x-test-user", options.user);
  return new Request(`http://localhost${url}`, { method: options.method ?? "GET", headers });
}

async function call(url: string, options: Options = {}): Promise<Response> {
  const handler = (options.via ?? route)[options.method ?? "GET"];
  return handler(request(url, options));
}

const body = async (response: Response) => Buffer.from(await response.arrayBuffer());

const REPORT = "/files/docs/file/1/Quarterly%20report.bin";
const HTTP_DATE = MTIME.toUTCString();

describe("granted, whole file: 200", () => {
  it("streams the body with Content-Length and every file header", async () => {
    const response = await call(REPORT, { user: "alice" });
    expect(response.status).toBe(200);
    expect((await body(response)).equals(DATA)).toBe(true);
    const h = response.headers;
    expect(h.get("content-length")).toBe(String(SIZE));
    expect(h.get("content-type")).toBe("application/octet-stream");
    expect(h.get("accept-ranges")).toBe("bytes");
    expect(h.get("etag")).toMatch(/^"[^"]+"$/);
    expect(h.get("last-modified")).toBe(HTTP_DATE);
    expect(h.get("cache-control")).toMatch(/\bprivate\b/);
    expect(h.get("cache-control")).toMatch(/\bno-cache\b/);
    expect(h.get("x-content-type-options")).toBe("nosniff");
    expect(h.get("content-security-policy")).toMatch(/\bsandbox\b/);
    const disposition = parseDisposition(h.get("content-disposition")!);
    expect(disposition.type).toBe("attachment");
    expect(disposition.parameters.filename).toBe("Quarterly report.bin");
  });

  it("sends text with charset=utf-8", async () => {
    const response = await call("/files/docs/open/2/notes.txt");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect((await body(response)).toString()).toBe("plain text\n");
  });

  it("serves a png inline on a field with attachment: false", async () => {
    const response = await call("/files/docs/preview/1/photo.png", { user: "bob" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(parseDisposition(response.headers.get("content-disposition")!).type).toBe("inline");
  });

  it("sends HTML and SVG as attachments even on an inline field", async () => {
    for (const url of ["/files/docs/preview/2/page.html", "/files/docs/preview/3/logo.svg"]) {
      const response = await call(url, { user: "alice" });
      expect(response.status, url).toBe(200);
      expect(parseDisposition(response.headers.get("content-disposition")!).type, url).toBe("attachment");
      expect(response.headers.get("content-security-policy"), url).toMatch(/\bsandbox\b/);
    }
  });

  it("serves a unicode name encoded with encodeURIComponent", async () => {
    const response = await call(`/files/docs/open/5/${encodeURIComponent("日本語 ファイル.txt")}`);
    expect(response.status).toBe(200);
    expect((await body(response)).toString()).toBe("unicode");
    expect(parseDisposition(response.headers.get("content-disposition")!).parameters.filename).toBe("日本語 ファイル.txt");
  });
});

describe("one satisfiable Range: 206", () => {
  it("answers the range with Content-Range and its length", async () => {
    const response = await call(REPORT, { user: "alice", headers: { Range: "bytes=100-199" } });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes 100-199/${SIZE}`);
    expect(response.headers.get("content-length")).toBe("100");
    expect((await body(response)).equals(DATA.subarray(100, 200))).toBe(true);
    expect(response.headers.get("etag")).toMatch(/^"/);
  });

  it("answers a suffix range", async () => {
    const response = await call(REPORT, { user: "alice", headers: { Range: "bytes=-10" } });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes ${SIZE - 10}-${SIZE - 1}/${SIZE}`);
    expect((await body(response)).equals(DATA.subarray(SIZE - 10))).toBe(true);
  });

  it("sends the whole file for several disjoint ranges", async () => {
    const response = await call(REPORT, { user: "alice", headers: { Range: "bytes=0-9,100-109" } });
    expect(response.status).toBe(200);
    expect((await body(response)).equals(DATA)).toBe(true);
  });

  it("honours If-Range with the current ETag", async () => {
    const etag = (await call(REPORT, { method: "HEAD", user: "alice" })).headers.get("etag")!;
    const response = await call(REPORT, { user: "alice", headers: { Range: "bytes=0-9", "If-Range": etag } });
    expect(response.status).toBe(206);
    expect((await body(response)).equals(DATA.subarray(0, 10))).toBe(true);
  });

  it("honours If-Range with the exact Last-Modified date", async () => {
    const response = await call(REPORT, { user: "alice", headers: { Range: "bytes=0-9", "If-Range": HTTP_DATE } });
    expect(response.status).toBe(206);
  });

  it("sends the whole file with 200 for a stale If-Range", async () => {
    for (const ifRange of ['"stale-etag"', new Date(MTIME.getTime() - 60_000).toUTCString()]) {
      const response = await call(REPORT, { user: "alice", headers: { Range: "bytes=0-9", "If-Range": ifRange } });
      expect(response.status, ifRange).toBe(200);
      expect(response.headers.get("content-range")).toBeNull();
      expect((await body(response)).equals(DATA)).toBe(true);
    }
    expect(events.map((e) => e.range)).toEqual([null, null]);
  });
});

describe("unsatisfiable range: 416", () => {
  it("answers 416 with Content-Range: bytes */size and no body, firing no hook", async () => {
    const response = await call(REPORT, { user: "alice", headers: { Range: `bytes=${SIZE}-` } });
    expect(response.status).toBe(416);
    expect(response.headers.get("content-range")).toBe(`bytes */${SIZE}`);
    expect((await body(response)).length).toBe(0);
    expect(events).toEqual([]);
  });
});

describe("conditional requests: 304 only after authorization", () => {
  it("answers 304 for a matching If-None-Match, with validators and no body", async () => {
    const etag = (await call(REPORT, { method: "HEAD", user: "alice" })).headers.get("etag")!;
    const response = await call(REPORT, { user: "alice", headers: { "If-None-Match": etag } });
    expect(response.status).toBe(304);
    expect(response.headers.get("etag")).toBe(etag);
    expect(response.headers.get("cache-control")).toMatch(/\bprivate\b/);
    expect((await body(response)).length).toBe(0);
    expect(events).toEqual([]);
  });

  it("answers 304 for If-Modified-Since at Last-Modified, 200 for an earlier date", async () => {
    expect((await call(REPORT, { user: "alice", headers: { "If-Modified-Since": HTTP_DATE } })).status).toBe(304);
    const earlier = new Date(MTIME.getTime() - 1000).toUTCString();
    expect((await call(REPORT, { user: "alice", headers: { "If-Modified-Since": earlier } })).status).toBe(200);
  });

  it("a denied user sending a matching If-None-Match gets 403, never 304", async () => {
    const etag = (await call(REPORT, { method: "HEAD", user: "alice" })).headers.get("etag")!;
    const response = await call(REPORT, { user: "bob", headers: { "If-None-Match": etag } });
    expect(response.status).toBe(403);
    expect(response.headers.get("etag")).toBeNull();
  });

  it("an anonymous request with matching validators gets 401, never 304", async () => {
    const etag = (await call(REPORT, { method: "HEAD", user: "alice" })).headers.get("etag")!;
    expect((await call(REPORT, { headers: { "If-None-Match": etag } })).status).toBe(401);
    expect((await call(REPORT, { headers: { "If-Modified-Since": HTTP_DATE } })).status).toBe(401);
  });

  it("a hidden field answers 404 rather than 304 to a denied user", async () => {
    const etag = (await call("/files/docs/hidden/1/report.bin", { method: "HEAD", user: "alice" })).headers.get("etag")!;
    expect((await call("/files/docs/hidden/1/report.bin", { user: "bob", headers: { "If-None-Match": etag } })).status).toBe(404);
  });
});

describe("preconditions: 412 (If-Match, If-Unmodified-Since), only after authorization", () => {
  it("answers 412 to an If-Match that names another version, with validators, no body and no preDownload", async () => {
    const etag = (await call(REPORT, { method: "HEAD", user: "alice" })).headers.get("etag")!;
    for (const ifMatch of ['"other"', `W/${etag}`]) {
      const response = await call(REPORT, { user: "alice", headers: { "If-Match": ifMatch } });
      expect(response.status, ifMatch).toBe(412);
      expect(response.headers.get("etag")).toBe(etag);
      expect(response.headers.get("content-type")).toBeNull();
      expect((await body(response)).length).toBe(0);
    }
    expect(events).toEqual([]);
  });

  it("serves the file, and a range of it, when If-Match names this version or *", async () => {
    const etag = (await call(REPORT, { method: "HEAD", user: "alice" })).headers.get("etag")!;
    expect((await call(REPORT, { user: "alice", headers: { "If-Match": etag } })).status).toBe(200);
    expect((await call(REPORT, { user: "alice", headers: { "If-Match": "*" } })).status).toBe(200);
    const part = await call(REPORT, { user: "alice", headers: { "If-Match": etag, Range: "bytes=0-9" } });
    expect(part.status).toBe(206);
    expect((await body(part)).length).toBe(10);
  });

  it("answers 412 to If-Unmodified-Since before Last-Modified, and serves it at Last-Modified", async () => {
    const earlier = new Date(MTIME.getTime() - 1000).toUTCString();
    expect((await call(REPORT, { user: "alice", headers: { "If-Unmodified-Since": earlier } })).status).toBe(412);
    expect((await call(REPORT, { user: "alice", headers: { "If-Unmodified-Since": HTTP_DATE } })).status).toBe(200);
  });

  it("checks preconditions before If-None-Match: a failing If-Match is 412 even with a matching If-None-Match", async () => {
    const etag = (await call(REPORT, { method: "HEAD", user: "alice" })).headers.get("etag")!;
    expect((await call(REPORT, { user: "alice", headers: { "If-Match": '"other"', "If-None-Match": etag } })).status).toBe(412);
    expect((await call(REPORT, { method: "HEAD", user: "alice", headers: { "If-Match": '"other"' } })).status).toBe(412);
  });

  it("a denied user gets 403 and anonymous 401, never 412", async () => {
    expect((await call(REPORT, { user: "bob", headers: { "If-Match": '"other"' } })).status).toBe(403);
    expect((await call(REPORT, { headers: { "If-Match": '"other"' } })).status).toBe(401);
  });
});

describe("HEAD", () => {
  it("has the headers of the GET and an empty body, and fires no preDownload", async () => {
    const head = await call(REPORT, { method: "HEAD", user: "alice" });
    expect(head.status).toBe(200);
    expect((await body(head)).length).toBe(0);
    expect(events).toEqual([]);
    const full = await call(REPORT, { user: "alice" });
    await body(full);
    for (const name of [
      "content-length",
      "content-type",
      "accept-ranges",
      "etag",
      "last-modified",
      "cache-control",
      "x-content-type-options",
      "content-security-policy",
      "content-disposition",
    ]) {
      expect(head.headers.get(name), name).not.toBeNull();
      expect(head.headers.get(name), name).toBe(full.headers.get(name));
    }
    expect(events).toHaveLength(1);
  });

  it("with a Range has the 206 headers and no body, and fires no preDownload", async () => {
    const head = await call(REPORT, { method: "HEAD", user: "alice", headers: { Range: "bytes=0-9" } });
    expect(head.status).toBe(206);
    expect(head.headers.get("content-range")).toBe(`bytes 0-9/${SIZE}`);
    expect(head.headers.get("content-length")).toBe("10");
    expect((await body(head)).length).toBe(0);
    expect(events).toEqual([]);
  });

  it("is denied like a GET, without a sign-in redirect", async () => {
    expect((await call(REPORT, { method: "HEAD", user: "bob" })).status).toBe(403);
    expect((await call(REPORT, { method: "HEAD", headers: { Accept: "text/html" } })).status).toBe(401);
  });
});

describe("anonymous: 401, or a redirect to sign in for a browser navigation", () => {
  it("answers 401 to a fetch without a session", async () => {
    const response = await call(REPORT);
    expect(response.status).toBe(401);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect((await body(response)).includes(DATA.subarray(0, 16))).toBe(false);
  });

  it("redirects a navigation (Accept: text/html) to /signin with the callback URL", async () => {
    const response = await call(`${REPORT}?v=2`, { headers: { Accept: "text/html,application/xhtml+xml" } });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/signin?callbackUrl=${encodeURIComponent(`${REPORT}?v=2`)}`);
  });

  it("redirects a navigation announced by Sec-Fetch-Mode: navigate", async () => {
    const response = await call(REPORT, { headers: { "Sec-Fetch-Mode": "navigate", Accept: "*/*" } });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("location")!, "http://localhost").searchParams.get("callbackUrl")).toBe(REPORT);
  });

  it("does not redirect a fetch that accepts HTML (Sec-Fetch-Mode: cors)", async () => {
    expect((await call(REPORT, { headers: { "Sec-Fetch-Mode": "cors", Accept: "text/html" } })).status).toBe(401);
  });

  it("answers 401 to a navigation when no signInUrl is configured", async () => {
    expect((await call(REPORT, { via: plainRoute, headers: { Accept: "text/html" } })).status).toBe(401);
  });
});

describe("signed in, condition false: 403 (or 404 when the field hides it)", () => {
  it("answers 403 with a generic body", async () => {
    const response = await call(REPORT, { user: "bob" });
    expect(response.status).toBe(403);
    expect((await body(response)).toString()).toBe("Forbidden\n");
    expect(events).toEqual([]);
  });

  it('answers 404 for a field with denial: "not-found", signed in or not', async () => {
    const url = "/files/docs/hidden/1/report.bin";
    expect((await call(url, { user: "alice" })).status).toBe(200);
    expect((await call(url, { user: "bob" })).status).toBe(404);
    expect((await call(url)).status).toBe(404);
    expect((await call(url, { headers: { Accept: "text/html" } })).status).toBe(404);
  });

  it("grants only on a literal true: a truthy non-boolean answer is a denial", async () => {
    expect((await call("/files/docs/truthy/1/report.bin", { user: "alice" })).status).toBe(403);
  });

  it("runs an async condition", async () => {
    expect((await call("/files/docs/slow/1/report.bin", { user: "alice" })).status).toBe(200);
    expect((await call("/files/docs/slow/1/report.bin", { user: "bob" })).status).toBe(403);
  });
});

describe("404", () => {
  it.each([
    ["an unknown model", "/files/nope/file/1/report.bin"],
    ["an unknown field", "/files/docs/nope/1/report.bin"],
    ["a record key that is not a file field", "/files/docs/name/1/report.bin"],
    ["__proto__ as model", "/files/__proto__/file/1/report.bin"],
    ["constructor as model", "/files/constructor/file/1/report.bin"],
    ["hasOwnProperty as model", "/files/hasOwnProperty/file/1/report.bin"],
    ["__proto__ as field", "/files/docs/__proto__/1/report.bin"],
    ["constructor as field", "/files/docs/constructor/1/report.bin"],
    ["a malformed id", "/files/docs/open/abc/report.bin"],
    ["an id with a leading zero", "/files/docs/open/01/report.bin"],
    ["a negative id", "/files/docs/open/-1/report.bin"],
    ["too few segments", "/files/docs/open/1"],
    ["too many segments", "/files/docs/open/1/report.bin/x"],
    ["another base path", "/other/docs/open/1/report.bin"],
    ["a NUL in the name", "/files/docs/open/1/report.bin%00"],
    ["a malformed escape", "/files/docs/open/1/report%zz.bin"],
  ])("%s, without touching the database", async (_label, url) => {
    const response = await call(url, { user: "alice" });
    expect(response.status).toBe(404);
    expect((await body(response)).toString()).toBe("Not Found\n");
    expect(loads).toBe(0);
    expect(events).toEqual([]);
  });

  it.each([
    ["no record", "/files/docs/open/999/report.bin"],
    ["an empty field (\"\")", "/files/docs/file/2/anything"],
    ["an empty field (null)", "/files/docs/file/3/anything"],
    ["a filename that is the stored basename, not the record's name", "/files/docs/file/1/report.bin"],
    ["a filename in another case", "/files/docs/file/1/quarterly%20report.bin"],
    ["a filename with an encoded slash", "/files/docs/open/1/docs%2Freport.bin"],
  ])("%s", async (_label, url) => {
    const response = await call(url, { user: "alice" });
    expect(response.status).toBe(404);
    expect(events).toEqual([]);
  });

  it("a file missing in storage (logged as a warning)", async () => {
    const response = await call("/files/docs/file/5/missing.bin", { user: "alice" });
    expect(response.status).toBe(404);
    expect(events).toEqual([]);
    expect(logged.warn).toHaveLength(1);
  });

  it('a stored path "../outside" is refused with 404 and a logger.warn call', async () => {
    const response = await call("/files/docs/file/6/outside", { user: "alice" });
    expect(response.status).toBe(404);
    expect((await body(response)).toString()).not.toContain("outside the root");
    expect(logged.warn).toHaveLength(1);
    expect(logged.warn[0]!.message).toMatch(/outside the field's folder/);
    expect(events).toEqual([]);
    expect((await call("/files/docs/open/6/outside")).status).toBe(404);
  });
});

describe("other methods: 405", () => {
  it.each(["POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const)("%s answers 405 with Allow: GET, HEAD", async (method) => {
    const response = await call(REPORT, { method, user: "alice" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect(events).toEqual([]);
  });
});

describe("failures: 500 and 503, fail closed", () => {
  it("a condition that throws gives 500 with a generic body, logged, no file bytes", async () => {
    const response = await call("/files/docs/boom/1/report.bin", { user: "alice" });
    expect(response.status).toBe(500);
    const text = (await body(response)).toString();
    expect(text).toBe("Internal Server Error\n");
    expect(logged.error).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it("a preDownload listener that throws gives 500 and no file bytes; later listeners do not run", async () => {
    let later = false;
    listen(() => {
      throw new Error("quota exceeded: secret");
    });
    listen(() => void (later = true));
    const response = await call(REPORT, { user: "alice" });
    expect(response.status).toBe(500);
    const sent = await body(response);
    expect(sent.toString()).toBe("Internal Server Error\n");
    expect(sent.includes(DATA.subarray(0, 16))).toBe(false);
    expect(response.headers.get("content-disposition")).toBeNull();
    expect(later).toBe(false);
    expect(logged.error).toHaveLength(1);
  });

  it("a loader that throws gives 503 with Retry-After and a generic body", async () => {
    failLoads = true;
    const response = await call(REPORT, { user: "alice" });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    const text = (await body(response)).toString();
    expect(text).toBe("Service Unavailable\n");
    expect(text).not.toContain("secret");
    expect(logged.error).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it("uses the configured Retry-After", async () => {
    failLoads = true;
    expect((await call(REPORT, { user: "alice", via: plainRoute })).headers.get("retry-after")).toBe("30");
  });

  it("a session getter that throws gives 503", async () => {
    failSession = true;
    expect((await call(REPORT, { user: "alice" })).status).toBe(503);
  });

  it("a storage that fails gives 503 with Retry-After", async () => {
    const response = await call("/files/docs/broken/1/report.bin", { user: "alice" });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(events).toEqual([]);
  });
});

describe("preDownload", () => {
  it("fires exactly once for a granted GET of the whole file, with the event fields", async () => {
    const req = request(REPORT, { user: "alice" });
    const response = await route.GET(req);
    expect(response.status).toBe(200);
    await body(response);
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event.model).toBe("docs");
    expect(event.field).toBe("file");
    expect(event.recordId).toBe("1");
    expect(event.record).toBe(records.get(1));
    expect(event.request).toBe(req);
    expect(event.session).toBe(sessions.alice);
    expect(event.user).toBe(sessions.alice!.user);
    expect(event.range).toBeNull();
    expect(event.size).toBe(SIZE);
  });

  it("fires once for a 206 with the range asked for", async () => {
    const response = await call(REPORT, { user: "alice", headers: { Range: "bytes=10-19" } });
    expect(response.status).toBe(206);
    expect(events).toHaveLength(1);
    expect(events[0]!.range).toEqual({ start: 10, end: 19 });
    expect(events[0]!.size).toBe(SIZE);
  });

  it("carries null session and user for an anonymous download", async () => {
    expect((await call("/files/docs/open/1/report.bin")).status).toBe(200);
    expect(events).toHaveLength(1);
    expect(events[0]!.session).toBeNull();
    expect(events[0]!.user).toBeNull();
    expect(events[0]!.field).toBe("open");
  });

  it("never fires for HEAD, 304, 416, 401, 403 or 404", async () => {
    const etag = (await call(REPORT, { method: "HEAD", user: "alice" })).headers.get("etag")!;
    const statuses = [
      (await call(REPORT, { user: "alice", headers: { "If-None-Match": etag } })).status,
      (await call(REPORT, { user: "alice", headers: { Range: "bytes=999999-" } })).status,
      (await call(REPORT)).status,
      (await call(REPORT, { user: "bob" })).status,
      (await call("/files/docs/file/1/wrong.bin", { user: "alice" })).status,
      (await call("/files/docs/file/5/missing.bin", { user: "alice" })).status,
    ];
    expect(statuses).toEqual([304, 416, 401, 403, 404, 404]);
    expect(events).toEqual([]);
  });

  it("is not delivered to a listener connected for another model", async () => {
    const seen: unknown[] = [];
    listen((event) => void seen.push(event), other);
    expect((await call(REPORT, { user: "alice" })).status).toBe(200);
    expect(seen).toEqual([]);
    expect((await call("/files/other/open/1/report.bin")).status).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it("awaits listeners in order before the response resolves", async () => {
    const log: { name: string; at: number }[] = [];
    listen(async () => {
      await sleep(50);
      log.push({ name: "slow", at: Date.now() });
    });
    listen(() => void log.push({ name: "next", at: Date.now() }));
    const started = Date.now();
    const response = await call(REPORT, { user: "alice" });
    const resolved = Date.now();
    expect(log.map((entry) => entry.name)).toEqual(["slow", "next"]);
    expect(log[1]!.at).toBeGreaterThanOrEqual(log[0]!.at);
    expect(log[1]!.at).toBeLessThanOrEqual(resolved);
    expect(resolved - started).toBeGreaterThanOrEqual(45);
    expect(response.status).toBe(200);
    expect((await body(response)).equals(DATA)).toBe(true);
  });

  it("a global listener (no sender) fires too", async () => {
    const seen: string[] = [];
    listen((event) => void seen.push(event.model), undefined);
    await call(REPORT, { user: "alice" });
    expect(seen).toEqual(["docs"]);
  });
});

describe("fileUrl", () => {
  it("builds the URL the route serves, each segment percent-encoded", async () => {
    const url = files.fileUrl("docs", "file", records.get(1)!);
    expect(url).toBe(REPORT);
    expect((await call(url, { user: "alice" })).status).toBe(200);
    const unicode = files.fileUrl("docs", "open", records.get(5)!);
    expect((await call(unicode)).status).toBe(200);
  });
  it("serves a record whose original name is 120 CJK characters long", async () => {
    const url = files.fileUrl("docs", "file", records.get(7)!);
    expect((await call(url, { user: "alice" })).status).toBe(200);
  });
});

describe("Range header edge cases through the route", () => {
  it.each(["bytes=abc", "bytes=", "items=abc", "bytes=1-2-3"])("ignores the malformed Range %j and sends the whole file", async (range) => {
    const response = await call(REPORT, { user: "alice", headers: { Range: range } });
    expect(response.status).toBe(200);
    expect((await body(response)).equals(DATA)).toBe(true);
    expect(events.map((e) => e.range)).toEqual([null]);
  });
  it("serves the whole file for a suffix range longer than the file", async () => {
    const response = await call(REPORT, { user: "alice", headers: { Range: `bytes=-${SIZE * 2}` } });
    expect([200, 206]).toContain(response.status);
    expect((await body(response)).equals(DATA)).toBe(true);
  });
});

describe("file descriptors", () => {
  // A file no other test opens, so responses left unread elsewhere do not count.
  const FD = "/files/docs/open/8/fd.bin";
  async function descriptorsOfReport(): Promise<number> {
    const target = await fs.realpath(path.join(root, "fd/fd.bin"));
    let count = 0;
    for (const fd of await fs.readdir("/proc/self/fd")) {
      if ((await fs.readlink(`/proc/self/fd/${fd}`).catch(() => "")) === target) count++;
    }
    return count;
  }

  it("closes the file after HEAD, 304, 416 and a throwing listener", async () => {
    const etag = (await call(FD, { method: "HEAD", user: "alice" })).headers.get("etag")!;
    await call(FD, { user: "alice", headers: { "If-None-Match": etag } });
    await call(FD, { user: "alice", headers: { Range: "bytes=999999-" } });
    listen(() => {
      throw new Error("no");
    });
    expect((await call(FD, { user: "alice" })).status).toBe(500);
    expect(await descriptorsOfReport()).toBe(0);
  });

  it("keeps a large file open only while its body streams", async () => {
    const response = await call(FD, { user: "alice" });
    expect(await descriptorsOfReport()).toBe(1);
    await body(response);
    expect(await descriptorsOfReport()).toBe(0);
  });

  it("reads a small answer (up to SMALL_BODY_BYTES) whole and closes the file before answering", async () => {
    const response = await call(FD, { user: "alice", headers: { Range: `bytes=0-${SMALL_BODY_BYTES - 1}` } });
    expect(response.status).toBe(206);
    expect(await descriptorsOfReport()).toBe(0);
    expect(Buffer.from(await response.arrayBuffer()).equals(LARGE.subarray(0, SMALL_BODY_BYTES))).toBe(true);
  });
});
