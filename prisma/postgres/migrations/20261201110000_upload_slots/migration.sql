-- CreateTable
CREATE TABLE "UploadSlot" (
    "id" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UploadSlot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UploadSlot_userId_expiresAt_idx" ON "UploadSlot"("userId", "expiresAt");

-- AddForeignKey
ALTER TABLE "UploadSlot" ADD CONSTRAINT "UploadSlot_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

