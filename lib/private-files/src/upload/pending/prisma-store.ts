import type { PendingUpload, PendingUploadStore } from "./types.js";

/** A row of the PendingUpload model (`schema/prisma/pending-upload.prisma`). */
export interface PendingUploadRow {
  /** PendingUpload.id. */
  id: string;
  /** PendingUpload.key: the storage path. */
  key: string;
  /** PendingUpload.model. */
  model: string;
  /** PendingUpload.field. */
  field: string;
  /** PendingUpload.user. */
  userId: string | null;
  /** PendingUpload.name. */
  name: string;
  /** BigInt in the schema (files past 2 GiB); Prisma reads it as a bigint. */
  size: bigint | number;
  /** PendingUpload.type; `null` for any type. */
  type: string | null;
  /** PendingUpload.via: `tus` or `direct`. */
  via: string;
  /** PendingUpload.multipartId. */
  multipartId: string | null;
  /** The metadata as JSON text. */
  metadata: string;
  /** PendingUpload.createdAt. */
  createdAt: Date;
  /** PendingUpload.expiresAt. */
  expiresAt: Date;
}

/** The parts of `prisma.pendingUpload` the store uses, typed structurally so the kit needs no generated client. */
export interface PendingUploadDelegate {
  /** `prisma.pendingUpload.create`. */
  create(args: { data: PendingUploadRow }): PromiseLike<unknown>;
  /** `prisma.pendingUpload.findUnique`. */
  findUnique(args: { where: { id: string } }): PromiseLike<PendingUploadRow | null>;
  /** `prisma.pendingUpload.findMany`: a user's reservations, the expired ones. */
  findMany(args: {
    where: { userId?: string; expiresAt: { gt: Date } | { lte: Date }; id?: { not: string } };
    orderBy?: { createdAt: "asc" };
    take?: number;
  }): PromiseLike<PendingUploadRow[]>;
  /** `prisma.pendingUpload.updateMany`, for `setMultipartId`. */
  updateMany(args: { where: { id: string }; data: { multipartId: string } }): PromiseLike<{ count: number }>;
  /** `prisma.pendingUpload.deleteMany`, for `remove`. */
  deleteMany(args: { where: { id: string } }): PromiseLike<{ count: number }>;
}

/** What the store needs of a Prisma client, or of the client a transaction hands out. */
export interface PendingUploadClient {
  /** The PendingUpload model's delegate. */
  readonly pendingUpload: PendingUploadDelegate;
  /** `$executeRawUnsafe`: the PostgreSQL advisory lock. */
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
}

/** A PrismaClient, structurally: its model, raw SQL and interactive transactions. */
export interface PendingUploadPrisma extends PendingUploadClient {
  /** An interactive transaction, in which a reservation counts and inserts. */
  $transaction<T>(work: (tx: PendingUploadClient) => Promise<T>, options?: { maxWait?: number; timeout?: number }): PromiseLike<T>;
}

/** Options of `prismaPendingUploadStore`. */
export interface PrismaPendingUploadOptions {
  /** The database: how a user's reservations are made to take turns (see the store). */
  provider: "sqlite" | "postgresql";
}

/** Thrown inside the transaction to roll the inserted row back when the upload does not fit. */
class DoesNotFit extends Error {}

/** The advisory lock's first key: a fixed number, so no other lock of the app collides. */
const LOCK_CLASS = 72_194_338;

/**
 * Pending uploads in a Prisma table (`PendingUpload`; the package ships it as
 * `schema/prisma/pending-upload.prisma`, and its SQL for SQLite and PostgreSQL beside
 * it), shared by every app instance: an upload begun on one is found, resumed and
 * counted on all. A reservation is one transaction in which the user's reservations
 * take turns: on PostgreSQL an advisory lock on the user (`pg_advisory_xact_lock`), on
 * SQLite the database's write lock, taken first by inserting the row; the row is rolled
 * back when the upload does not fit.
 * @param prisma - Your PrismaClient (with the PendingUpload model).
 * @example
 * ```ts
 * import { definePrivateFiles } from "next-private-files";
 * import { prismaPendingUploadStore, type PendingUploadPrisma } from "next-private-files/prisma";
 *
 * declare const prisma: PendingUploadPrisma; // your PrismaClient
 *
 * export const privateFiles = definePrivateFiles({
 *   models: {},
 *   getSession: async () => null,
 *   uploads: { pending: prismaPendingUploadStore(prisma, { provider: "postgresql" }) },
 * });
 * ```
 */
export function prismaPendingUploadStore(prisma: PendingUploadPrisma, options: PrismaPendingUploadOptions): PendingUploadStore {
  const postgres = options.provider === "postgresql";
  return {
    async reserve(upload, fits) {
      try {
        await prisma.$transaction(
          async (tx) => {
            if (postgres && upload.user !== null) {
              await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock($1, hashtext($2))", LOCK_CLASS, upload.user);
            }
            // SQLite: this write takes the database's write lock, so a second
            // reservation (any process) waits here, and then counts this row.
            await tx.pendingUpload.create({ data: rowOf(upload) });
            const reserved = upload.user === null ? 0 : sizeOf(await tx.pendingUpload.findMany({ where: { userId: upload.user, expiresAt: { gt: new Date() }, id: { not: upload.id } } }));
            if (!(await fits(reserved))) throw new DoesNotFit();
          },
          { maxWait: 10_000, timeout: 20_000 },
        );
        return true;
      } catch (error) {
        if (error instanceof DoesNotFit) return false;
        throw error;
      }
    },
    async get(id) {
      const row = await prisma.pendingUpload.findUnique({ where: { id } });
      return row && uploadOf(row);
    },
    async setMultipartId(id, multipartId) {
      await prisma.pendingUpload.updateMany({ where: { id }, data: { multipartId } });
    },
    async remove(id) {
      await prisma.pendingUpload.deleteMany({ where: { id } });
    },
    async reservedBytes(user, now) {
      return sizeOf(await prisma.pendingUpload.findMany({ where: { userId: user, expiresAt: { gt: now } } }));
    },
    async expired(now, limit) {
      const rows = await prisma.pendingUpload.findMany({ where: { expiresAt: { lte: now } }, orderBy: { createdAt: "asc" }, take: limit });
      return rows.map(uploadOf);
    },
  };
}

const sizeOf = (rows: readonly PendingUploadRow[]) => rows.reduce((sum, row) => sum + Number(row.size), 0);

function rowOf(upload: PendingUpload): PendingUploadRow {
  return {
    id: upload.id,
    key: upload.key,
    model: upload.model,
    field: upload.field,
    userId: upload.user,
    name: upload.name,
    size: upload.size,
    type: upload.type ?? null,
    via: upload.via,
    multipartId: upload.multipartId,
    metadata: JSON.stringify(upload.metadata),
    createdAt: upload.createdAt,
    expiresAt: upload.expiresAt,
  };
}

function uploadOf(row: PendingUploadRow): PendingUpload {
  return {
    id: row.id,
    key: row.key,
    model: row.model,
    field: row.field,
    user: row.userId,
    name: row.name,
    size: Number(row.size),
    type: row.type ?? undefined,
    via: row.via === "direct" ? "direct" : "tus",
    multipartId: row.multipartId,
    metadata: parseMetadata(row.metadata),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

function parseMetadata(text: string): Readonly<Record<string, string>> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}
