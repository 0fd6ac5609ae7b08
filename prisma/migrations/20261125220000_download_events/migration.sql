-- CreateTable
CREATE TABLE "DownloadEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" INTEGER,
    "userEmail" TEXT,
    "model" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "reason" TEXT,
    "status" INTEGER NOT NULL,
    "bytesSent" BIGINT NOT NULL DEFAULT 0,
    "rangeStart" BIGINT,
    "durationMs" INTEGER
);

-- CreateIndex
CREATE INDEX "DownloadEvent_model_recordId_idx" ON "DownloadEvent"("model", "recordId");

-- CreateIndex
CREATE INDEX "DownloadEvent_userId_at_idx" ON "DownloadEvent"("userId", "at");

