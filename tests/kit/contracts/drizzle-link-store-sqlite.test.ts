// drizzleLinkStore (next-private-files/drizzle) through the published LinkStore contract on
// SQLite: better-sqlite3 over a temp database file, the table made by the SQL the package
// ships (schema/drizzle/private-file-links.sqlite.sql), so the shipped SQL is proven too.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll } from "vitest";
import { drizzleLinkStore, privateFileLinksSqlite, sqliteLinkTable } from "next-private-files/drizzle";
import { runLinkStoreContract } from "next-private-files/testing";
import { drizzleBetterSqlite3 } from "../support/drizzle-drivers";
import { shippedSchema } from "../support/shipped-schema";

const directory = fs.mkdtempSync(path.join(os.tmpdir(), "pf-contract-drizzle-sqlite-"));
const sqlite = new Database(path.join(directory, "links.db"));
sqlite.pragma("journal_mode = WAL");
const sql = shippedSchema("drizzle/private-file-links.sqlite.sql");
sqlite.exec(sql);
// A table of another name (sqliteLinkTable("file_links")): the same SQL, renamed as its
// comment says.
sqlite.exec(sql.replaceAll("private_file_links", "file_links"));
const db = drizzleBetterSqlite3(sqlite);
afterAll(() => {
  sqlite.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

runLinkStoreContract("drizzleLinkStore (SQLite, better-sqlite3)", () => {
  sqlite.exec("DELETE FROM private_file_links");
  return { store: drizzleLinkStore({ db, table: privateFileLinksSqlite }) };
});

const fileLinks = sqliteLinkTable("file_links");
runLinkStoreContract("drizzleLinkStore (SQLite, a table named by sqliteLinkTable)", () => {
  sqlite.exec("DELETE FROM file_links");
  return { store: drizzleLinkStore({ db, table: fileLinks }) };
});
