// `npm run uploads:prune`: removes resumable (tus) and direct-to-S3 uploads that were
// begun and never finished before their expiry (PRIVATE_FILES_PENDING_UPLOAD_TTL_MS,
// default 24 hours): their bytes (a partial file, an S3 multipart upload, an orphaned
// object) and their PendingUpload rows, which then stop counting against the quota.
// Safe to run at any time, from cron or a job runner, on any one instance.
import { directUploads } from "../lib/files/direct-uploads";
import { resumableUploads } from "../lib/files/resumable-uploads";
import { prisma } from "../lib/db/prisma";

async function main(): Promise<void> {
  // Each route prunes its own kind, a batch at a time, from the oldest expired rows of
  // both kinds: go round until neither finds anything more to remove.
  let resumable = 0;
  let direct = 0;
  let failed = 0;
  for (;;) {
    const tus = await resumableUploads.prune();
    const batch = await directUploads.prune();
    resumable += tus;
    direct += batch.pruned;
    failed = batch.failed;
    if (tus === 0 && batch.pruned === 0) break;
  }
  console.log(`uploads:prune: removed ${resumable} resumable and ${direct} direct expired upload(s)${failed > 0 ? `; ${failed} could not be removed (kept for the next run)` : ""}`);
}

main()
  .catch((error: unknown) => {
    console.error("uploads:prune failed:", error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await prisma.$disconnect();
    // On PostgreSQL the upload route's lock pool keeps a LISTEN connection open.
    process.exit();
  });
