import { afterEach, describe, expect, it } from "vitest";
import {
  createPrivateFileRoute,
  definePrivateFiles,
  downloadDenied,
  downloadFinished,
  intId,
  preDownload,
  privateModel,
  type FileStorage,
  type OpenedFile,
} from "next-private-files";
import type { LinkRecord, LinkStore } from "next-private-files";
import type { Session } from "next-private-files";

// What the route tells the operator when something fails: one log line per failure, at
// the right level, naming the model and field (and the error), with the answer the
// client gets. Operators alert on these lines, so their wording and context are part of
// the route's behaviour, pinned here; the storage, store and hooks fail on purpose.

type Doc = { id: number; file: string | null; name: string | null };
const SECRET = "l".repeat(32);
const DATA = new TextEncoder().encode("the file's bytes");
const NEVER = new Promise<never>(() => undefined);
const SESSION: Session = { user: { id: "1" } };

interface Faults {
  session?: () => Promise<never>;
  load?: () => Promise<never>;
  condition?: () => Promise<boolean>;
  open?: (stored: string) => Promise<OpenedFile | null>;
  read?: () => Promise<Uint8Array>;
  links?: Partial<LinkStore>;
  secrets?: readonly string[];
  delivery?: "x-sendfile";
  refusalPage?: () => string;
  uploadTo?: string;
}

function fileOf(overrides: Partial<OpenedFile> = {}): OpenedFile {
  return {
    size: DATA.length,
    lastModified: new Date("2026-01-01T00:00:00Z"),
    etag: '"e-1"',
    stream: () => new Blob([DATA]).stream(),
    read: async () => DATA,
    close: async () => undefined,
    ...overrides,
  };
}

function setup(faults: Faults = {}) {
  const logged: { level: "warn" | "error"; message: string; details?: Record<string, unknown> }[] = [];
  const logger = {
    warn: (message: string, details?: Record<string, unknown>) => void logged.push({ level: "warn", message, details }),
    error: (message: string, details?: Record<string, unknown>) => void logged.push({ level: "error", message, details }),
  };
  const storage: FileStorage = {
    open: faults.open ?? (async () => fileOf(faults.read ? { read: faults.read } : {})),
    save: () => Promise.reject(new Error("no uploads here")),
    delete: async () => undefined,
  };
  const rows = new Map<string, LinkRecord>();
  const store: LinkStore = {
    create: async (link) => void rows.set(link.id, { ...link, usedAt: null, usedBy: null, revokedAt: null }),
    find: async (id) => rows.get(id) ?? null,
    consume: async () => true,
    release: async () => undefined,
    revoke: async () => false,
    prune: async () => 0,
    ...faults.links,
  };
  const docs = privateModel<Doc, number>({
    id: intId,
    load: faults.load ?? (async (id) => (id === 1 ? { id, file: "docs/a.txt", name: "a.txt" } : null)),
  }).fields({
    file: {
      originalName: "name",
      condition: faults.condition ?? (async ({ user }) => user !== null),
      links: { signed: true, singleUse: true },
      ...(faults.uploadTo ? { uploadTo: faults.uploadTo } : {}),
      ...(faults.delivery ? { delivery: { mode: faults.delivery } } : {}),
    },
  });
  const files = definePrivateFiles({
    models: { docs },
    getSession: faults.session ?? (async (request) => (request.headers.get("x-user") ? SESSION : null)),
    storage,
    logger,
    timeoutMs: 50,
    links: { secrets: faults.secrets ?? [SECRET], store },
    ...(faults.refusalPage ? { refusalPage: faults.refusalPage } : {}),
  });
  const route = createPrivateFileRoute(files);
  const get = (url = "/files/docs/file/1/a.txt", headers: Record<string, string> = { "x-user": "1" }) => route.GET(new Request(`http://localhost${url}`, { headers }));
  const linkUrl = (singleUse: boolean) => files.signedFileUrl("docs", "file", { id: 1, file: "docs/a.txt", name: "a.txt" }, { singleUse });
  return { logged, get, linkUrl, docs };
}

const at = (model = "docs", field = "file") => expect.objectContaining({ model, field });
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("the route logs each failure once, naming what failed", () => {
  it("the session getter or the loader throwing: 503, 'database or session store failed' with the model and the error", async () => {
    for (const faults of [{ session: () => Promise.reject(new Error("sessions down")) }, { load: () => Promise.reject(new Error("db down")) }]) {
      const { get, logged } = setup(faults);
      expect((await get()).status).toBe(503);
      expect(logged).toEqual([{ level: "error", message: "database or session store failed", details: { model: "docs", error: expect.stringMatching(/Error: (sessions|db) down/) } }]);
    }
  });

  it("the lookup hanging: 503, and the log says which wait timed out", async () => {
    const { get, logged } = setup({ load: () => NEVER });
    expect((await get()).status).toBe(503);
    expect(logged).toEqual([{ level: "error", message: "database or session store failed", details: { model: "docs", error: "TimeoutError: record and session lookup did not answer within 50 ms" } }]);
  });

  it("a condition that throws (500) or hangs (503): 'access denied', with the field and the error", async () => {
    const threw = setup({ condition: () => Promise.reject(new Error("policy service down")) });
    expect((await threw.get()).status).toBe(500);
    expect(threw.logged).toEqual([{ level: "error", message: "condition threw; access denied", details: { model: "docs", field: "file", error: "Error: policy service down" } }]);
    const hung = setup({ condition: () => NEVER });
    expect((await hung.get()).status).toBe(503);
    expect(hung.logged).toEqual([{ level: "error", message: "condition timed out; access denied", details: { model: "docs", field: "file", error: "condition did not answer within 50 ms" } }]);
  });

  it("a link check whose store fails (503) or that has no secret (500), told apart", async () => {
    const down = setup({ links: { find: () => Promise.reject(new Error("store down")) } });
    expect((await down.get(await down.linkUrl(false), {})).status).toBe(503);
    expect(down.logged).toEqual([{ level: "error", message: "link store failed", details: { model: "docs", field: "file", error: "Error: store down" } }]);
    const hung = setup({ links: { find: () => NEVER } });
    expect((await hung.get(await hung.linkUrl(false), {})).status).toBe(503);
    expect(hung.logged).toEqual([{ level: "error", message: "link store failed", details: at() }]);
    expect(hung.logged[0]!.details!.error).toBe("TimeoutError: link check did not answer within 50 ms");
    const url = await setup().linkUrl(false);
    const unsigned = setup({ secrets: [] });
    expect((await unsigned.get(url, {})).status).toBe(500);
    expect(unsigned.logged).toEqual([{ level: "error", message: "links are not configured", details: at() }]);
  });

  it("a record whose field is empty: 404 and nothing logged; one whose path leaves the field's folder: 404 and a warning with the path", async () => {
    for (const record of [{ file: null, name: "a.txt" }, { file: "", name: "a.txt" }]) {
      const { get, logged } = setup({ load: async () => ({ id: 1, ...record }) as never });
      expect((await get()).status).toBe(404);
      expect(logged).toEqual([]);
    }
    const { get, logged } = setup({ load: async () => ({ id: 1, file: "../other/a.txt", name: "a.txt" }) as never, uploadTo: "docs" });
    expect((await get()).status).toBe(404);
    expect(logged).toEqual([{ level: "warn", message: "refused a stored path outside the field's folder", details: { model: "docs", field: "file", path: "../other/a.txt" } }]);
  });

  it("storage that throws on open: 503, 'storage failed'; a missing file: 404, a warning with the path", async () => {
    const failing = setup({ open: () => Promise.reject(new Error("EIO")) });
    expect((await failing.get()).status).toBe(503);
    expect(failing.logged).toEqual([{ level: "error", message: "storage failed", details: { model: "docs", field: "file", error: "Error: EIO" } }]);
    const missing = setup({ open: async () => null });
    expect((await missing.get()).status).toBe(404);
    expect(missing.logged).toEqual([{ level: "warn", message: "record points at a missing file", details: { model: "docs", field: "file", path: "docs/a.txt" } }]);
  });

  it("a small file whose read fails: 503, 'storage failed', and a single-use link is given back", async () => {
    let released = 0;
    const { get, logged, linkUrl, docs } = setup({ read: () => Promise.reject(new Error("EIO on read")), links: { release: async () => void released++ } });
    const outcomes: string[] = [];
    cleanups.push(downloadFinished.connect((event) => void outcomes.push(`${event.outcome} ${event.status} ${event.bytesSent}`), { sender: docs }));
    expect((await get(await linkUrl(true), {})).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(outcomes).toEqual(["failed 503 0"]);
    expect(logged).toEqual([{ level: "error", message: "storage failed", details: { model: "docs", field: "file", error: "Error: EIO on read" } }]);
    expect(released).toBe(1);
  });

  it("consuming a single-use link fails (503) or hangs (503): 'link store failed'", async () => {
    const failing = setup({ links: { consume: () => Promise.reject(new Error("consume failed")) } });
    const reasons: string[] = [];
    cleanups.push(downloadDenied.connect((event) => void reasons.push(event.reason), { sender: failing.docs }));
    expect((await failing.get(await failing.linkUrl(true), {})).status).toBe(503);
    expect(reasons).toEqual(["link-error"]);
    expect(failing.logged).toEqual([{ level: "error", message: "link store failed", details: { model: "docs", field: "file", error: "Error: consume failed" } }]);
    const hung = setup({ links: { consume: () => NEVER } });
    expect((await hung.get(await hung.linkUrl(true), {})).status).toBe(503);
    expect(hung.logged[0]!.details!.error).toBe("TimeoutError: link store did not answer within 50 ms");
  });

  it("a preDownload listener that throws (500) or hangs (503), and a link that cannot be given back afterwards", async () => {
    const threw = setup({ links: { release: () => Promise.reject(new Error("release failed")) } });
    const url = await threw.linkUrl(true);
    cleanups.push(preDownload.connect(() => Promise.reject(new Error("counter down")), { sender: threw.docs }));
    expect((await threw.get(url, {})).status).toBe(500);
    expect(threw.logged).toEqual([
      { level: "error", message: "could not give a single-use link back", details: { model: "docs", field: "file", error: "Error: release failed" } },
      { level: "error", message: "preDownload listener threw; download aborted", details: { model: "docs", field: "file", error: "Error: counter down" } },
    ]);
    const hung = setup();
    cleanups.push(preDownload.connect(() => NEVER, { sender: hung.docs }));
    expect((await hung.get()).status).toBe(503);
    expect(hung.logged).toEqual([{ level: "error", message: "preDownload listener timed out; download aborted", details: { model: "docs", field: "file", error: "preDownload listeners did not answer within 50 ms" } }]);
  });

  it("an offload that cannot be made (x-sendfile without a local path): 500, with the mode; the download is reported failed", async () => {
    const { get, logged, docs } = setup({ delivery: "x-sendfile" });
    const outcomes: string[] = [];
    cleanups.push(downloadFinished.connect((event) => void outcomes.push(`${event.outcome} ${event.status}`), { sender: docs }));
    expect((await get()).status).toBe(500);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(outcomes).toEqual(["failed 500"]);
    expect(logged).toEqual([
      { level: "error", message: "could not hand the download over", details: { model: "docs", field: "file", mode: "x-sendfile", error: expect.stringContaining("x-sendfile needs a storage on this machine") } },
    ]);
  });

  it("a refusal page that throws: the plain refusal, and the status in the log", async () => {
    const { get, logged } = setup({
      refusalPage: () => {
        throw new Error("template broken");
      },
    });
    const response = await get("/files/docs/file/1/a.txt", { "x-user": "1", accept: "text/html", "sec-fetch-mode": "navigate" });
    expect(response.status).toBe(200);
    const refused = await get("/files/docs/file/2/a.txt", { accept: "text/html", "sec-fetch-mode": "navigate" });
    expect(refused.status).toBe(404);
    expect(await refused.text()).toBe("Not Found\n");
    expect(logged).toEqual([{ level: "error", message: "refusalPage threw; answering in plain text", details: { status: 404, error: "Error: template broken" } }]);
  });

  it("downloadDenied and downloadFinished listeners that fail: the answer stands, each failure logged with its model and field", async () => {
    const { get, logged, docs } = setup();
    const durations: number[] = [];
    cleanups.push(downloadFinished.connect((event) => void durations.push(event.durationMs), { sender: docs }));
    cleanups.push(downloadDenied.connect(() => Promise.reject(new Error("audit down")), { sender: docs }));
    cleanups.push(downloadFinished.connect(() => Promise.reject(new Error("audit down")), { sender: docs }));
    expect((await get("/files/docs/file/1/a.txt", {})).status).toBe(401);
    const granted = await get();
    expect(granted.status).toBe(200);
    expect(new Uint8Array(await granted.arrayBuffer())).toEqual(DATA);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logged).toEqual([
      { level: "error", message: "downloadDenied listener failed", details: { model: "docs", field: "file", error: "Error: audit down" } },
      { level: "error", message: "downloadFinished listener failed", details: { model: "docs", field: "file", error: "Error: audit down" } },
    ]);
    // How long the download took: since it started, not since 1970.
    expect(durations).toHaveLength(1);
    expect(durations[0]).toBeGreaterThanOrEqual(0);
    expect(durations[0]).toBeLessThan(10_000);
  });

  it("a downloadDenied listener that hangs: the refusal goes out after timeoutMs, logged", async () => {
    const { get, logged, docs } = setup();
    cleanups.push(downloadDenied.connect(() => NEVER, { sender: docs }));
    expect((await get("/files/docs/file/1/a.txt", {})).status).toBe(401);
    expect(logged).toEqual([{ level: "error", message: "downloadDenied listener failed", details: { model: "docs", field: "file", error: "TimeoutError: downloadDenied listeners did not answer within 50 ms" } }]);
  });
});
