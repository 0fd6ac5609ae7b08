-- AlterTable
ALTER TABLE "DownloadEvent" ADD COLUMN     "linkId" TEXT;

-- CreateTable
CREATE TABLE "FileLinkToken" (
    "id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "singleUse" BOOLEAN NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "createdBy" TEXT,
    "usedAt" TIMESTAMP(3),
    "usedBy" TEXT,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "FileLinkToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FileLinkToken_model_field_recordId_idx" ON "FileLinkToken"("model", "field", "recordId");

-- CreateIndex
CREATE INDEX "FileLinkToken_expiresAt_idx" ON "FileLinkToken"("expiresAt");

