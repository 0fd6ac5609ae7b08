// prismaPendingUploadStore (next-private-files/prisma) through the published
// PendingUploadStore contract on PostgreSQL: a cluster of this file's own, the demo's
// PostgreSQL Prisma client with a pool of 20 (so the racing reservations run on separate
// connections and only the advisory lock makes them take turns), and the table made by
// the SQL the kit ships (pending-upload.postgresql.sql).
import { prismaPendingUploadStore } from "next-private-files/prisma";
import { runPendingUploadStoreContract } from "next-private-files/testing";
import { postgresContractDatabase } from "./support/prisma-databases";

const prisma = postgresContractDatabase("pending-upload");

runPendingUploadStoreContract("prismaPendingUploadStore (PostgreSQL)", async () => {
  await prisma().pendingUpload.deleteMany({});
  return { store: prismaPendingUploadStore(prisma(), { provider: "postgresql" }) };
});
