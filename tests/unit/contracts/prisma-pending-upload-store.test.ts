// prismaPendingUploadStore (next-private-files/prisma) through the published
// PendingUploadStore contract on SQLite: over a database with the demo's migrations
// applied, and over one whose only table is made by the SQL the kit ships
// (pending-upload.sqlite.sql). PostgreSQL: prisma-pending-upload-store-postgres.test.ts.
import { prismaPendingUploadStore } from "next-private-files/prisma";
import { runPendingUploadStoreContract } from "next-private-files/testing";
import { sqliteContractDatabases } from "./support/prisma-databases";

const { migrated, shipped } = sqliteContractDatabases("pending-upload");

runPendingUploadStoreContract("prismaPendingUploadStore (SQLite)", async () => {
  await migrated.pendingUpload.deleteMany({});
  return { store: prismaPendingUploadStore(migrated, { provider: "sqlite" }) };
});

runPendingUploadStoreContract("prismaPendingUploadStore (SQLite, the table from the kit's shipped SQL)", async () => {
  await shipped.pendingUpload.deleteMany({});
  return { store: prismaPendingUploadStore(shipped, { provider: "sqlite" }) };
});
