import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  anyone,
  createPrivateFileRoute,
  definePrivateFiles,
  intId,
  localFileStorage,
  privateModel,
} from "next-private-files";
import type { LinkRecord, LinkStore, RecordOf } from "next-private-files";

// The handler's refusals that guard the files, through the route in process: records
// in a Map, real local storage in a temp directory, a link store over a Map.

type Doc = { id: number; file: string | null; name: string | null };
const SECRET = "r".repeat(32);

let tmp: string;
let root: string;
beforeEach(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pf-route-core-")));
  root = path.join(tmp, "root");
  await fs.mkdir(path.join(root, "docs"), { recursive: true });
  await fs.writeFile(path.join(root, "docs", "a.txt"), "the file");
  await fs.writeFile(path.join(tmp, "secret.txt"), "top secret");
  await fs.symlink(path.join(tmp, "secret.txt"), path.join(root, "docs", "escape.txt"));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

function setup(records: Map<number, Doc | undefined>, store?: LinkStore) {
  const logged: { level: string; message: string; details?: Record<string, unknown> }[] = [];
  const logger = {
    warn: (message: string, details?: Record<string, unknown>) => void logged.push({ level: "warn", message, details }),
    error: (message: string, details?: Record<string, unknown>) => void logged.push({ level: "error", message, details }),
  };
  const docs = privateModel<Doc, number>({ id: intId, load: async (id) => records.get(id) as Doc | null }).fields({
    file: { condition: anyone, originalName: "name", ...(store ? { links: { singleUse: true } } : {}) },
  });
  const files = definePrivateFiles({ models: { docs }, getSession: async () => null, storage: localFileStorage({ root }), logger, ...(store ? { links: { secrets: [SECRET], store } } : {}) });
  const route = createPrivateFileRoute(files);
  return { files, logged, get: (url: string) => route.GET(new Request(`http://localhost${url}`)) };
}

describe("the handler refuses with 404", () => {
  it("a record the loader answers undefined for, as well as null", async () => {
    const { get } = setup(new Map([[1, undefined]]));
    const response = await get("/files/docs/file/1/a.txt");
    expect(response.status).toBe(404);
  });

  it("a loader typed as ORMs other than Prisma type theirs (Promise<Doc | undefined>): the record type is Doc, undefined is 404", async () => {
    // Drizzle's findFirst resolves to the row or undefined. (Checked by `npm run typecheck`:
    // with `load` typed to resolve to `R | null` only, R would be `Doc | undefined`, and
    // the condition's `record.name` would not compile.)
    const findFirst = async (id: number): Promise<Doc | undefined> => (id === 1 ? { id: 1, file: "docs/a.txt", name: "a.txt" } : undefined);
    const docs = privateModel({ id: intId, load: findFirst }).fields({ file: { condition: (_request, record) => record.name === "a.txt", originalName: "name" } });
    expectTypeOf<RecordOf<typeof docs>>().toEqualTypeOf<Doc>();
    const route = createPrivateFileRoute(definePrivateFiles({ models: { docs }, getSession: async () => null, storage: localFileStorage({ root }) }));
    expect((await route.GET(new Request("http://localhost/files/docs/file/1/a.txt"))).status).toBe(200);
    expect((await route.GET(new Request("http://localhost/files/docs/file/2/a.txt"))).status).toBe(404);
  });

  it("a record with no stored file, even when it has a display name", async () => {
    const { get } = setup(new Map<number, Doc>([[1, { id: 1, file: null, name: "a.txt" }]]));
    expect((await get("/files/docs/file/1/a.txt")).status).toBe(404);
    expect((await get("/files/docs/file/1/null")).status).toBe(404);
  });

  it("a stored file that is a symlink out of the storage root: 404 (not 503), logged as a warning, no bytes", async () => {
    const { get, logged } = setup(new Map<number, Doc>([[1, { id: 1, file: "docs/escape.txt", name: "escape.txt" }]]));
    const response = await get("/files/docs/file/1/escape.txt");
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("top secret");
    expect(logged).toEqual([{ level: "warn", message: "refused a stored path outside the storage root", details: expect.objectContaining({ model: "docs", field: "file" }) }]);
  });

  it("a record pointing at a missing file, logged with its path", async () => {
    const { get, logged } = setup(new Map<number, Doc>([[1, { id: 1, file: "docs/gone.txt", name: "gone.txt" }]]));
    expect((await get("/files/docs/file/1/gone.txt")).status).toBe(404);
    expect(logged).toEqual([{ level: "warn", message: "record points at a missing file", details: { model: "docs", field: "file", path: "docs/gone.txt" } }]);
  });
});

describe("a single-use link lost in the race to consume it", () => {
  it("gets 410 and not one byte when the store says another request consumed it first", async () => {
    const rows = new Map<string, LinkRecord>();
    const store: LinkStore = {
      create: async (link) => void rows.set(link.id, { ...link, usedAt: null, usedBy: null, revokedAt: null }),
      find: async (id) => rows.get(id) ?? null,
      // Another instance won: the row was unused when read, but the conditional UPDATE lost.
      consume: async () => false,
      release: async () => undefined,
      revoke: async () => false,
      prune: async () => 0,
    };
    const record = { id: 1, file: "docs/a.txt", name: "a.txt" };
    const { files, get } = setup(new Map([[1, record]]), store);
    const url = await files.signedFileUrl("docs", "file", record, { singleUse: true });
    const response = await get(new URL(url, "http://localhost").pathname + new URL(url, "http://localhost").search);
    expect(response.status).toBe(410);
    expect(await response.text()).not.toContain("the file");
  });
});
