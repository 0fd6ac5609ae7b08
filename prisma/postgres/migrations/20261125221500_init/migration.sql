-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "isStaff" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FileSubmission" (
    "id" SERIAL NOT NULL,
    "description" TEXT NOT NULL,
    "ownerId" INTEGER NOT NULL,
    "file" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileSize" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FileSubmission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CountedDownload" (
    "id" SERIAL NOT NULL,
    "description" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileSize" INTEGER NOT NULL,
    "downloads" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CountedDownload_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SharedImage" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "image" TEXT NOT NULL,
    "imageName" TEXT NOT NULL,
    "imageSize" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SharedImage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DownloadEvent" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
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
    "durationMs" INTEGER,

    CONSTRAINT "DownloadEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "FileSubmission_ownerId_idx" ON "FileSubmission"("ownerId");

-- CreateIndex
CREATE UNIQUE INDEX "CountedDownload_description_key" ON "CountedDownload"("description");

-- CreateIndex
CREATE UNIQUE INDEX "SharedImage_title_key" ON "SharedImage"("title");

-- CreateIndex
CREATE INDEX "DownloadEvent_model_recordId_idx" ON "DownloadEvent"("model", "recordId");

-- CreateIndex
CREATE INDEX "DownloadEvent_userId_at_idx" ON "DownloadEvent"("userId", "at");

-- AddForeignKey
ALTER TABLE "FileSubmission" ADD CONSTRAINT "FileSubmission_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

