-- The FileLinkToken table of file-link-token.prisma on PostgreSQL, as `prisma migrate`
-- creates it: for creating the table by hand (for instance where Prisma's CLI cannot
-- fetch its schema engine).
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

CREATE INDEX "FileLinkToken_model_field_recordId_idx" ON "FileLinkToken"("model", "field", "recordId");

CREATE INDEX "FileLinkToken_expiresAt_idx" ON "FileLinkToken"("expiresAt");
