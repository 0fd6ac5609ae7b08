import { prisma } from "../db/prisma";
import { hasVariants } from "./image-types";
import { privateFiles } from "./private-files";

/** One photo of the gallery page: its title and the file URL `<PrivateImage>` loads it from. */
export interface GalleryImage {
  id: number;
  title: string;
  filename: string;
  url: string;
}

/**
 * The shared images a signed-in user may see (SharedImage.image's condition is "signed
 * in", so every one), oldest first, the videos and other files of that field left out.
 */
export async function galleryImages(): Promise<GalleryImage[]> {
  const records = await prisma.sharedImage.findMany({ where: { image: { not: "" } }, orderBy: { id: "asc" } });
  return records
    .filter((record) => hasVariants(record.imageName))
    .map((record) => ({ id: record.id, title: record.title, filename: record.imageName, url: privateFiles.fileUrl("SharedImage", "image", record) }));
}
