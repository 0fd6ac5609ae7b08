-- The tables of prisma/schema.prisma, as `prisma migrate diff --from-empty
-- --to-schema prisma/schema.prisma --script` writes them for SQLite. Plain SQL because
-- Prisma 7's migrate commands need a native schema engine downloaded from
-- binaries.prisma.sh (README.md). Run by the consumer test with better-sqlite3.
CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL
);

CREATE TABLE "Note" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "attachment" TEXT NOT NULL,
    "attachmentName" TEXT NOT NULL,
    CONSTRAINT "Note_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
