// Where links are recorded, so they can be revoked and single-use links consumed once,
// across every app instance: a database table, never process memory.

/** A link as the store keeps it. */
export interface LinkRecord {
  /** The token's id. */
  readonly id: string;
  readonly model: string;
  readonly field: string;
  readonly recordId: string;
  readonly singleUse: boolean;
  readonly expiresAt: Date;
  readonly createdAt: Date;
  /** Who made it (the session user's id), when known. */
  readonly createdBy: string | null;
  /** When a single-use link was consumed. */
  readonly usedAt: Date | null;
  /** The SHA-256 of the resume cookie given to the client that consumed it (see `LinksOptions.resumeWindowSeconds`). */
  readonly usedBy: string | null;
  readonly revokedAt: Date | null;
}

export type NewLink = Omit<LinkRecord, "usedAt" | "usedBy" | "revokedAt">;

export interface LinkStore {
  create(link: NewLink): Promise<void>;
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
