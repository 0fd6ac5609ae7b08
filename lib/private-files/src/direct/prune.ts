// Orphans: uploads presigned and never completed. Past their expiry their URLs are dead
// (they never outlive the upload), so whatever reached the bucket is deleted, the
// multipart upload aborted (its parts are billed until then), and the reservation freed.
import { internalsOf } from "../config/define.js";
import { s3TargetOf } from "../storage/s3.js";
import { abandonUpload, type PendingUploadStore } from "./core.js";
import { removeUploaded } from "./objects.js";
import { objectKey } from "./target.js";
import type { AnyFiles } from "./context.js";

/** Options of a direct-upload route's `prune`. */
export interface PruneDirectUploadsOptions {
  /**
   * The time to prune at: uploads that expired at or before it go.
   * @default new Date()
   */
  readonly now?: Date;
  /**
   * Expired uploads read from the pending store per batch.
   * @default 500
   */
  readonly batchSize?: number;
}

/** What a prune removed. */
export interface PruneDirectUploadsResult {
  /** Expired direct uploads removed (object, multipart upload and pending row). */
  readonly pruned: number;
  /** Ones whose removal failed (kept, tried again next time); their errors were logged. */
  readonly failed: number;
}

export async function pruneDirectUploads(files: AnyFiles, pending: PendingUploadStore, options: PruneDirectUploadsOptions = {}): Promise<PruneDirectUploadsResult> {
  const now = options.now ?? new Date();
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
  const { config, field } = internalsOf(files);
  let pruned = 0;
  let failed = 0;
  for (;;) {
    const batch = await pending.expired(now, batchSize);
    let removedNow = 0;
    for (const upload of batch) {
      // tus uploads are pruned by the tus route (its store holds their bytes and state).
      if (upload.via !== "direct") continue;
      const found = field(upload.model, upload.field);
      const target = found ? s3TargetOf(config.storageOf(found.field)) : undefined;
      try {
        if (target) await removeUploaded(target, objectKey(target, upload.key), upload.multipartId);
        else config.logger.warn("pruning a direct upload whose field is no longer an S3 field: its object, if any, is left", { id: upload.id, model: upload.model, field: upload.field });
        await abandonUpload(files, upload);
        pruned++;
        removedNow++;
      } catch (error) {
        failed++;
        config.logger.error("could not prune an expired direct upload", { id: upload.id, key: upload.key, error: String(error) });
      }
    }
    // A short batch was the last; a batch that freed nothing would come back the same.
    if (batch.length < batchSize || removedNow === 0) return { pruned, failed };
  }
}
