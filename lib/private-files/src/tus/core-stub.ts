// TEMPORARY stand-in for the lead's core upload intake (design-15.md), deleted when
// "core: upload intake" lands on main. Same signatures; only what the tus route needs.
import { randomBytes, randomUUID } from "node:crypto";
import { internalsOf } from "../config/define.js";
import type { AnySession } from "../config/types.js";
import { QuotaExceededError, UnsupportedFileTypeError } from "../upload/errors.js";
import { UploadTooLargeError } from "../storage/errors.js";
import { safeExtension } from "../upload/store-upload.js";

export interface PendingUpload {
  readonly id: string;
  readonly key: string;
  readonly model: string;
  readonly field: string;
  readonly user: string | null;
  readonly name: string;
  readonly size: number;
  readonly type: string | undefined;
  readonly via: "tus" | "direct";
  readonly multipartId: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}
export interface PendingUploadStore {
  reserve(upload: PendingUpload, fits: (reservedBytes: number) => Promise<boolean>): Promise<boolean>;
  get(id: string): Promise<PendingUpload | null>;
  setMultipartId(id: string, multipartId: string): Promise<void>;
  remove(id: string): Promise<void>;
  reservedBytes(user: string, now: Date): Promise<number>;
  expired(now: Date, limit: number): Promise<PendingUpload[]>;
}
export interface UploadIntent {
  model: string;
  field: string;
  name: string;
  size: number;
  metadata?: Record<string, string>;
}
export interface CompletedUpload<S extends AnySession = AnySession> {
  model: string;
  field: string;
  path: string;
  originalName: string;
  size: number;
  type: string | undefined;
  metadata: Readonly<Record<string, string>>;
  user: string | null;
  session: S | null;
  via: "multipart" | "tus" | "direct";
  request: Request;
}
export type UploadCompleteHandler<T, S extends AnySession = AnySession> = (upload: CompletedUpload<S>) => Promise<T>;

export class UploadForbiddenError extends Error {
  constructor(readonly status: 401 | 403, message: string) {
    super(message);
  }
}

const stores = new WeakMap<object, PendingUploadStore>();
export function stubPendingOf(files: object): PendingUploadStore {
  let store = stores.get(files);
  if (!store) stores.set(files, (store = memoryPendingUploads()));
  return store;
}
export const stubQuota = { bytes: Number.POSITIVE_INFINITY };

export function memoryPendingUploads(): PendingUploadStore {
  const rows = new Map<string, PendingUpload>();
  let queue = Promise.resolve();
  return {
    reserve(upload, fits) {
      const run = queue.then(async () => {
        let reserved = 0;
        for (const row of rows.values()) if (row.user === upload.user && row.expiresAt > new Date()) reserved += row.size;
        if (!(await fits(reserved))) return false;
        rows.set(upload.id, upload);
        return true;
      });
      queue = run.then(() => undefined, () => undefined);
      return run;
    },
    async get(id) {
      return rows.get(id) ?? null;
    },
    async setMultipartId() {},
    async remove(id) {
      rows.delete(id);
    },
    async reservedBytes(user, now) {
      let reserved = 0;
      for (const row of rows.values()) if (row.user === user && row.expiresAt > now) reserved += row.size;
      return reserved;
    },
    async expired(now, limit) {
      return [...rows.values()].filter((row) => row.expiresAt <= now).slice(0, limit);
    },
  };
}

export async function beginUpload(files: object, request: Request, intent: UploadIntent, via: "tus" | "direct"): Promise<PendingUpload> {
  const { config, field } = internalsOf(files);
  const found = field(intent.model, intent.field);
  if (!found) throw new UploadForbiddenError(403, `no uploads to ${intent.model}.${intent.field}`);
  const session = await config.getSession(request);
  if (!session) throw new UploadForbiddenError(401, "sign in to upload");
  if (intent.size > config.maxUploadBytes) throw new UploadTooLargeError(config.maxUploadBytes);
  const now = new Date();
  const pending: PendingUpload = {
    id: randomBytes(18).toString("base64url"),
    key: `uploads/${randomUUID()}${safeExtension(intent.name)}`,
    model: intent.model,
    field: intent.field,
    user: session.user.id,
    name: intent.name,
    size: intent.size,
    type: undefined,
    via,
    multipartId: null,
    metadata: intent.metadata ?? {},
    createdAt: now,
    expiresAt: new Date(now.getTime() + 24 * 3600_000),
  };
  const quota = config.uploads.quota?.bytes ?? stubQuota.bytes;
  const ok = await stubPendingOf(files).reserve(pending, async (reserved) => reserved + intent.size <= quota);
  if (!ok) throw new QuotaExceededError(quota, 0);
  return pending;
}

export function checkLeadingBytes(_files: object, _pending: PendingUpload, head: Uint8Array): void {
  if (head[0] === 0x4d && head[1] === 0x5a) throw new UnsupportedFileTypeError("an executable", ["application/pdf"]);
}

export async function finishUpload<T>(files: object, request: Request, pending: PendingUpload, onComplete: UploadCompleteHandler<T>): Promise<T> {
  const { config, field } = internalsOf(files);
  const storage = config.storageOf(field(pending.model, pending.field)!.field);
  try {
    const opened = await storage.open(pending.key);
    await opened?.close();
    if (opened?.size !== pending.size) throw new UploadForbiddenError(403, "incomplete");
    const result = await onComplete({
      model: pending.model, field: pending.field, path: pending.key, originalName: pending.name, size: pending.size,
      type: pending.type, metadata: pending.metadata, user: pending.user, session: null, via: "tus", request,
    });
    await stubPendingOf(files).remove(pending.id);
    return result;
  } catch (error) {
    await storage.delete(pending.key);
    await stubPendingOf(files).remove(pending.id);
    throw error;
  }
}

export async function abandonUpload(files: object, pending: PendingUpload): Promise<void> {
  await stubPendingOf(files).remove(pending.id);
}

export function uploadErrorResponse(error: unknown): Response | null {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status !== "number" || !(error instanceof Error)) return null;
  return Response.json({ error: error.message }, { status });
}
