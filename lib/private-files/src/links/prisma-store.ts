import type { LinkRecord, LinkStore } from "./store.js";

/**
 * The parts of a Prisma model delegate (`prisma.fileLinkToken`) the link store uses,
 * typed structurally so the kit needs no generated client. The model ships in the package
 * as `schema/prisma/file-link-token.prisma` (paste it into your schema.prisma), with its
 * table as SQL for SQLite and PostgreSQL beside it (`file-link-token.sqlite.sql`,
 * `file-link-token.postgresql.sql`) for creating it without Prisma's CLI:
 *
 * ```prisma
 * model FileLinkToken {
 *   id        String    @id
 *   model     String
 *   field     String
 *   recordId  String
 *   singleUse Boolean
 *   expiresAt DateTime
 *   createdAt DateTime
 *   createdBy String?
 *   usedAt    DateTime?
 *   usedBy    String?
 *   revokedAt DateTime?
 *   @@index([model, field, recordId])
 *   @@index([expiresAt])
 * }
 * ```
 */
export interface LinkTokenDelegate {
  /** `prisma.fileLinkToken.create`. */
  create(args: { data: LinkRecord }): PromiseLike<unknown>;
  /** `prisma.fileLinkToken.findUnique`. */
  findUnique(args: { where: { id: string } }): PromiseLike<LinkRecord | null>;
  /** `prisma.fileLinkToken.updateMany`: consume, release and revoke are each one conditional UPDATE. */
  updateMany(args: { where: LinkTokenWhere; data: { usedAt?: Date | null; usedBy?: string | null; revokedAt?: Date } }): PromiseLike<{ count: number }>;
  /** `prisma.fileLinkToken.deleteMany`, for `prune`. */
  deleteMany(args: { where: { OR: LinkTokenWhere[] } }): PromiseLike<{ count: number }>;
}

interface LinkTokenWhere {
  id?: string;
  usedAt?: Date | null | { lt: Date };
  revokedAt?: null;
  expiresAt?: { gt: Date } | { lt: Date };
}

/**
 * A LinkStore over a Prisma model (SQLite, PostgreSQL, any database Prisma drives): the
 * `links.store` that single-use links and revocation need. Consuming a single-use link
 * is one conditional UPDATE, so exactly one of any number of concurrent downloads, on
 * any number of app instances, gets it. Add the model shown on {@link LinkTokenDelegate}
 * (the package's `schema/prisma/file-link-token.prisma`) to your schema and migrate.
 * @param delegate - The model's delegate: `prisma.fileLinkToken`.
 * @example
 * ```ts
 * import type { AuthOptions } from "next-auth";
 * import { definePrivateFiles } from "next-private-files";
 * import { nextAuthSession } from "next-private-files/next-auth";
 * import { prismaLinkStore, type LinkTokenDelegate } from "next-private-files/prisma";
 *
 * declare const prisma: { fileLinkToken: LinkTokenDelegate }; // your PrismaClient
 * declare const authOptions: AuthOptions;
 *
 * export const privateFiles = definePrivateFiles({
 *   models: {},
 *   getSession: nextAuthSession(authOptions),
 *   links: { store: prismaLinkStore(prisma.fileLinkToken) },
 * });
 * ```
 */
export function prismaLinkStore(delegate: LinkTokenDelegate): LinkStore {
  return {
    async create(link) {
      await delegate.create({ data: { ...link, usedAt: null, usedBy: null, revokedAt: null } });
    },
    async find(id) {
      return (await delegate.findUnique({ where: { id } })) ?? null;
    },
    async consume(id, at, by) {
      // The WHERE is re-checked on the row as it is when the UPDATE runs (PostgreSQL
      // re-evaluates it after waiting for a concurrent writer; SQLite writes one at a
      // time), so only one caller ever sees count 1.
      const { count } = await delegate.updateMany({
        where: { id, usedAt: null, revokedAt: null, expiresAt: { gt: at } },
        data: { usedAt: at, usedBy: by },
      });
      return count === 1;
    },
    async release(id, usedAt) {
      await delegate.updateMany({ where: { id, usedAt }, data: { usedAt: null, usedBy: null } });
    },
    async revoke(id, at) {
      const { count } = await delegate.updateMany({ where: { id }, data: { revokedAt: at } });
      return count === 1;
    },
    async prune({ expiredBefore, usedBefore }) {
      const { count } = await delegate.deleteMany({ where: { OR: [{ expiresAt: { lt: expiredBefore } }, { usedAt: { lt: usedBefore } }] } });
      return count;
    },
  };
}
