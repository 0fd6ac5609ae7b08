import { afterEach, describe, expect, it } from "vitest";
import { definePrivateFiles, intId, preDownload, privateModel, type FileStorage, type OpenedFile, type Session } from "next-private-files";
import { internalsOf } from "../../../../lib/private-files/src/config/define";
import type { Download } from "../../../../lib/private-files/src/route/download";
import { isRejection, type Rejection } from "../../../../lib/private-files/src/route/rejection";
import { authorize, type LinkGrant } from "../../../../lib/private-files/src/route/stages/authorize";
import { deliver } from "../../../../lib/private-files/src/route/stages/deliver";
import { open } from "../../../../lib/private-files/src/route/stages/open";
import { plan, type BytesPlan } from "../../../../lib/private-files/src/route/stages/plan";
import { resolve } from "../../../../lib/private-files/src/route/stages/resolve";

// Each stage on its own: what it hands the next one, and the Rejection (kind and
// denial reason) it returns for each way it stops a download.

type Doc = { id: number; file: string; name: string };
const DATA = new TextEncoder().encode("0123456789");
const ALICE: Session = { user: { id: "1" } };
const NEVER = new Promise<never>(() => undefined);

function fileOf(overrides: Partial<OpenedFile> = {}): OpenedFile {
  return { size: DATA.length, lastModified: new Date("2026-01-01T00:00:00Z"), etag: '"e"', stream: () => new Blob([DATA]).stream(), read: async () => DATA, close: async () => undefined, ...overrides };
}

interface Options {
  load?: () => Promise<Doc | null>;
  condition?: () => Promise<boolean>;
  hidden?: boolean;
  open?: () => Promise<OpenedFile | null>;
}

function configOf(options: Options = {}) {
  const storage: FileStorage = { open: options.open ?? (async () => fileOf()), save: () => Promise.reject(new Error("unused")), delete: async () => undefined };
  const docs = privateModel<Doc, number>({ id: intId, load: options.load ?? (async (id) => (id === 1 ? { id, file: "docs/a.txt", name: "a.txt" } : null)) }).fields({
    file: {
      originalName: "name",
      ...(options.condition ? { condition: options.condition } : {}),
      ...(options.hidden ? { denial: "not-found" as const } : {}),
      links: { signed: true },
    },
  });
  const files = definePrivateFiles({
    models: { docs },
    getSession: async (request) => (request.headers.has("x-alice") ? ALICE : null),
    storage,
    timeoutMs: 30,
    logger: { warn: () => undefined, error: () => undefined },
    links: { secrets: ["s".repeat(32)] },
  });
  return { config: internalsOf(files).config, docs };
}

const request = (path = "/files/docs/file/1/a.txt", headers: Record<string, string> = {}) => new Request(`http://localhost${path}`, { headers });
const summary = (value: unknown) => (isRejection(value) ? { kind: value.kind, denial: value.denial } : value);

async function resolved(options: Options = {}, path?: string, headers?: Record<string, string>): Promise<Download> {
  const download = await resolve(configOf(options).config, request(path, headers));
  if (isRejection(download)) throw new Error(`resolve rejected: ${download.kind}`);
  return download;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("resolve: URL to declaration, record and session", () => {
  it("hands on the record, session and log context", async () => {
    const download = await resolved({}, "/files/docs/file/1/a.txt", { "x-alice": "1" });
    expect(download.party).toMatchObject({ model: "docs", field: "file", recordId: "1", session: ALICE, user: ALICE.user });
    expect([download.storedPath, download.name, download.log.model, download.log.field]).toEqual(["docs/a.txt", "a.txt", "docs", "file"]);
  });

  it("a bad path, unknown model or field, bad id or missing record: not-found, no denial; a failing lookup: unavailable", async () => {
    const { config } = configOf();
    for (const path of ["/files/docs/file/1", "/files/nope/file/1/a.txt", "/files/docs/nope/1/a.txt", "/files/docs/file/x/a.txt", "/files/docs/file/2/a.txt"]) {
      expect(summary(await resolve(config, request(path)))).toEqual({ kind: "not-found", denial: undefined });
    }
    expect(summary(await resolve(configOf({ load: () => Promise.reject(new Error("db down")) }).config, request()))).toEqual({ kind: "unavailable", denial: undefined });
    expect(summary(await resolve(configOf({ load: () => NEVER }).config, request()))).toEqual({ kind: "unavailable", denial: undefined });
  });
});

describe("authorize: the condition or the link", () => {
  it("granted by the condition: null (no link)", async () => {
    expect(await authorize(await resolved({}, undefined, { "x-alice": "1" }))).toBeNull();
  });

  it("refused: unauthenticated (back to the URL with its query) or forbidden; a field that hides its files: not-found with the reason", async () => {
    const anonymous = await authorize(await resolved({}, "/files/docs/file/1/a.txt?download=1"));
    expect(summary(anonymous)).toEqual({ kind: "unauthenticated", denial: "anonymous" });
    expect((anonymous as Extract<Rejection, { kind: "unauthenticated" }>).returnTo).toBe("/files/docs/file/1/a.txt?download=1");
    expect(summary(await authorize(await resolved({ condition: async () => false }, undefined, { "x-alice": "1" })))).toEqual({ kind: "forbidden", denial: "forbidden" });
    expect(summary(await authorize(await resolved({ hidden: true })))).toEqual({ kind: "not-found", denial: "anonymous" });
    expect(summary(await authorize(await resolved({ hidden: true, condition: async () => false }, undefined, { "x-alice": "1" })))).toEqual({ kind: "not-found", denial: "forbidden" });
  });

  it("a condition that throws: failed (condition-error); one that hangs: unavailable (condition-timeout)", async () => {
    expect(summary(await authorize(await resolved({ condition: () => Promise.reject(new Error("x")) })))).toEqual({ kind: "failed", denial: "condition-error" });
    expect(summary(await authorize(await resolved({ condition: () => NEVER })))).toEqual({ kind: "unavailable", denial: "condition-timeout" });
  });

  it("a bad link: link-refused with its reason", async () => {
    expect(summary(await authorize(await resolved({}, "/files/docs/file/1/a.txt?token=garbage")))).toEqual({ kind: "link-refused", denial: "link-malformed" });
  });
});

describe("open: the name, then the storage", () => {
  it("a wrong name: not-found; storage that throws: unavailable; a missing file: not-found; none a denial", async () => {
    expect(summary(await open(await resolved({}, "/files/docs/file/1/b.txt")))).toEqual({ kind: "not-found", denial: undefined });
    expect(summary(await open(await resolved({ open: () => Promise.reject(new Error("EIO")) })))).toEqual({ kind: "unavailable", denial: undefined });
    expect(summary(await open(await resolved({ open: async () => null })))).toEqual({ kind: "not-found", denial: undefined });
    expect(isRejection(await open(await resolved()))).toBe(false);
  });
});

describe("plan: 304/412/416/206/200, and a resumed link must be a 206", () => {
  const resumed: LinkGrant = { granted: true, consume: false, use: { id: "l1", singleUse: true, expiresAt: new Date(Date.now() + 60_000), resumed: true, createdBy: null } };
  it("a resumed link without a satisfiable Range: link-refused (link-used); with one: the 206 plan", async () => {
    expect(summary(plan(await resolved(), fileOf(), resumed))).toEqual({ kind: "link-refused", denial: "link-used" });
    const ranged = plan(await resolved({}, undefined, { range: "bytes=2-4" }), fileOf(), resumed);
    expect(isRejection(ranged) ? ranged.kind : ranged.status).toBe(206);
  });
});

describe("deliver: preDownload, then the delivery mode", () => {
  async function planned(download: Download): Promise<BytesPlan> {
    const result = plan(download, fileOf(), null);
    if (isRejection(result) || result.send !== "bytes") throw new Error("expected a bytes plan");
    return result;
  }

  it("a preDownload listener that throws: failed", async () => {
    const download = await resolved();
    cleanups.push(preDownload.connect(() => Promise.reject(new Error("no"))));
    expect(summary(await deliver(download, fileOf(), await planned(download), null, null))).toEqual({ kind: "failed", denial: undefined });
  });

  it("a preDownload listener that hangs: unavailable", async () => {
    const download = await resolved();
    cleanups.push(preDownload.connect(() => NEVER));
    expect(summary(await deliver(download, fileOf(), await planned(download), null, null))).toEqual({ kind: "unavailable", denial: undefined });
  });

  it("a read that fails: unavailable", async () => {
    const download = await resolved();
    const failing = fileOf({ read: () => Promise.reject(new Error("EIO")) });
    expect(summary(await deliver(download, failing, await planned(download), null, null))).toEqual({ kind: "unavailable", denial: undefined });
  });

  it("granted: the planned answer with the bytes", async () => {
    const download = await resolved();
    const answer = await deliver(download, fileOf(), await planned(download), null, null);
    if (isRejection(answer)) throw new Error(`rejected: ${answer.kind}`);
    expect(answer.status).toBe(200);
    expect(new Uint8Array(await answer.arrayBuffer())).toEqual(DATA);
  });
});
