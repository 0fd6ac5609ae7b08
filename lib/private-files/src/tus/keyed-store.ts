import type { Readable } from "node:stream";
import { DataStore, ERRORS, Upload } from "@tus/utils";
import type { PendingUpload } from "../upload/pending/types.js";

/**
 * A tus datastore that writes an upload under the name the field's storage reads
 * (`pending.key`, plus the S3 prefix), not under its tus id: the finished file is where
 * the record points, with no copy. tus sees only the upload id (`pending.id`).
 */
export class KeyedStore extends DataStore {
  constructor(
    private readonly inner: DataStore,
    /** The pending upload of a tus id; throws ERRORS.FILE_NOT_FOUND when there is none. */
    private readonly pendingOf: (id: string) => Promise<PendingUpload>,
    /** Where the inner store keeps a pending upload's bytes. */
    readonly innerId: (pending: PendingUpload) => string,
    /** Removes every byte and record the inner store keeps of an upload (termination). */
    private readonly removeAll: (pending: PendingUpload) => Promise<void>,
    /** The config's pending-upload lifetime, ms: Upload-Expires is `pending.expiresAt`. */
    private readonly ttlMs: number,
  ) {
    super();
    // No defer-length (the quota is reserved from the declared length), no
    // creation-with-upload (the first bytes go through PATCH, where they are checked).
    this.extensions = ["creation", "termination", "expiration"];
  }

  override async create(upload: Upload): Promise<Upload> {
    const pending = await this.pendingOf(upload.id);
    const created = await this.inner.create(
      new Upload({ id: this.innerId(pending), size: upload.size, offset: 0, metadata: upload.metadata, creation_date: this.createdAt(pending) }),
    );
    upload.storage = created.storage;
    upload.creation_date = this.createdAt(pending);
    return upload;
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    return this.inner.write(stream, this.innerId(await this.pendingOf(id)), offset);
  }

  override async getUpload(id: string): Promise<Upload> {
    const pending = await this.pendingOf(id);
    const stored = await this.inner.getUpload(this.innerId(pending));
    return new Upload({ ...stored, id, creation_date: this.createdAt(pending) });
  }

  override async remove(id: string): Promise<void> {
    await this.removeAll(await this.pendingOf(id));
  }

  override async declareUploadLength(): Promise<void> {
    throw ERRORS.UNSUPPORTED_CREATION_DEFER_LENGTH_EXTENSION;
  }

  override getExpiration(): number {
    return this.ttlMs;
  }

  /** tus computes Upload-Expires as creation + getExpiration(): this makes it pending.expiresAt. */
  private createdAt(pending: PendingUpload): string {
    return new Date(pending.expiresAt.getTime() - this.ttlMs).toISOString();
  }
}
