-- A file downloaded as part of a zip (next-private-files/zip): which zip, and where in it.
ALTER TABLE "DownloadEvent" ADD COLUMN "archiveId" TEXT;
ALTER TABLE "DownloadEvent" ADD COLUMN "archiveName" TEXT;
ALTER TABLE "DownloadEvent" ADD COLUMN "archiveIndex" INTEGER;
