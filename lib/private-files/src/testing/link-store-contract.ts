// The behaviour every LinkStore must have, as vitest cases: what signed and single-use
// links rely on (links/store.ts states it). prismaLinkStore and the tests' memory store
// are run through it in the kit's own tests.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fixturePerCase } from "./fixture.js";
import type { LinkRecord, LinkStore, NewLink } from "../links/store.js";

/** What `runLinkStoreContract`'s `make` returns: an empty store, and how to remove it. */
export interface LinkStoreFixture {
  /** The store under test, holding no link (prune's counts are checked exactly). */
  readonly store: LinkStore;
  /**
   * Removes what `make` made (drops the rows, closes the connection); called after each
   * case, also a failed one.
   * Unset: nothing is removed.
   */
  readonly cleanup?: () => Promise<void>;
}

/** How many consume calls race for one single-use link. */
const RACERS = 50;
const MINUTE = 60_000;

/**
 * Registers vitest cases (`describe(name, …)`) that check a {@link LinkStore} does what
 * links rely on: `create` then `find` gives the link back as made (unused, unrevoked),
 * `find` of an unknown id is `null`; `consume` marks a live single-use link used once,
 * and of 50 concurrent calls exactly one gets `true`; an expired (at `expiresAt` or
 * later), revoked or unknown link is never consumed; `release` undoes a consume only
 * for the `usedAt` it was given; `revoke` marks the link and is `false` for an unknown
 * id; `prune` deletes exactly the links that expired, or were used, before its cutoffs,
 * and counts them. `make` is called before each case and must give an empty store;
 * `cleanup` runs after each. Import it in a test file that vitest runs (vitest is an
 * optional peer dependency, needed by this entry only).
 * @param name - The suite's name, e.g. `"my link store"`.
 * @param make - Makes an empty store under test, for one case.
 * @example
 * ```ts
 * // tests/link-store.test.ts
 * import type { LinkTokenDelegate } from "next-private-files/prisma";
 * import { prismaLinkStore } from "next-private-files/prisma";
 * import { runLinkStoreContract } from "next-private-files/testing";
 *
 * declare const prisma: { fileLinkToken: LinkTokenDelegate & { deleteMany(args?: object): PromiseLike<unknown> } };
 *
 * runLinkStoreContract("prisma", async () => {
 *   await prisma.fileLinkToken.deleteMany({});
 *   return { store: prismaLinkStore(prisma.fileLinkToken) };
 * });
 * ```
 */
export function runLinkStoreContract(name: string, make: () => LinkStoreFixture | Promise<LinkStoreFixture>): void {
  describe(`LinkStore contract: ${name}`, () => {
    const fixture = fixturePerCase(make);
    const store = () => fixture().store;
    // Whole milliseconds, as every database keeps them.
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

    /** Creates a link (single-use, valid ten minutes from `now`, unless told otherwise). */
    async function link(overrides: Partial<NewLink> = {}): Promise<NewLink> {
      const made: NewLink = {
        id: randomUUID(),
        model: "document",
        field: "file",
        recordId: "42",
        singleUse: true,
        expiresAt: at(10 * MINUTE),
        createdAt: now,
        createdBy: "user-1",
        ...overrides,
      };
      await store().create(made);
      return made;
    }
    async function found(id: string): Promise<LinkRecord> {
      const record = await store().find(id);
      if (record === null) throw new Error(`find(${id}) gave null for a link that should be there`);
      return record;
    }


    it("finds a created link as it was made: unused and unrevoked; an unknown id is null", async () => {
      const made = await link({ createdBy: null, singleUse: false });
      const record = await found(made.id);
      expect(record).toMatchObject({ ...made, usedAt: null, usedBy: null, revokedAt: null });
      expect(record.expiresAt.getTime()).toBe(made.expiresAt.getTime());
      const withCreator = await link();
      expect((await found(withCreator.id)).createdBy).toBe("user-1");
      expect(await store().find(randomUUID())).toBeNull();
    });

    it("consumes a live single-use link once, recording when and by whom", async () => {
      const made = await link();
      expect(await store().consume(made.id, at(MINUTE), "cookie-hash-a")).toBe(true);
      expect(await store().consume(made.id, at(2 * MINUTE), "cookie-hash-b")).toBe(false);
      const record = await found(made.id);
      expect(record.usedAt?.getTime()).toBe(at(MINUTE).getTime());
      expect(record.usedBy).toBe("cookie-hash-a");
    });

    it(`lets exactly one of ${RACERS} concurrent consume calls win`, async () => {
      const made = await link();
      const results = await Promise.all(Array.from({ length: RACERS }, (_, i) => store().consume(made.id, at(MINUTE), `racer-${i}`)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect((await found(made.id)).usedBy).toBe(`racer-${winner}`);
    });

    it("never consumes an expired (at expiresAt or later), revoked or unknown link", async () => {
      const expiring = await link({ expiresAt: at(MINUTE) });
      expect(await store().consume(expiring.id, at(MINUTE), "x")).toBe(false);
      expect(await store().consume(expiring.id, at(2 * MINUTE), "x")).toBe(false);
      expect((await found(expiring.id)).usedAt).toBeNull();
      // Just before it expires, it still works.
      expect(await store().consume(expiring.id, at(MINUTE - 1000), "x")).toBe(true);

      const revoked = await link();
      expect(await store().revoke(revoked.id, now)).toBe(true);
      expect(await store().consume(revoked.id, at(1000), "x")).toBe(false);
      expect((await found(revoked.id)).usedAt).toBeNull();

      expect(await store().consume(randomUUID(), now, "x")).toBe(false);
    });

    it("gives a consumed link back with release(id, usedAt), and only for that usedAt", async () => {
      const made = await link();
      expect(await store().consume(made.id, at(MINUTE), "a")).toBe(true);
      await store().release(made.id, at(2 * MINUTE)); // not the consume it was given: nothing changes
      expect((await found(made.id)).usedAt?.getTime()).toBe(at(MINUTE).getTime());
      await store().release(made.id, at(MINUTE));
      const released = await found(made.id);
      expect(released.usedAt).toBeNull();
      expect(released.usedBy).toBeNull();
      expect(await store().consume(made.id, at(3 * MINUTE), "b")).toBe(true);
      expect((await found(made.id)).usedBy).toBe("b");
    });

    it("revokes a link, recording when; revoking an unknown id is false", async () => {
      const made = await link({ singleUse: false });
      const other = await link({ singleUse: false });
      expect(await store().revoke(made.id, at(MINUTE))).toBe(true);
      expect((await found(made.id)).revokedAt?.getTime()).toBe(at(MINUTE).getTime());
      expect((await found(other.id)).revokedAt).toBeNull();
      expect(await store().revoke(randomUUID(), at(MINUTE))).toBe(false);
    });

    it("prunes exactly the links expired before expiredBefore and used before usedBefore, and counts them", async () => {
      const expired = await link({ singleUse: false, expiresAt: at(-2 * MINUTE) });
      const live = await link({ singleUse: false, expiresAt: at(10 * MINUTE) });
      const usedLongAgo = await link({ expiresAt: at(10 * MINUTE) });
      const usedRecently = await link({ expiresAt: at(10 * MINUTE) });
      const unused = await link({ expiresAt: at(10 * MINUTE) });
      expect(await store().consume(usedLongAgo.id, at(-30 * MINUTE), "a")).toBe(true);
      expect(await store().consume(usedRecently.id, at(-1000), "b")).toBe(true);

      expect(await store().prune({ expiredBefore: at(-MINUTE), usedBefore: at(-10 * MINUTE) })).toBe(2);
      expect(await store().find(expired.id)).toBeNull();
      expect(await store().find(usedLongAgo.id)).toBeNull();
      for (const kept of [live, usedRecently, unused]) expect(await store().find(kept.id), kept.id).not.toBeNull();
      // Nothing left to prune with the same cutoffs.
      expect(await store().prune({ expiredBefore: at(-MINUTE), usedBefore: at(-10 * MINUTE) })).toBe(0);
    });
  });
}
