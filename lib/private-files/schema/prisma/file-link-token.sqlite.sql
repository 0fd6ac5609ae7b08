-- The FileLinkToken table of file-link-token.prisma on SQLite, as `prisma migrate`
-- creates it: for creating the table by hand (for instance where Prisma's CLI cannot
-- fetch its schema engine).
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

CREATE INDEX "FileLinkToken_model_field_recordId_idx" ON "FileLinkToken"("model", "field", "recordId");

CREATE INDEX "FileLinkToken_expiresAt_idx" ON "FileLinkToken"("expiresAt");
