// prismaLinkStore (next-private-files/prisma) through the published LinkStore contract on
// PostgreSQL: a cluster of this file's own, the demo's PostgreSQL Prisma client, and the
// FileLinkToken table made by the SQL the kit ships (file-link-token.postgresql.sql), so
// that SQL is proven too; the pool of 20 lets the 50 concurrent consumes race.
import { prismaLinkStore } from "next-private-files/prisma";
import { runLinkStoreContract } from "next-private-files/testing";
import { postgresContractDatabase } from "./support/prisma-databases";

const prisma = postgresContractDatabase("file-link-token");

runLinkStoreContract("prismaLinkStore (PostgreSQL)", async () => {
  await prisma().fileLinkToken.deleteMany({});
  return { store: prismaLinkStore(prisma().fileLinkToken) };
});
