// prismaLinkStore (next-private-files/prisma) through the published LinkStore contract on
// SQLite: over a database with the demo's migrations applied, and over one whose only
// table is made by the SQL the kit ships (file-link-token.sqlite.sql). PostgreSQL:
// prisma-link-store-postgres.test.ts.
import { prismaLinkStore } from "next-private-files/prisma";
import { runLinkStoreContract } from "next-private-files/testing";
import { sqliteContractDatabases } from "./support/prisma-databases";

const { migrated, shipped } = sqliteContractDatabases("file-link-token");

runLinkStoreContract("prismaLinkStore (SQLite)", async () => {
  await migrated.fileLinkToken.deleteMany({});
  return { store: prismaLinkStore(migrated.fileLinkToken) };
});

runLinkStoreContract("prismaLinkStore (SQLite, the table from the kit's shipped SQL)", async () => {
  await shipped.fileLinkToken.deleteMany({});
  return { store: prismaLinkStore(shipped.fileLinkToken) };
});
