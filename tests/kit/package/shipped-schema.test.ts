// The tables the link stores need ship as files in the package (schema/): the Prisma model,
// its SQL, and the Drizzle tables' SQL. Here: npm packs them, and each Drizzle SQL file
// creates the columns its table definition declares (names, types, NOT NULL, the key).
// That the SQL makes a working table is the contract runs' part: they create their
// tables from these files (tests/kit/contracts/drizzle-link-store-*.test.ts,
// tests/unit/contracts/prisma-link-store*.test.ts).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { privateFileLinksPg, privateFileLinksSqlite } from "next-private-files/drizzle";
import { pgTableConfig, sqliteTableConfig } from "../support/drizzle-drivers";
import { shippedSchema } from "../support/shipped-schema";
import { KIT_DIR } from "./support/built-kit";

const SHIPPED = [
  "schema/drizzle/private-file-links.postgresql.sql",
  "schema/drizzle/private-file-links.sqlite.sql",
  "schema/prisma/file-link-token.postgresql.sql",
  "schema/prisma/file-link-token.prisma",
  "schema/prisma/file-link-token.sqlite.sql",
  "schema/prisma/pending-upload.postgresql.sql",
  "schema/prisma/pending-upload.prisma",
  "schema/prisma/pending-upload.sqlite.sql",
];

it("npm pack puts the schema files in the tarball, with the drizzle entry's source", { timeout: 60_000 }, async () => {
  // --dry-run lists what `npm pack` would put in the tarball (the package's "files"
  // through npm's own packlist); --ignore-scripts skips prepack's rebuild of dist/.
  const { stdout } = await promisify(execFile)("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: KIT_DIR });
  const [pack] = JSON.parse(stdout) as { files: { path: string }[] }[];
  const files = pack!.files.map((file) => file.path);
  expect(files.filter((file) => file.startsWith("schema/")).sort()).toEqual(SHIPPED);
  for (const file of ["src/drizzle.ts", "src/links/drizzle/sqlite-table.ts", "src/links/drizzle/pg-table.ts"]) expect(files).toContain(file);
});

interface SqlColumn {
  readonly name: string;
  readonly type: string;
  readonly notNull: boolean;
  readonly primaryKey: boolean;
}

/** The columns of the one CREATE TABLE in `sql`, one a line as the shipped files write them. */
function createTableColumns(sql: string): { table: string; columns: SqlColumn[] } {
  const create = /CREATE TABLE "(\w+)" \(([\s\S]*?)\n\);/.exec(sql);
  if (!create) throw new Error("no CREATE TABLE");
  const columns = create[2]!
    .split("\n")
    .map((line) => /^\s*"(\w+)" (.+?),?$/.exec(line))
    .filter((match) => match !== null)
    .map(([, name, rest]) => ({
      name: name!,
      type: rest!.replace(/ PRIMARY KEY| NOT NULL/g, "").toLowerCase(),
      notNull: rest!.includes("NOT NULL"),
      primaryKey: rest!.includes("PRIMARY KEY"),
    }));
  return { table: create[1]!, columns };
}

describe("the Drizzle SQL creates what the table definitions declare", () => {
  const tables = [
    { file: "drizzle/private-file-links.sqlite.sql", config: sqliteTableConfig(privateFileLinksSqlite) },
    { file: "drizzle/private-file-links.postgresql.sql", config: pgTableConfig(privateFileLinksPg) },
  ];
  for (const { file, config } of tables) {
    it(file, () => {
      const sql = createTableColumns(shippedSchema(file));
      expect(sql.table).toBe(config.name);
      // Drizzle writes "timestamp (3) with time zone"; the SQL, "timestamp(3) with time zone".
      const declared = config.columns.map((column) => ({ name: column.name, type: column.getSQLType().replace(" (", "(").toLowerCase(), notNull: column.notNull, primaryKey: column.primary }));
      expect(sql.columns).toEqual(declared);
      for (const index of config.indexes) expect(shippedSchema(file)).toContain(`CREATE INDEX "${index.config.name}"`);
    });
  }
});
