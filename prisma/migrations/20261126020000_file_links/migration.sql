-- AlterTable
ALTER TABLE "DownloadEvent" ADD COLUMN "linkId" TEXT;

-- CreateTable
CREATE TABLE "FileLinkToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "model" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "singleUse" BOOLEAN NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "createdBy" TEXT,
    "usedAt" DATETIME,
    "usedBy" TEXT,
    "revokedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "FileLinkToken_model_field_recordId_idx" ON "FileLinkToken"("model", "field", "recordId");

-- CreateIndex
CREATE INDEX "FileLinkToken_expiresAt_idx" ON "FileLinkToken"("expiresAt");

