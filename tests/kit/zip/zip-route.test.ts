import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  anyone,
  definePrivateFiles,
  intId,
  localFileStorage,
  owner,
  privateModel,
  type DenialEvent,
  type DownloadEvent,
  type DownloadFinishedEvent,
  type Session,
} from "next-private-files";
import { createZipRoute, zipSelectionUrl, type ZipRoute } from "next-private-files/zip";
import { entryBytes, saveZip, sha256, testZip } from "./support";

// The zip route in process: real local storage in a temp directory, records in a Map,
// sessions by the `x-test-user` header, each answer read back with Debian's unzip.

type Doc = { id: number; ownerId: number; name: string; file: string | null };

const tmp = mkdtempSync(path.join(os.tmpdir(), "pf-zip-route-"));
const root = path.join(tmp, "root");
const records = new Map<number, Doc>();
const sessions: Record<string, Session> = {
  alice: { user: { id: "1", name: "Alice" } },
  bob: { user: { id: "2", name: "Bob" } },
};
const SECRET = "zip-route-test-secret-0123456789abcdef";
const DATA = { report: randomBytes(300_000), notes: Buffer.from("plain text, compressible ".repeat(2000)), photo: randomBytes(5000), big: randomBytes(8 * 1024 * 1024) };

const docs = privateModel<Doc, number>({ id: intId, load: async (id) => records.get(id) ?? null }).fields({
  file: { condition: owner("ownerId"), originalName: "name" },
});
const hidden = privateModel<Doc, number>({ id: intId, load: async (id) => records.get(id) ?? null }).fields({
  file: { condition: owner("ownerId"), originalName: "name", denial: "not-found" },
});
const open = privateModel<Doc, number>({ id: intId, load: async (id) => records.get(id) ?? null }).fields({
  file: { condition: anyone, originalName: "name" },
});

const events = { pre: [] as DownloadEvent<unknown>[], finished: [] as DownloadFinishedEvent<unknown>[], denied: [] as DenialEvent<unknown>[] };
let route: ZipRoute;
let tight: ZipRoute;
let files: ReturnType<typeof makeFiles>;

function makeFiles() {
  return definePrivateFiles({
    models: { docs, hidden, open },
    getSession: async (request: Request) => sessions[request.headers.get("x-test-user") ?? ""] ?? null,
    storage: localFileStorage({ root }),
    links: { secrets: [SECRET] },
    origins: ["http://app.test"],
    logger: { warn: () => undefined, error: () => undefined },
    on: {
      preDownload: (event) => void events.pre.push(event),
      downloadFinished: (event) => void events.finished.push(event),
      downloadDenied: (event) => void events.denied.push(event),
    },
  });
}

const post = (body: unknown, user = "alice", headers: Record<string, string> = {}) =>
  new Request("http://app.test/files/zip", {
    method: "POST",
    headers: { host: "app.test", "content-type": "application/json", "x-test-user": user, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const get = (url: string, user = "alice") => new Request(new URL(url, "http://app.test"), { headers: { host: "app.test", "x-test-user": user } });
const item = (id: number, model = "docs") => ({ model, field: "file", id });
/** The background downloadFinished listeners have run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

beforeAll(async () => {
  await fs.mkdir(path.join(root, "docs"), { recursive: true });
  await fs.writeFile(path.join(root, "docs/report.bin"), DATA.report);
  await fs.writeFile(path.join(root, "docs/notes.txt"), DATA.notes);
  await fs.writeFile(path.join(root, "docs/photo.png"), DATA.photo);
  await fs.writeFile(path.join(root, "docs/big.bin"), DATA.big);
  records.set(1, { id: 1, ownerId: 1, name: "Rapport élève 🎓.bin", file: "docs/report.bin" });
  records.set(2, { id: 2, ownerId: 1, name: "notes.txt", file: "docs/notes.txt" });
  records.set(3, { id: 3, ownerId: 1, name: "Notes.TXT", file: "docs/notes.txt" });
  records.set(4, { id: 4, ownerId: 1, name: "photo.png", file: "docs/photo.png" });
  records.set(5, { id: 5, ownerId: 2, name: "bob.txt", file: "docs/notes.txt" });
  records.set(6, { id: 6, ownerId: 1, name: "gone.txt", file: "docs/missing.txt" });
  records.set(7, { id: 7, ownerId: 1, name: "empty.txt", file: null });
  records.set(8, { id: 8, ownerId: 1, name: "big.bin", file: "docs/big.bin" });
  files = makeFiles();
  route = createZipRoute(files);
  tight = createZipRoute(files, { maxEntries: 2, maxTotalBytes: 310_000, maxBodyBytes: 200 });
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  events.pre.length = 0;
  events.finished.length = 0;
  events.denied.length = 0;
});

describe("a granted zip", () => {
  it("holds each file under a unique UTF-8 name, byte for byte, and passes unzip -t", async () => {
    const response = await route.POST(post({ items: [item(1), item(2), item(3), item(4), item(2)], name: "Mes fichiers" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="Mes fichiers.zip"');
    expect(response.headers.get("cache-control")).toBe("private, no-store, no-transform");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const zip = await saveZip(response);
    const { ok, output, names } = await testZip(zip);
    expect(ok, output).toBe(true);
    expect(names).toEqual(["Rapport élève 🎓.bin", "notes.txt", "Notes (2).TXT", "photo.png", "notes (3).txt"]);
    expect(sha256(await entryBytes(zip, "Rapport élève 🎓.bin"))).toBe(sha256(DATA.report));
    expect(sha256(await entryBytes(zip, "notes (3).txt"))).toBe(sha256(DATA.notes));
    expect(sha256(await entryBytes(zip, "photo.png"))).toBe(sha256(DATA.photo));
  });

  it("fires preDownload and downloadFinished once per entry, each naming the zip", async () => {
    const response = await route.POST(post({ items: [item(1), item(2), item(4)] }));
    await response.arrayBuffer();
    await settle();
    expect(events.pre.map((event) => event.recordId)).toEqual(["1", "2", "4"]);
    const [first] = events.pre;
    expect(first!.archive).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), name: "files.zip", entries: 3, index: 0 });
    expect(new Set(events.pre.map((event) => event.archive!.id)).size).toBe(1);
    expect(events.pre.map((event) => event.archive!.index)).toEqual([0, 1, 2]);
    expect(events.finished.map(({ recordId, outcome, bytesSent, status }) => ({ recordId, outcome, bytesSent, status }))).toEqual([
      { recordId: "1", outcome: "completed", bytesSent: DATA.report.length, status: 200 },
      { recordId: "2", outcome: "completed", bytesSent: DATA.notes.length, status: 200 },
      { recordId: "4", outcome: "completed", bytesSent: DATA.photo.length, status: 200 },
    ]);
    expect(events.denied).toEqual([]);
  });

  it("works from a signed GET selection, and refuses a tampered, expired or missing one", async () => {
    const url = zipSelectionUrl(files, [item(2), item(4)], { name: "two" });
    expect(url).toMatch(/^\/files\/zip\?selection=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const response = await route.GET(get(url));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe("attachment; filename=two.zip");
    expect((await testZip(await saveZip(response))).names).toEqual(["notes.txt", "photo.png"]);

    // Another selection's payload under this one's signature: refused.
    const other = zipSelectionUrl(files, [item(5)]);
    const tampered = `${other.split(".")[0]}.${url.split(".")[1]}`;
    const refused = await route.GET(get(tampered));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "the selection is refused: selection-invalid" });
    expect((await route.GET(get("/files/zip"))).status).toBe(400);
    expect((await route.GET(get("/files/zip?selection=abc"))).status).toBe(403);
    expect(() => zipSelectionUrl(files, [item(2)], { expiresIn: 0 })).toThrow(RangeError);
    expect(() => zipSelectionUrl(files, [])).toThrow(TypeError);
    expect(events.pre).toHaveLength(2);
  });

  it("is not a permission: a signed selection still needs the requester's own access", async () => {
    const url = zipSelectionUrl(files, [item(2)]);
    const response = await route.GET(get(url, "bob"));
    expect(response.status).toBe(403);
    expect(events.pre).toEqual([]);
  });
});

describe("a refused entry", () => {
  it("refuses the whole zip with 403 and the list, before any byte, and fires downloadDenied for it", async () => {
    const response = await route.POST(post({ items: [item(2), item(5), item(4)] }));
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: "some of these files cannot be downloaded",
      refused: [{ index: 1, model: "docs", field: "file", id: "5", reason: "forbidden" }],
    });
    expect(events.pre).toEqual([]);
    expect(events.denied.map(({ recordId, reason, status, archive }) => ({ recordId, reason, status, index: archive?.index }))).toEqual([
      { recordId: "5", reason: "forbidden", status: 403, index: 1 },
    ]);
  });

  it("answers 401 to nobody signed in", async () => {
    const response = await route.POST(post({ items: [item(2), item(4, "open")] }, "nobody"));
    expect(response.status).toBe(401);
    expect((await response.json()).refused).toEqual([{ index: 0, model: "docs", field: "file", id: "2", reason: "forbidden" }]);
    expect(events.denied.map((event) => event.reason)).toEqual(["anonymous"]);
  });

  it("sends a signed-out browser that opens a zip link to sign in, and back to the link", async () => {
    const signInFiles = definePrivateFiles({
      models: { docs },
      getSession: async () => null,
      storage: localFileStorage({ root }),
      links: { secrets: [SECRET] },
      signInUrl: "/signin",
    });
    const url = zipSelectionUrl(signInFiles, [item(2)]);
    const navigation = new Request(new URL(url, "http://app.test"), { headers: { "sec-fetch-mode": "navigate" } });
    const response = await createZipRoute(signInFiles).GET(navigation);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/signin?callbackUrl=${encodeURIComponent(url)}`);
    // fetch and curl get the JSON 401.
    expect((await createZipRoute(signInFiles).GET(new Request(new URL(url, "http://app.test")))).status).toBe(401);
  });

  it("says not-found, as the file route would, for a missing record, an empty field, a missing file, an unknown model and a hidden file; 404 when that is all", async () => {
    const response = await route.POST(post({ items: [item(99), item(7), item(6), { model: "nope", field: "file", id: 1 }, item(5, "hidden"), item(2)] }));
    expect(response.status).toBe(404);
    const { refused } = (await response.json()) as { refused: { index: number; reason: string }[] };
    expect(refused.map(({ index, reason }) => [index, reason])).toEqual([
      [0, "not-found"],
      [1, "not-found"],
      [2, "not-found"],
      [3, "not-found"],
      [4, "not-found"],
    ]);
    // Only the hidden file was a denial (a record that exists, refused by its condition).
    expect(events.denied.map(({ recordId, reason, status }) => [recordId, reason, status])).toEqual([["5", "forbidden", 404]]);
  });
});

describe("limits and malformed requests", () => {
  it("413 over maxEntries, over maxTotalBytes and over maxBodyBytes, before any byte", async () => {
    expect((await tight.POST(post({ items: [item(1), item(2), item(4)] }))).status).toBe(413);
    const total = await tight.POST(post({ items: [item(1), item(2)] }));
    expect(total.status).toBe(413);
    expect((await total.json()).error).toMatch(/more than the 310000/);
    const big = await tight.POST(post({ items: [item(1)], name: "x".repeat(300) }));
    expect(big.status).toBe(413);
    expect(events.pre).toEqual([]);
  });

  it("400 for bad JSON, an empty list, a malformed item; 403 for a body not sent as JSON or from another site", async () => {
    expect((await route.POST(post("{not json"))).status).toBe(400);
    expect((await route.POST(post({ items: [] }))).status).toBe(400);
    expect((await route.POST(post([item(1)]))).status).toBe(400);
    expect((await route.POST(post({ items: [{ model: "docs", field: "file" }] }))).status).toBe(400);
    expect((await route.POST(post({ items: [{ model: "docs", field: "", id: 1 }] }))).status).toBe(400);
    expect((await route.POST(post({ items: [item(1)], name: 5 }))).status).toBe(400);
    expect((await route.POST(post({ items: [item(1)] }, "alice", { "content-type": "text/plain" }))).status).toBe(403);
    const crossSite = await route.POST(post({ items: [item(1)] }, "alice", { origin: "https://evil.example" }));
    expect(crossSite.status).toBe(403);
    expect(events.pre).toEqual([]);
  });

  it("421 for a Host not of the app, 405 for other methods", async () => {
    const misdirected = new Request("http://evil.test/files/zip", { method: "POST", headers: { host: "evil.test", "content-type": "application/json" }, body: "{}" });
    expect((await route.POST(misdirected)).status).toBe(421);
    const head = await route.HEAD(get("/files/zip"));
    expect(head.status).toBe(405);
    expect(head.headers.get("allow")).toBe("GET, POST");
    expect((await route.DELETE(get("/files/zip"))).status).toBe(405);
  });
});

describe("an aborted zip", () => {
  it("closes the current file at once, opens no further one, and reports aborted", async () => {
    const response = await route.POST(post({ items: [item(8), item(2), item(4)] }));
    const reader = response.body!.getReader();
    let received = 0;
    while (received < 1_000_000) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the zip ended before the abort");
      received += value.byteLength;
    }
    await reader.cancel();
    await settle();
    expect(events.pre.map((event) => event.recordId)).toEqual(["8"]);
    expect(events.finished.map(({ recordId, outcome }) => [recordId, outcome])).toEqual([["8", "aborted"]]);
    expect(events.finished[0]!.bytesSent).toBeLessThan(DATA.big.length);
    // No descriptor of this process is left on the file.
    const fds = await fs.readdir("/proc/self/fd");
    const targets = await Promise.all(fds.map((fd) => fs.readlink(`/proc/self/fd/${fd}`).catch(() => "")));
    expect(targets.filter((target) => target.endsWith("big.bin"))).toEqual([]);
  });
});
