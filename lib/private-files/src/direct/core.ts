// STUB until main has "core: upload intake": the core's signatures from design-15.md,
// just enough behaviour to develop the direct route against. Replaced by re-exports of
// the real core when it lands.
import { randomBytes, randomUUID } from "node:crypto";
import type { AnySession } from "../config/types.js";
import { internalsOf } from "../config/define.js";
import { safeExtension, uploadName } from "../upload/store-upload.js";

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
  readonly model: string;
  readonly field: string;
  readonly path: string;
  readonly originalName: string;
  readonly size: number;
  readonly type: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  readonly user: string | null;
  readonly session: S | null;
  readonly via: "multipart" | "tus" | "direct";
  readonly request: Request;
}

export type UploadCompleteHandler<T, S extends AnySession = AnySession> = (upload: CompletedUpload<S>) => Promise<T>;

class StubError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

const stores = new WeakMap<object, PendingUploadStore>();
function memory(): PendingUploadStore {
  const rows = new Map<string, PendingUpload>();
  return {
    async reserve(upload) {
      rows.set(upload.id, upload);
      return true;
    },
    async get(id) {
      return rows.get(id) ?? null;
    },
    async setMultipartId(id, multipartId) {
      const row = rows.get(id);
      if (row) rows.set(id, { ...row, multipartId });
    },
    async remove(id) {
      rows.delete(id);
    },
    async reservedBytes() {
      return 0;
    },
    async expired(now, limit) {
      return [...rows.values()].filter((row) => row.expiresAt <= now).slice(0, limit);
    },
  };
}

export function pendingUploadsOf(files: object): PendingUploadStore {
  let store = stores.get(files);
  if (!store) stores.set(files, (store = memory()));
  return store;
}

export async function beginUpload(files: object, request: Request, intent: UploadIntent, via: "tus" | "direct"): Promise<PendingUpload> {
  const { config, field } = internalsOf(files);
  const found = field(intent.model, intent.field);
  if (!found) throw new StubError(`no uploads to ${intent.model}.${intent.field}`, 404);
  const session = await config.getSession(request);
  if (!session) throw new StubError("sign in to upload", 401);
  const max = found.field.maxUploadBytes ?? config.maxUploadBytes;
  if (intent.size > max) throw new StubError("too large", 413);
  const name = uploadName(intent.name);
  const now = new Date();
  const pending: PendingUpload = {
    id: randomBytes(18).toString("base64url"),
    key: `${found.field.uploadTo(name)}/${randomUUID()}${safeExtension(name)}`.replace(/^\/+/, ""),
    model: intent.model,
    field: intent.field,
    user: session.user.id,
    name,
    size: intent.size,
    type: undefined,
    via,
    multipartId: null,
    metadata: intent.metadata ?? {},
    createdAt: now,
    expiresAt: new Date(now.getTime() + 24 * 3600_000),
  };
  await pendingUploadsOf(files).reserve(pending, async () => true);
  return pending;
}

export async function finishUpload<T, S extends AnySession>(
  files: object,
  request: Request,
  pending: PendingUpload,
  onComplete: UploadCompleteHandler<T, S>,
): Promise<T> {
  const { config, field } = internalsOf(files);
  const storage = config.storageOf(field(pending.model, pending.field)!.field);
  try {
    const opened = await storage.open(pending.key);
    if (!opened) throw new StubError("nothing was uploaded", 409);
    await opened.close();
    if (opened.size !== pending.size) throw new StubError(`got ${opened.size} of ${pending.size} bytes`, 409);
    const result = await onComplete({
      model: pending.model,
      field: pending.field,
      path: pending.key,
      originalName: pending.name,
      size: pending.size,
      type: pending.type,
      metadata: pending.metadata,
      user: pending.user,
      session: (await config.getSession(request)) as S | null,
      via: "direct",
      request,
    });
    await pendingUploadsOf(files).remove(pending.id);
    return result;
  } catch (error) {
    await storage.delete(pending.key).catch(() => undefined);
    await pendingUploadsOf(files).remove(pending.id);
    throw error;
  }
}

export async function abandonUpload(files: object, pending: PendingUpload): Promise<void> {
  await pendingUploadsOf(files).remove(pending.id);
}

export function uploadErrorResponse(error: unknown): Response | null {
  if (error instanceof StubError) return Response.json({ error: error.message }, { status: error.status });
  return null;
}
