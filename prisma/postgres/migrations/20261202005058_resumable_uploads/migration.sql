-- AlterTable
ALTER TABLE "FileSubmission" ALTER COLUMN "fileSize" SET DATA TYPE BIGINT;

-- CreateTable
CREATE TABLE "PendingUpload" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "userId" TEXT,
    "name" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "type" TEXT,
    "via" TEXT NOT NULL,
    "multipartId" TEXT,
    "metadata" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PendingUpload_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UploadEvent" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" INTEGER,
    "model" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "reason" TEXT NOT NULL,
    "signature" TEXT,
    "status" INTEGER NOT NULL,

    CONSTRAINT "UploadEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PendingUpload_userId_expiresAt_idx" ON "PendingUpload"("userId", "expiresAt");

-- CreateIndex
CREATE INDEX "PendingUpload_expiresAt_idx" ON "PendingUpload"("expiresAt");

-- CreateIndex
CREATE INDEX "UploadEvent_userId_at_idx" ON "UploadEvent"("userId", "at");

