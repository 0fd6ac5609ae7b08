// Uploads begun but not finished (tus, direct-to-storage): each one reserves its declared
// length against its user's quota from the moment it begins, so that uploads running at
// the same time, on any instance, can never add up past the quota.

/** Which upload path an upload came by. */
export type UploadVia = "multipart" | "tus" | "direct";

/** An upload begun (`beginUpload`) and not yet finished or abandoned. */
export interface PendingUpload {
  /** Random and URL-safe: the upload's id in every URL and store. */
  readonly id: string;
  /** Where the bytes go in the field's storage: `<uploadTo folder>/<random><ext>`, the path the record keeps. */
  readonly key: string;
  /** The model key, as in `models`. */
  readonly model: string;
  /** The file field. */
  readonly field: string;
  /** The uploader's user id; `null` for an upload the app makes itself. */
  readonly user: string | null;
  /** The client's name, cleaned (`uploadName`). */
  readonly name: string;
  /** The declared length, in bytes: reserved against the quota, and what the finished file must measure. */
  readonly size: number;
  /** The allowed type the extension picked, when the field restricts types; `undefined` otherwise. */
  readonly type: string | undefined;
  /** The path it comes by (`tus` or `direct`). */
  readonly via: Exclude<UploadVia, "multipart">;
  /** The store's multipart upload id (direct uploads to S3 over 100 MiB); `null` otherwise. */
  readonly multipartId: string | null;
  /** What the client sent besides the name (tus `Upload-Metadata`, the intent's `metadata`). */
  readonly metadata: Readonly<Record<string, string>>;
  /** When it began. */
  readonly createdAt: Date;
  /** When it is abandoned if not finished: its bytes and row are pruned after this. */
  readonly expiresAt: Date;
}

/**
 * Where pending uploads are kept: `memoryPendingUploads()` for one instance, or a table
 * every instance shares (`prismaPendingUploadStore` from `next-private-files/prisma`).
 * The `runPendingUploadStoreContract` suite (`next-private-files/testing`) checks one.
 */
export interface PendingUploadStore {
  /**
   * Inserts `upload` if `fits(reserved)` resolves true, where `reserved` is the bytes of
   * the same user's other unexpired pending uploads; returns whether it did. Atomic
   * across instances: two reservations of one user never both count the bytes before
   * either is inserted (on PostgreSQL: an advisory lock on the user in the transaction).
   */
  reserve(upload: PendingUpload, fits: (reservedBytes: number) => Promise<boolean>): Promise<boolean>;
  /** The pending upload with this id, expired or not; `null` when there is none. */
  get(id: string): Promise<PendingUpload | null>;
  /** Records the store's multipart upload id (direct uploads over 100 MiB). */
  setMultipartId(id: string, multipartId: string): Promise<void>;
  /** Forgets a pending upload (finished or abandoned); an unknown id is not an error. */
  remove(id: string): Promise<void>;
  /** The bytes of `user`'s pending uploads unexpired at `now`. */
  reservedBytes(user: string, now: Date): Promise<number>;
  /** Up to `limit` pending uploads expired at `now`, oldest first (what pruning removes). */
  expired(now: Date, limit: number): Promise<PendingUpload[]>;
}
