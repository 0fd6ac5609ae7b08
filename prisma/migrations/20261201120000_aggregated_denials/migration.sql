-- Repeated refusals share one row (lib/files/audit-trail.ts): who asked from where,
-- how many times, and when the last one came.
ALTER TABLE "DownloadEvent" ADD COLUMN "client" TEXT;
ALTER TABLE "DownloadEvent" ADD COLUMN "count" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "DownloadEvent" ADD COLUMN "lastAt" DATETIME;

-- CreateIndex
CREATE INDEX "DownloadEvent_outcome_model_recordId_at_idx" ON "DownloadEvent"("outcome", "model", "recordId", "at");
