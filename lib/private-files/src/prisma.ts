// next-private-files/prisma: the link store (`links.store`) on a Prisma table. It takes
// the model's delegate (`prisma.linkToken`), so it imports nothing of Prisma itself.
export { prismaLinkStore } from "./links/prisma-store.js";
export type { LinkTokenDelegate } from "./links/prisma-store.js";
