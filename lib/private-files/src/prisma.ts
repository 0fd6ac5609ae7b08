// next-private-files/prisma: the link store (`links.store`) on a Prisma table. It takes
// the model's delegate (`prisma.linkToken`), so it imports nothing of Prisma itself.
export { prismaLinkStore } from "./links/prisma-store.js";
export type { LinkTokenDelegate } from "./links/prisma-store.js";
// And the pending uploads of the upload routes (`uploads.pending`) on a Prisma table.
export { prismaPendingUploadStore } from "./upload/pending/prisma-store.js";
export type { PendingUploadDelegate, PendingUploadClient, PendingUploadPrisma, PendingUploadRow, PrismaPendingUploadOptions } from "./upload/pending/prisma-store.js";
