import { Server } from "@tus/server";
import type { DataStore, Locker } from "@tus/utils";
import type { FileStorage } from "../storage/types.js";
import type { PendingUpload } from "../upload/pending/types.js";
import { KeyedStore } from "./keyed-store.js";
import { localBackend } from "./local-backend.js";
import type { UploadRouteOptions } from "./options.js";

/** How one kind of storage keeps tus uploads: the inner datastore and its clean-up. */
export interface TusBackend {
  readonly store: DataStore;
  /** The inner store's id of an upload: where its bytes go. */
  innerId(pending: PendingUpload): string;
  /** The first `count` bytes already stored (count below SNIFF_BYTES, so in one place). */
  storedHead(pending: PendingUpload, count: number): Promise<Uint8Array>;
  /** After completion: removes tus's bookkeeping; the bytes stay, they are the file. */
  forgetCompleted(pending: PendingUpload): Promise<void>;
  /** Removes the bytes and the bookkeeping of an unfinished upload; missing pieces are fine. */
  removeAll(pending: PendingUpload): Promise<void>;
}

/** One tus Server per storage, over its backend. */
export interface TusTarget {
  readonly server: Server;
  readonly backend: TusBackend;
}

export interface TargetSettings {
  readonly options: UploadRouteOptions<unknown, never>;
  readonly locker: Locker;
  readonly ttlMs: number;
  /** The pending upload of a tus id (throws tus's FILE_NOT_FOUND when none). */
  pendingOf(id: string): Promise<PendingUpload>;
  /** The pending upload a creation request reserved (its id names the tus upload). */
  creating(request: Request): PendingUpload | undefined;
}

/** The tus server for a field's storage: local files or S3 (loaded only then); anything else is refused. */
export async function tusTargetFor(storage: FileStorage, settings: TargetSettings): Promise<TusTarget> {
  const backend = localBackend(storage, settings.ttlMs) ?? (await import("./s3-backend.js")).s3Backend(storage, settings);
  if (!backend) throw new TypeError("resumable uploads need a localFileStorage or an s3Storage field");
  const store = new KeyedStore(backend.store, settings.pendingOf, backend.innerId, (pending) => backend.removeAll(pending), settings.ttlMs);
  const server = new Server({
    path: settings.options.path,
    datastore: store,
    locker: settings.locker,
    // `<path>/<id>`: tus clients resolve it against the endpoint, behind any proxy.
    relativeLocation: true,
    lockDrainTimeout: settings.options.lockDrainTimeoutMs ?? 3000,
    disableTerminationForFinishedUploads: true,
    namingFunction(request) {
      const pending = settings.creating(request);
      // Only creations the route authorized reach the server.
      if (!pending) throw new Error("an upload created without beginUpload");
      return pending.id;
    },
  });
  return { server, backend };
}
