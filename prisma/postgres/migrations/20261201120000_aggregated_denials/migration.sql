-- AlterTable
ALTER TABLE "DownloadEvent" ADD COLUMN     "client" TEXT,
ADD COLUMN     "count" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "lastAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "DownloadEvent_outcome_model_recordId_at_idx" ON "DownloadEvent"("outcome", "model", "recordId", "at");

