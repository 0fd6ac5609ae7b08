import type { LinkRecord, LinkStore, NewLink } from "next-private-files";

/**
 * A LinkStore over a Map, for tests that need a store but no database. Consume is atomic
 * because it checks and writes with no await in between (one JavaScript thread); it is
 * run through runLinkStoreContract (tests/kit/contracts/link-stores.test.ts) like the
 * real stores. Process memory: never for an app with more than one instance.
 */
export function memoryLinkStore(): LinkStore & { readonly rows: Map<string, LinkRecord> } {
  const rows = new Map<string, LinkRecord>();
  return {
    rows,
    async create(link: NewLink) {
      rows.set(link.id, { ...link, usedAt: null, usedBy: null, revokedAt: null });
    },
    async find(id) {
      return rows.get(id) ?? null;
    },
    async consume(id, at, by) {
      const row = rows.get(id);
      if (!row || row.usedAt || row.revokedAt || row.expiresAt <= at) return false;
      rows.set(id, { ...row, usedAt: at, usedBy: by });
      return true;
    },
    async release(id, usedAt) {
      const row = rows.get(id);
      if (row?.usedAt?.getTime() === usedAt.getTime()) rows.set(id, { ...row, usedAt: null, usedBy: null });
    },
    async revoke(id, at) {
      const row = rows.get(id);
      if (row) rows.set(id, { ...row, revokedAt: at });
      return row !== undefined;
    },
    async prune({ expiredBefore, usedBefore }) {
      let removed = 0;
      for (const [id, row] of rows) {
        if (row.expiresAt < expiredBefore || (row.usedAt && row.usedAt < usedBefore)) removed += Number(rows.delete(id));
      }
      return removed;
    },
  };
}
