import { prisma } from "../db/prisma";
import type { FileSubmission } from "../db/generated/client";
import { privateFiles } from "./private-files";

/** One downloadable file, as `GET /api/files` and the home page show it. */
export interface FileItem {
  model: string;
  field: string;
  id: number;
  description: string;
  filename: string;
  size: number;
  url: string;
  createdAt: string;
  downloads?: number;
}

/** A FileSubmission as the API shows it. */
export function submissionItem(record: FileSubmission): FileItem {
  return {
    model: "FileSubmission",
    field: "file",
    id: record.id,
    description: record.description,
    filename: record.fileName,
    // A safe integer: files are far below 2^53 bytes.
    size: Number(record.fileSize),
    url: privateFiles.fileUrl("FileSubmission", "file", record),
    createdAt: record.createdAt.toISOString(),
  };
}

/** Every file the user may download. Each query mirrors its field's condition. */
export async function listFilesFor(userId: number): Promise<FileItem[]> {
  const [submissions, counted, images] = await Promise.all([
    prisma.fileSubmission.findMany({ where: { ownerId: userId, file: { not: "" } }, orderBy: { id: "desc" } }),
    prisma.countedDownload.findMany({ where: { file: { not: "" } }, orderBy: { id: "asc" } }),
    prisma.sharedImage.findMany({ where: { image: { not: "" } }, orderBy: { id: "asc" } }),
  ]);
  return [
    ...submissions.map(submissionItem),
    ...counted.map((record) => ({
      model: "CountedDownload",
      field: "file",
      id: record.id,
      description: record.description,
      filename: record.fileName,
      // A safe integer: files are far below 2^53 bytes.
    size: Number(record.fileSize),
      url: privateFiles.fileUrl("CountedDownload", "file", record),
      createdAt: record.createdAt.toISOString(),
      downloads: record.downloads,
    })),
    ...images.map((record) => ({
      model: "SharedImage",
      field: "image",
      id: record.id,
      description: record.title,
      filename: record.imageName,
      size: record.imageSize,
      url: privateFiles.fileUrl("SharedImage", "image", record),
      createdAt: record.createdAt.toISOString(),
    })),
  ];
}
