import { randomUUID } from "node:crypto";
import type { QuotaSource, UploadLimitsOptions, UploadSlotStore } from "next-private-files";
import { prismaPendingUploadStore } from "next-private-files/prisma";
import { databaseUrl, isPostgresUrl } from "../db/database-url";
import { prisma } from "../db/prisma";
import type { Prisma } from "../db/generated/client";

// The demo's per-user upload limits (the kit's `uploads` option), over its database so
// that they hold across app instances: a quota on the bytes of a user's submissions,
// a limit on multipart uploads in flight, kept as rows of UploadSlot, and the resumable
// and direct uploads begun and not finished, as rows of PendingUpload (each reserving
// its declared length against the quota).

const GiB = 1024 ** 3;

/** Runs `work` in a transaction holding the user's row, so that per-user checks by concurrent requests take turns. */
export function withUserLocked<T>(userId: number, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return prisma.$transaction(async (tx) => {
    // PostgreSQL: under READ COMMITTED two transactions would both count, then both
    // insert; the row lock makes the second wait for the first to commit. SQLite: the
    // adapter runs one transaction at a time on its one connection, and a second
    // process's write waits for the database's single write lock.
    if (isPostgresUrl(databaseUrl())) await tx.$queryRaw`SELECT "id" FROM "User" WHERE "id" = ${userId} FOR UPDATE`;
    return work(tx);
  });
}

const userIdOf = (user: string) => {
  const id = Number(user);
  if (!Number.isSafeInteger(id)) throw new TypeError(`not a user id: ${JSON.stringify(user)}`);
  return id;
};

/** In-flight uploads as UploadSlot rows: counted and inserted with the user's row locked. */
export const uploadSlots: UploadSlotStore = {
  acquire(user, { limit, now, expiresAt }) {
    const userId = userIdOf(user);
    return withUserLocked(userId, async (tx) => {
      await tx.uploadSlot.deleteMany({ where: { userId, expiresAt: { lte: now } } });
      if ((await tx.uploadSlot.count({ where: { userId } })) >= limit) return null;
      const slot = await tx.uploadSlot.create({ data: { id: randomUUID(), userId, expiresAt } });
      return slot.id;
    });
  },
  async renew(id, expiresAt) {
    await prisma.uploadSlot.updateMany({ where: { id }, data: { expiresAt } });
  },
  async release(id) {
    await prisma.uploadSlot.deleteMany({ where: { id } });
  },
};

/** Bytes a user stores: the sizes of their submissions (the only model people upload to). */
export async function storedBytes(userId: number, db: Prisma.TransactionClient = prisma): Promise<number> {
  const { _sum } = await db.fileSubmission.aggregate({ where: { ownerId: userId }, _sum: { fileSize: true } });
  return Number(_sum.fileSize ?? 0);
}

const usedBytes: QuotaSource = (user) => storedBytes(userIdOf(user));

/** Uploads begun and not finished, shared by every instance. */
export const pendingUploads = prismaPendingUploadStore(prisma, { provider: isPostgresUrl(databaseUrl()) ? "postgresql" : "sqlite" });

/**
 * 2 GiB per user (one file at the demo's 2 GiB limit), 4 multipart uploads at once, and
 * 24 hours to finish a resumable upload, unless PRIVATE_FILES_QUOTA_BYTES,
 * PRIVATE_FILES_MAX_CONCURRENT_UPLOADS or PRIVATE_FILES_PENDING_UPLOAD_TTL_MS say
 * otherwise (tests use small ones).
 */
export function uploadLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): UploadLimitsOptions {
  return {
    quotaBytes: Number(env.PRIVATE_FILES_QUOTA_BYTES) || 2 * GiB,
    usedBytes,
    maxConcurrent: Number(env.PRIVATE_FILES_MAX_CONCURRENT_UPLOADS) || 4,
    slots: uploadSlots,
    pending: pendingUploads,
    pendingTtlMs: Number(env.PRIVATE_FILES_PENDING_UPLOAD_TTL_MS) || undefined,
  };
}
