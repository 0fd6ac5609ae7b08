import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Session } from "next-private-files";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createPrivateFileRoute,
  definePrivateFiles,
  downloadDenied,
  intId,
  localFileStorage,
  owner,
  preDownload,
  privateModel,
  type DenialEvent,
  type DownloadEvent,
  type LinkRecord,
  type LinkStore,
  type PrivateFileRoute,
  type Refusal,
} from "next-private-files";

// Links through the route in process. The store here is a Map: this file tests the
// route's logic; the real stores (SQLite, PostgreSQL, several instances) are proven
// through next start in tests/integration/links.test.ts.

type Doc = { id: number; ownerId: number; file: string; name: string };

const DATA = randomBytes(10_000);
const SECRET = "unit-link-secret-0123456789abcdef!";
const OLD_SECRET = "unit-old-link-secret-0123456789abcd";
const tmp = mkdtempSync(path.join(os.tmpdir(), "pf-links-"));
const storage = localFileStorage({ root: tmp });
const rows = new Map<number, Doc>([
  [1, { id: 1, ownerId: 1, file: "docs/a.bin", name: "report.pdf" }],
  [2, { id: 2, ownerId: 1, file: "docs/b.bin", name: "other.pdf" }],
]);
const load = async (id: number) => rows.get(id) ?? null;

/** A LinkStore over a Map, for the route's logic (a single thread: consume is atomic). */
function memoryStore(): LinkStore & { rows: Map<string, LinkRecord>; failing: boolean } {
  const rows = new Map<string, LinkRecord>();
  const store = {
    rows,
    failing: false,
    async create(link: Omit<LinkRecord, "usedAt" | "usedBy" | "revokedAt">) {
      rows.set(link.id, { ...link, usedAt: null, usedBy: null, revokedAt: null });
    },
    async find(id: string) {
      if (store.failing) throw new Error("store down");
      return rows.get(id) ?? null;
    },
    async consume(id: string, at: Date, by: string) {
      const row = rows.get(id);
      if (!row || row.usedAt || row.revokedAt || row.expiresAt <= at) return false;
      rows.set(id, { ...row, usedAt: at, usedBy: by });
      return true;
    },
    async release(id: string, usedAt: Date) {
      const row = rows.get(id);
      if (row?.usedAt?.getTime() === usedAt.getTime()) rows.set(id, { ...row, usedAt: null, usedBy: null });
    },
    async revoke(id: string, at: Date) {
      const row = rows.get(id);
      if (row) rows.set(id, { ...row, revokedAt: at });
      return row !== undefined;
    },
    async prune({ expiredBefore, usedBefore }: { expiredBefore: Date; usedBefore: Date }) {
      let removed = 0;
      for (const [id, row] of rows) {
        if (row.expiresAt < expiredBefore || (row.usedAt && row.usedAt < usedBefore)) removed += Number(rows.delete(id));
      }
      return removed;
    },
  };
  return store;
}

const isOwner = owner<Doc>("ownerId");
const docs = privateModel<Doc, number>({ id: intId, load }).fields({
  file: { uploadTo: "docs", condition: isOwner, originalName: "name", links: { signed: true, singleUse: true, maxExpiresIn: 3600 } },
});
const signedOnly = privateModel<Doc, number>({ id: intId, load }).fields({
  file: { uploadTo: "docs", condition: isOwner, originalName: "name", links: { signed: true } },
});
const sessionToo = privateModel<Doc, number>({ id: intId, load }).fields({
  file: { uploadTo: "docs", condition: isOwner, originalName: "name", links: { signed: true, requireSession: true } },
});
const noLinks = privateModel<Doc, number>({ id: intId, load }).fields({
  file: { uploadTo: "docs", condition: isOwner, originalName: "name" },
});
const models = { docs, signedOnly, sessionToo, noLinks };

const alice: Session = { user: { id: "1", name: "Alice", email: "alice@example.com" } };
const bob: Session = { user: { id: "2", name: "Bob", email: "bob@example.com" } };
const getSession = async (request: Request) => (request.headers.get("x-user") === "alice" ? alice : request.headers.get("x-user") === "bob" ? bob : null);
const quiet = { warn: () => undefined, error: () => undefined };

const store = memoryStore();
const files = definePrivateFiles({ models, getSession, storage, links: { secrets: [SECRET, OLD_SECRET], store, resumeWindowSeconds: 60 }, logger: quiet });
const oldFiles = definePrivateFiles({ models, getSession, storage, links: { secrets: [OLD_SECRET], store }, logger: quiet });
const strangerFiles = definePrivateFiles({ models, getSession, storage, links: { secrets: ["another-deployment-secret-0123456789"], store }, logger: quiet });
let route: PrivateFileRoute;
let downloads: DownloadEvent<unknown>[];
let denials: DenialEvent<unknown>[];
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  await fs.mkdir(path.join(tmp, "docs"), { recursive: true });
  await fs.writeFile(path.join(tmp, "docs", "a.bin"), DATA);
  await fs.writeFile(path.join(tmp, "docs", "b.bin"), DATA.subarray(0, 100));
  route = createPrivateFileRoute(files);
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));
beforeEach(() => {
  downloads = [];
  denials = [];
  store.failing = false;
  cleanups.push(preDownload.connect((event) => void downloads.push(event)));
  cleanups.push(downloadDenied.connect((event) => void denials.push(event)));
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const call = (url: string, headers: Record<string, string> = {}, method: "GET" | "HEAD" = "GET") =>
  route[method](new Request(`http://localhost${url}`, { method, headers }));
const record = (id: number) => rows.get(id)!;
const bodyOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe("a signed link", () => {
  it("grants the file without a session: the condition is not asked, the event says it came through the link", async () => {
    const link = await files.createFileLink("docs", "file", record(1), { expiresIn: 600 });
    expect(link.url).toMatch(/^\/files\/docs\/file\/1\/report\.pdf\?token=[A-Za-z0-9_.-]+$/);
    for (const user of [undefined, "bob"]) {
      const response = await call(link.url, user ? { "x-user": user } : {});
      expect(response.status).toBe(200);
      expect((await bodyOf(response)).equals(DATA)).toBe(true);
      expect(response.headers.get("content-disposition")).toBe("attachment; filename=report.pdf");
    }
    expect(downloads.map((event) => event.link)).toEqual([
      { id: link.id, singleUse: false, expiresAt: link.expiresAt, resumed: false, createdBy: null },
      { id: link.id, singleUse: false, expiresAt: link.expiresAt, resumed: false, createdBy: null },
    ]);
    // Without the token, bob is still refused.
    expect((await call(link.url.split("?")[0]!, { "x-user": "bob" })).status).toBe(403);
  });

  it("works like any download: ranges, HEAD, conditional requests", async () => {
    const url = await files.signedFileUrl("docs", "file", record(1));
    const part = await call(url, { Range: "bytes=100-199" });
    expect(part.status).toBe(206);
    expect((await bodyOf(part)).equals(DATA.subarray(100, 200))).toBe(true);
    const head = await call(url, {}, "HEAD");
    expect(head.status).toBe(200);
    expect((await call(url, { "If-None-Match": head.headers.get("etag")! })).status).toBe(304);
    expect(downloads).toHaveLength(1); // HEAD and 304 fire no preDownload
  });

  it("is refused with 403, a short reason and a downloadDenied reason when it is wrong in any way", async () => {
    const link = await files.createFileLink("docs", "file", record(1), { expiresIn: 600 });
    const token = link.url.split("token=")[1]!;
    const [id, expires, kind, sig] = token.split(".") as [string, string, string, string];
    const flipped = sig.slice(0, 10) + (sig[10] === "A" ? "B" : "A") + sig.slice(11);
    const cases: [string, string, string][] = [
      [`/files/docs/file/1/report.pdf?token=${[id, expires, kind, flipped].join(".")}`, "link-invalid", "invalid link"],
      [`/files/docs/file/1/report.pdf?token=${[id, String(Number(expires) + 3600), kind, sig].join(".")}`, "link-invalid", "invalid link"],
      [`/files/docs/file/2/other.pdf?token=${token}`, "link-invalid", "invalid link"], // another record
      [`/files/signedOnly/file/1/report.pdf?token=${token}`, "link-invalid", "invalid link"], // another model
      [`/files/docs/file/1/report.pdf?token=${(await strangerFiles.signedFileUrl("docs", "file", record(1))).split("token=")[1]}`, "link-invalid", "invalid link"], // unknown secret
      [`/files/docs/file/1/report.pdf?token=not-a-token`, "link-malformed", "malformed link"],
      [`/files/docs/file/1/report.pdf?token=`, "link-malformed", "malformed link"],
      [`/files/docs/file/1/report.pdf?token=${"%FF".repeat(3)}`, "link-malformed", "malformed link"],
      [`/files/noLinks/file/1/report.pdf?token=${token}`, "link-not-accepted", "this file cannot be shared by link"],
    ];
    for (const [url, reason, message] of cases) {
      const response = await call(url);
      expect(response.status, url).toBe(403);
      expect(await response.text(), url).toBe(`Forbidden: ${message}\n`);
      expect(response.headers.get("content-disposition"), url).toBeNull();
      expect(denials.at(-1)?.reason, url).toBe(reason);
    }
    expect(downloads).toHaveLength(0);
  });

  it("expires: 403 'link expired' once its time is past", async () => {
    const link = await files.createFileLink("docs", "file", record(1), { expiresIn: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100 - (Date.now() % 1000) + 1000));
    const response = await call(link.url);
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("Forbidden: link expired\n");
    expect(denials.at(-1)?.reason).toBe("link-expired");
  });

  it("dies when the record points at another stored file", async () => {
    const url = await files.signedFileUrl("docs", "file", record(2));
    rows.set(2, { ...record(2), file: "docs/a.bin" });
    try {
      expect((await call(url)).status).toBe(403);
    } finally {
      rows.set(2, { ...record(2), file: "docs/b.bin" });
    }
    expect((await call(url)).status).toBe(200);
  });

  it("keeps working across a secret rotation, as long as the old secret is still listed", async () => {
    const url = await oldFiles.signedFileUrl("docs", "file", record(1));
    expect((await call(url)).status).toBe(200); // route: [SECRET, OLD_SECRET]
    const rotatedOut = createPrivateFileRoute(strangerFiles);
    expect((await rotatedOut.GET(new Request(`http://localhost${url}`))).status).toBe(403);
  });

  it("is revoked: 403 'link revoked' from then on", async () => {
    const link = await files.createFileLink("docs", "file", record(1));
    expect(await files.links.revoke(link.id)).toBe(true);
    const response = await call(link.url);
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("Forbidden: link revoked\n");
    expect(denials.at(-1)?.reason).toBe("link-revoked");
    expect(await files.links.revoke("no-such-link")).toBe(false);
  });

  it("the store has no record of: 403 'unknown link'", async () => {
    const link = await files.createFileLink("docs", "file", record(1));
    store.rows.delete(link.id);
    const response = await call(link.url);
    expect(response.status).toBe(403);
    expect(denials.at(-1)?.reason).toBe("link-unknown");
  });

  it("with requireSession, works for any signed-in user and sends anonymous visitors to 401", async () => {
    const url = await files.signedFileUrl("sessionToo", "file", record(1));
    expect((await call(url, { "x-user": "bob" })).status).toBe(200);
    expect((await call(url)).status).toBe(401);
    expect(denials.at(-1)?.reason).toBe("anonymous");
  });

  it("answers 503 when the store is down, never granting", async () => {
    const url = await files.signedFileUrl("docs", "file", record(1));
    store.failing = true;
    const response = await call(url);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(denials.at(-1)?.reason).toBe("link-error");
  });

  it("answers 500 when no secret is configured, and signedFileUrl throws", async () => {
    const saved = process.env.PRIVATE_FILES_LINK_SECRET;
    delete process.env.PRIVATE_FILES_LINK_SECRET;
    try {
      const unconfigured = definePrivateFiles({ models: { signedOnly }, getSession, storage, logger: quiet });
      await expect(unconfigured.signedFileUrl("signedOnly", "file", record(1))).rejects.toThrow(/PRIVATE_FILES_LINK_SECRET/);
      const token = (await files.signedFileUrl("signedOnly", "file", record(1))).split("token=")[1];
      const response = await createPrivateFileRoute(unconfigured).GET(new Request(`http://localhost/files/signedOnly/file/1/report.pdf?token=${token}`));
      expect(response.status).toBe(500);
    } finally {
      if (saved !== undefined) process.env.PRIVATE_FILES_LINK_SECRET = saved;
    }
  });
});

describe("making links", () => {
  it("refuses a field that does not accept the kind, and lifetimes past maxExpiresIn", async () => {
    await expect(files.signedFileUrl("noLinks", "file", record(1))).rejects.toThrow("noLinks.file does not accept signed links");
    await expect(files.signedFileUrl("signedOnly", "file", record(1), { singleUse: true })).rejects.toThrow("does not accept single-use links");
    await expect(files.signedFileUrl("docs", "file", record(1), { expiresIn: 3601 })).rejects.toThrow(/from 1 to 3600/);
    await expect(files.signedFileUrl("docs", "file", record(1), { expiresIn: 0 })).rejects.toThrow(RangeError);
    await expect(files.signedFileUrl("docs", "file", record(1), { expiresIn: 1.5 })).rejects.toThrow(RangeError);
  });

  it("works as plain functions, destructured", async () => {
    const { signedFileUrl, fileUrl } = files;
    const url = await signedFileUrl("docs", "file", record(1));
    expect(url.startsWith(`${fileUrl("docs", "file", record(1))}?token=`)).toBe(true);
    expect((await call(url)).status).toBe(200);
  });

  it("refuses single-use links without a store at start-up", () => {
    expect(() => definePrivateFiles({ models: { docs }, getSession, storage, links: { secrets: [SECRET] } })).toThrow(
      "docs.file: single-use links need links.store",
    );
  });

  it("records who made the link, and prune drops expired and long-used ones", async () => {
    const link = await files.createFileLink("docs", "file", record(1), { singleUse: true, createdBy: "1" });
    expect(await files.links.find(link.id)).toMatchObject({ model: "docs", field: "file", recordId: "1", singleUse: true, createdBy: "1", usedAt: null });
    const later = new Date(link.expiresAt.getTime() + 1000);
    expect(await files.links.prune(later)).toBeGreaterThanOrEqual(1);
    expect(await files.links.find(link.id)).toBeNull();
  });
});

describe("a single-use link", () => {
  it("grants one download; the next gets 410 Gone", async () => {
    const link = await files.createFileLink("docs", "file", record(1), { singleUse: true, createdBy: "1" });
    const first = await call(link.url);
    expect(first.status).toBe(200);
    expect((await bodyOf(first)).equals(DATA)).toBe(true);
    expect(downloads.at(-1)?.link).toMatchObject({ id: link.id, singleUse: true, resumed: false, createdBy: "1" });
    const second = await call(link.url);
    expect(second.status).toBe(410);
    expect(await second.text()).toBe("Gone: link already used\n");
    expect(denials.at(-1)?.reason).toBe("link-used");
  });

  it("is not spent by HEAD, 304 or 416", async () => {
    const link = await files.createFileLink("docs", "file", record(1), { singleUse: true });
    const head = await call(link.url, {}, "HEAD");
    expect(head.status).toBe(200);
    expect((await call(link.url, { "If-None-Match": head.headers.get("etag")! })).status).toBe(304);
    expect((await call(link.url, { Range: "bytes=99999-" })).status).toBe(416);
    expect((await store.find(link.id))?.usedAt).toBeNull();
    expect((await call(link.url)).status).toBe(200);
  });

  it("lets the client holding the resume cookie resume with Range within the window; nobody else, nothing but a 206", async () => {
    const link = await files.createFileLink("docs", "file", record(1), { singleUse: true });
    const client = { "User-Agent": "aria2/1.37", "X-Forwarded-For": "203.0.113.9" };
    const first = await call(link.url, client);
    expect(first.status).toBe(200);
    await first.body?.cancel(); // the connection broke mid-way
    const setCookie = first.headers.get("set-cookie")!;
    expect(setCookie).toMatch(new RegExp(`^pf-resume-${link.id}=[A-Za-z0-9_-]{43}; Path=/files/docs/file/1/report\\.pdf; Max-Age=60; HttpOnly; SameSite=Lax$`));
    const cookie = { Cookie: `other=1; ${setCookie.split(";")[0]!}` };
    // The store keeps only the cookie's digest.
    const secret = setCookie.split(";")[0]!.split("=")[1]!;
    expect(store.rows.get(link.id)?.usedBy).not.toContain(secret);

    const resumed = await call(link.url, { ...cookie, Range: "bytes=5000-" });
    expect(resumed.status).toBe(206);
    expect(resumed.headers.get("set-cookie")).toBeNull();
    expect((await bodyOf(resumed)).equals(DATA.subarray(5000))).toBe(true);
    expect(downloads.at(-1)?.link).toMatchObject({ resumed: true });
    // Without Range, or with a Range that is not honoured, the whole file never goes out again.
    for (const range of [undefined, "x", "bytes=5-1", "bytes=0-1,5-6", "items=0-5"]) {
      const again = await call(link.url, { ...cookie, ...(range === undefined ? {} : { Range: range }) });
      expect(again.status, `Range ${range}`).toBe(410);
    }
    // If-Range that does not match turns the range into a whole file: refused too.
    expect((await call(link.url, { ...cookie, Range: "bytes=5000-", "If-Range": '"other"' })).status).toBe(410);
    // Whatever else is copied (User-Agent, forwarded address), no cookie, no resume;
    // a cookie of another value, or another link's name, neither.
    expect((await call(link.url, { ...client, Range: "bytes=5000-" })).status).toBe(410);
    expect((await call(link.url, { Cookie: `pf-resume-${link.id}=${"A".repeat(43)}`, Range: "bytes=5000-" })).status).toBe(410);
    expect((await call(link.url, { Cookie: `pf-resume-${"B".repeat(22)}=${secret}`, Range: "bytes=5000-" })).status).toBe(410);
    // Past the window (60 s here), even the cookie is refused.
    const row = store.rows.get(link.id)!;
    store.rows.set(link.id, { ...row, usedAt: new Date(row.usedAt!.getTime() - 61_000) });
    expect((await call(link.url, { ...cookie, Range: "bytes=5000-" })).status).toBe(410);
  });

  it("marks the resume cookie Secure when the site is reached over https", async () => {
    const link = await files.createFileLink("docs", "file", record(1), { singleUse: true });
    const first = await call(link.url, { "X-Forwarded-Proto": "https" });
    expect(first.status).toBe(200);
    await first.body?.cancel();
    expect(first.headers.get("set-cookie")).toMatch(/; Secure$/);
  });

  it("is given back when preDownload fails before the first byte", async () => {
    const link = await files.createFileLink("docs", "file", record(1), { singleUse: true });
    const disconnect = preDownload.connect(() => {
      throw new Error("counter down");
    });
    try {
      expect((await call(link.url)).status).toBe(500);
    } finally {
      disconnect();
    }
    expect((await store.find(link.id))?.usedAt).toBeNull();
    expect((await call(link.url)).status).toBe(200);
  });

  it("is refused once the field stops taking single-use links", async () => {
    const url = await files.signedFileUrl("docs", "file", record(1), { singleUse: true });
    // The same model key, now declared with signed links only.
    const narrowed = createPrivateFileRoute(definePrivateFiles({ models: { docs: signedOnly }, getSession, storage, links: { secrets: [SECRET], store }, logger: quiet }));
    const response = await narrowed.GET(new Request(`http://localhost${url}`));
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("Forbidden: this file cannot be shared by this kind of link\n");
    expect(denials.at(-1)?.reason).toBe("link-not-accepted");
  });
});

describe("refused links for people", () => {
  it("a browser navigation gets the refusalPage with the link's reason and the same status; fetch keeps plain text", async () => {
    const pages: Refusal[] = [];
    const withPage = createPrivateFileRoute(
      definePrivateFiles({
        models,
        getSession,
        storage,
        links: { secrets: [SECRET], store },
        refusalPage: (refusal) => (pages.push(refusal), `<!doctype html><h1>${refusal.status} ${refusal.link?.message ?? ""}</h1>`),
        logger: quiet,
      }),
    );
    const navigate = { "Sec-Fetch-Mode": "navigate", Accept: "text/html" };
    const broken = await withPage.GET(new Request("http://localhost/files/docs/file/1/report.pdf?token=nope", { headers: navigate }));
    expect(broken.status).toBe(403);
    expect(broken.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await broken.text()).toBe("<!doctype html><h1>403 malformed link</h1>");
    expect(pages.at(-1)?.link).toEqual({ reason: "link-malformed", message: "malformed link" });

    const link = await files.createFileLink("docs", "file", record(1), { singleUse: true });
    expect((await withPage.GET(new Request(`http://localhost${link.url}`))).status).toBe(200);
    const used = await withPage.GET(new Request(`http://localhost${link.url}`, { headers: navigate }));
    expect(used.status).toBe(410);
    expect(await used.text()).toBe("<!doctype html><h1>410 link already used</h1>");
    const plain = await withPage.GET(new Request(`http://localhost${link.url}`, { headers: { "Sec-Fetch-Mode": "cors" } }));
    expect(await plain.text()).toBe("Gone: link already used\n");
  });
});
