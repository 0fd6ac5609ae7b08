// Where links are recorded, so they can be revoked and single-use links consumed once,
// across every app instance: a database table, never process memory.

/** A link as the store keeps it. */
export interface LinkRecord {
  /** The token's id. */
  readonly id: string;
  /** The model key the link is for. */
  readonly model: string;
  /** The file field it is for. */
  readonly field: string;
  /** The record's id, as in the URL. */
  readonly recordId: string;
  /** Whether it grants one download only. */
  readonly singleUse: boolean;
  /** When it stops working. */
  readonly expiresAt: Date;
  /** When it was made. */
  readonly createdAt: Date;
  /** Who made it (the session user's id), when known. */
  readonly createdBy: string | null;
  /** When a single-use link was consumed. */
  readonly usedAt: Date | null;
  /** The SHA-256 of the resume cookie given to the client that consumed it (see `LinksOptions.resumeWindowSeconds`). */
  readonly usedBy: string | null;
  /** When it was revoked; `null` while it is not. */
  readonly revokedAt: Date | null;
}

/** A link as `LinkStore.create` receives it: not yet used or revoked. */
export type NewLink = Omit<LinkRecord, "usedAt" | "usedBy" | "revokedAt">;

/**
 * Where links are recorded (`links.store`): needed for single-use links and for
 * revocation. `prismaLinkStore` from `next-private-files/prisma` is one; implement this
 * for another database. It must be shared by every app instance (a table, never memory).
 * @example
 * ```ts
 * import type { LinkStore } from "next-private-files";
 * import { prismaLinkStore } from "next-private-files/prisma";
 *
 * declare const prisma: { fileLinkToken: Parameters<typeof prismaLinkStore>[0] };
 *
 * const store: LinkStore = prismaLinkStore(prisma.fileLinkToken);
 * ```
 */
export interface LinkStore {
  /** Records a new link. */
  create(link: NewLink): Promise<void>;
  /** The link with this id; `null` when there is none. */
  find(id: string): Promise<LinkRecord | null>;
  /**
   * Marks an unused, unrevoked, unexpired single-use link as used, atomically (one
   * conditional UPDATE): of any number of concurrent calls, on any number of app
   * instances, exactly one gets `true`.
   */
  consume(id: string, at: Date, by: string): Promise<boolean>;
  /** Undoes `consume` when the download it granted failed before the first byte. */
  release(id: string, usedAt: Date): Promise<void>;
  /** Revokes a link; `false` when there is no such link. */
  revoke(id: string, at: Date): Promise<boolean>;
  /** Deletes links that expired before `expiredBefore` and single-use links used before `usedBefore`; returns how many. */
  prune(cutoffs: { expiredBefore: Date; usedBefore: Date }): Promise<number>;
}
