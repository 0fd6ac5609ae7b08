-- AlterTable
ALTER TABLE "DownloadEvent" ADD COLUMN     "archiveId" TEXT,
ADD COLUMN     "archiveIndex" INTEGER,
ADD COLUMN     "archiveName" TEXT;
