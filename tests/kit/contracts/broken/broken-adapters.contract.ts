// Adapters each broken in one way, through the contract suites: run only by
// contracts-catch-breakage.test.ts (its own vitest config; the kit project's include
// never matches this file), which asserts that each one fails exactly where expected.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { localFileStorage, UploadTooLargeError, type FileStorage, type LinkRecord, type LinkStore } from "next-private-files";
import { runFileStorageContract, runLinkStoreContract } from "next-private-files/testing";
import Database from "better-sqlite3";
import { drizzleLinkStore, privateFileLinksSqlite } from "next-private-files/drizzle";
import { drizzleBetterSqlite3, eq } from "../../support/drizzle-drivers";
import { memoryLinkStore } from "../../support/memory-link-store";
import { shippedSchema } from "../../support/shipped-schema";

type MemoryStore = LinkStore & { readonly rows: Map<string, LinkRecord> };
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

function brokenStore(name: string, change: (store: MemoryStore) => Partial<LinkStore>): void {
  runLinkStoreContract(name, () => {
    const store = memoryLinkStore();
    return { store: { ...store, ...change(store) } };
  });
}

// A read, then a write after an await: concurrent calls all see the link unused.
brokenStore("NONATOMIC", (s) => ({
  async consume(id, at, by) {
    const row = s.rows.get(id);
    if (!row || row.usedAt || row.revokedAt || row.expiresAt <= at) return false;
    await tick();
    s.rows.set(id, { ...row, usedAt: at, usedBy: by });
    return true;
  },
}));
// Still works at expiresAt.
brokenStore("EXPIRY_INCLUSIVE", (s) => ({
  async consume(id, at, by) {
    const row = s.rows.get(id);
    if (!row || row.usedAt || row.revokedAt || row.expiresAt < at) return false;
    s.rows.set(id, { ...row, usedAt: at, usedBy: by });
    return true;
  },
}));
// Gives back whatever consume happened.
brokenStore("RELEASE_ANY", (s) => ({
  async release(id) {
    const row = s.rows.get(id);
    if (row) s.rows.set(id, { ...row, usedAt: null, usedBy: null });
  },
}));
// Forgets used links.
brokenStore("PRUNE_EXPIRED_ONLY", (s) => ({
  async prune({ expiredBefore }) {
    let removed = 0;
    for (const [id, row] of s.rows) if (row.expiresAt < expiredBefore) removed += Number(s.rows.delete(id));
    return removed;
  },
}));
// Says yes to an unknown id.
brokenStore("REVOKE_ALWAYS_TRUE", (s) => ({
  async revoke(id, at) {
    const row = s.rows.get(id);
    if (row) s.rows.set(id, { ...row, revokedAt: at });
    return true;
  },
}));

// The real drizzleLinkStore on SQLite with consume done as a read, then a write: on a
// real database too, concurrent calls all read the link unused before any writes it.
runLinkStoreContract("DRIZZLE_READ_THEN_WRITE", () => {
  const sqlite = new Database(":memory:");
  sqlite.exec(shippedSchema("drizzle/private-file-links.sqlite.sql"));
  const db = drizzleBetterSqlite3(sqlite);
  const table = privateFileLinksSqlite;
  const store = drizzleLinkStore({ db, table });
  return {
    store: {
      ...store,
      async consume(id, at, by) {
        const row = await store.find(id);
        if (!row || row.usedAt || row.revokedAt || row.expiresAt <= at) return false;
        await db.update(table).set({ usedAt: at, usedBy: by }).where(eq(table.id, id));
        return true;
      },
    },
    cleanup: async () => void sqlite.close(),
  };
});

function brokenStorage(name: string, change: (storage: FileStorage) => Partial<FileStorage>): void {
  runFileStorageContract(name, async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), "pf-broken-"));
    const local = localFileStorage({ root });
    const storage: FileStorage = { open: (p) => local.open(p), save: (s, o) => local.save(s, o), delete: (p) => local.delete(p), ...change(local) };
    return {
      storage,
      listFiles: async () => (await fs.readdir(root, { recursive: true, withFileTypes: true })).filter((e) => !e.isDirectory()).map((e) => path.join(e.parentPath, e.name)),
      cleanup: () => fs.rm(root, { recursive: true, force: true }),
    };
  });
}

// Reads from the range's start to the end of the file.
brokenStorage("RANGE_END_IGNORED", (s) => ({
  async open(p) {
    const file = await s.open(p);
    if (!file) return null;
    return {
      size: file.size,
      lastModified: file.lastModified,
      etag: file.etag,
      stream: (range) => file.stream(range && { start: range.start, end: file.size - 1 }),
      close: () => file.close(),
    };
  },
}));
// Keeps uploads of any size.
brokenStorage("NO_LIMIT", (s) => ({ save: (source, options) => s.save(source, { ...options, maxBytes: Number.MAX_SAFE_INTEGER }) }));
// Refuses the upload but keeps a file of it.
brokenStorage("LEAVES_PART", (s) => ({
  async save(source, options) {
    try {
      return await s.save(source, options);
    } catch (error) {
      if (error instanceof UploadTooLargeError) await s.save(new Blob(["half"]).stream(), { ...options, maxBytes: 10 });
      throw error;
    }
  },
}));
// Throws for a missing file instead of null.
brokenStorage("MISSING_THROWS", (s) => ({
  async open(p) {
    const file = await s.open(p);
    if (!file) throw new Error("ENOENT");
    return file;
  },
}));
// Swallows UnsafeStoredPathError.
brokenStorage("NO_PATH_CHECK", (s) => ({
  async open(p) {
    try {
      return await s.open(p);
    } catch {
      return null;
    }
  },
}));
// Deletes nothing (and so refuses no path either).
brokenStorage("DELETE_NOOP", () => ({ async delete() {} }));
// A presigned URL that serves nothing.
brokenStorage("BAD_PRESIGN", () => ({ presignedUrl: async () => "http://127.0.0.1:9/nothing" }));
