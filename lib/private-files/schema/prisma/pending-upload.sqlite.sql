-- The PendingUpload table of pending-upload.prisma on SQLite, as `prisma migrate`
-- creates it: for creating the table by hand (for instance where Prisma's CLI cannot
-- fetch its schema engine).
-- CreateTable
CREATE TABLE "PendingUpload" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "PendingUpload_userId_expiresAt_idx" ON "PendingUpload"("userId", "expiresAt");

-- CreateIndex
CREATE INDEX "PendingUpload_expiresAt_idx" ON "PendingUpload"("expiresAt");
