// The behaviour every PendingUploadStore must have, as vitest cases: what the upload
// routes and the quota rely on (upload/pending/types.ts states it). The memory store and
// prismaPendingUploadStore (SQLite, PostgreSQL) are run through it in the kit's own tests.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fixturePerCase } from "./fixture.js";
import type { PendingUpload, PendingUploadStore } from "../upload/pending/types.js";

/** What `runPendingUploadStoreContract`'s `make` returns: an empty store, and how to remove it. */
export interface PendingUploadStoreFixture {
  /** The store under test, holding no pending upload. */
  readonly store: PendingUploadStore;
  /**
   * Removes what `make` made; called after each case, also a failed one.
   * Unset: nothing is removed.
   */
  readonly cleanup?: () => Promise<void>;
}

const HOUR = 3600_000;
/** How many reservations of one user race for a quota that fits only some of them. */
const RACERS = 20;

/** A pending upload for the cases; dates are whole milliseconds, as databases keep them. */
function pendingUpload(overrides: Partial<PendingUpload> = {}): PendingUpload {
  const now = Math.floor(Date.now());
  return {
    id: randomBytes(18).toString("base64url"),
    key: `videos/${randomBytes(8).toString("hex")}.mp4`,
    model: "videos",
    field: "file",
    user: "7",
    name: "talk.mp4",
    size: 3 * 1024 ** 3,
    type: "video/mp4",
    via: "tus",
    multipartId: null,
    metadata: { description: "the keynote" },
    createdAt: new Date(now),
    expiresAt: new Date(now + HOUR),
    ...overrides,
  };
}

/**
 * Registers vitest cases (`describe(name, …)`) that check a {@link PendingUploadStore}
 * does what the upload routes rely on: `reserve` then `get` gives the upload back as
 * made (sizes past 2 GiB and the metadata included), `get` of an unknown id is `null`;
 * `reserve` inserts only when `fits` says so, and hands it the bytes of the same user's
 * other unexpired uploads (never another user's, never expired ones); of 20 concurrent
 * reservations by one user against a quota for 7, exactly 7 are made; `setMultipartId`
 * is kept; `remove` forgets (an unknown id is no error); `expired` lists exactly the
 * expired ones, oldest first, up to its limit. `make` runs before each case and must
 * give an empty store; `cleanup` after each.
 * @param name - The suite's name, e.g. `"my pending upload store"`.
 * @param make - Makes an empty store under test, for one case.
 * @example
 * ```ts
 * // tests/pending-uploads.test.ts
 * import { memoryPendingUploads } from "next-private-files/upload";
 * import { runPendingUploadStoreContract } from "next-private-files/testing";
 *
 * runPendingUploadStoreContract("memory pending uploads", () => ({ store: memoryPendingUploads() }));
 * ```
 */
export function runPendingUploadStoreContract(name: string, make: () => PendingUploadStoreFixture | Promise<PendingUploadStoreFixture>): void {
  describe(name, () => {
    const current = fixturePerCase(make);
    const store = () => current().store;
    const always = async () => true;

    it("gives back a reserved upload as it was made; an unknown id is null", async () => {
      const upload = pendingUpload({ metadata: { description: "Ünïcode, \"quoted\"" } });
      expect(await store().reserve(upload, always)).toBe(true);
      expect(await store().get(upload.id)).toEqual(upload);
      expect(await store().get("no-such-upload")).toBeNull();
    });

    it("keeps an upload without a user or a type", async () => {
      const upload = pendingUpload({ user: null, type: undefined, via: "direct", metadata: {} });
      expect(await store().reserve(upload, always)).toBe(true);
      expect(await store().get(upload.id)).toEqual(upload);
    });

    it("inserts nothing when the upload does not fit", async () => {
      const upload = pendingUpload();
      expect(await store().reserve(upload, async () => false)).toBe(false);
      expect(await store().get(upload.id)).toBeNull();
      expect(await store().reservedBytes("7", new Date())).toBe(0);
    });

    it("hands fits the bytes of the user's other unexpired uploads only", async () => {
      const now = Date.now();
      await store().reserve(pendingUpload({ size: 100 }), always);
      await store().reserve(pendingUpload({ size: 20 }), always);
      await store().reserve(pendingUpload({ size: 5000, user: "8" }), always);
      await store().reserve(pendingUpload({ size: 3000, expiresAt: new Date(now - 1000), createdAt: new Date(now - HOUR) }), always);
      const seen: number[] = [];
      await store().reserve(pendingUpload({ size: 1 }), async (reserved) => {
        seen.push(reserved);
        return true;
      });
      expect(seen).toEqual([120]);
      expect(await store().reservedBytes("7", new Date())).toBe(121);
      expect(await store().reservedBytes("8", new Date())).toBe(5000);
      expect(await store().reservedBytes("9", new Date())).toBe(0);
    });

    it(`of ${RACERS} concurrent reservations against a quota for 7, makes exactly 7`, async () => {
      const size = 256 * 1024 ** 2;
      const quota = 7 * size;
      const results = await Promise.all(
        Array.from({ length: RACERS }, () =>
          store().reserve(pendingUpload({ size }), async (reserved) => {
            // A little wait where an app reads its usedBytes: reservations that did not
            // take turns would all count the same bytes here.
            await new Promise((resolve) => setTimeout(resolve, 5));
            return reserved + size <= quota;
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(7);
      expect(await store().reservedBytes("7", new Date())).toBe(quota);
    });

    it("keeps a multipart upload id", async () => {
      const upload = pendingUpload({ via: "direct" });
      await store().reserve(upload, always);
      await store().setMultipartId(upload.id, "mp-123");
      expect((await store().get(upload.id))?.multipartId).toBe("mp-123");
    });

    it("forgets a removed upload; removing an unknown one is no error", async () => {
      const upload = pendingUpload();
      await store().reserve(upload, always);
      await store().remove(upload.id);
      expect(await store().get(upload.id)).toBeNull();
      expect(await store().reservedBytes("7", new Date())).toBe(0);
      await expect(store().remove("no-such-upload")).resolves.toBeUndefined();
    });

    it("lists exactly the expired uploads, oldest first, up to the limit", async () => {
      const now = Date.now();
      const old = (minutes: number) => pendingUpload({ createdAt: new Date(now - minutes * 60_000 - HOUR), expiresAt: new Date(now - minutes * 60_000) });
      const a = old(30);
      const b = old(20);
      const c = old(10);
      for (const upload of [b, c, a, pendingUpload()]) await store().reserve(upload, always);
      expect((await store().expired(new Date(now), 10)).map((upload) => upload.id)).toEqual([a.id, b.id, c.id]);
      expect((await store().expired(new Date(now), 2)).map((upload) => upload.id)).toEqual([a.id, b.id]);
    });
  });
}
