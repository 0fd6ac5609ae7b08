import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The kit ships prismaLinkStore's model and its SQL (lib/private-files/schema/prisma/):
// they are the demo's FileLinkToken model and the table its migrations create, so what
// users paste is what the demo runs on (the contract runs prove the SQL works:
// tests/unit/contracts/prisma-link-store*.test.ts).

const root = path.resolve(__dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const shipped = (file: string) => read(`lib/private-files/schema/prisma/${file}`);

/** The FileLinkToken model block, without comments, blank lines or indentation. */
function linkModel(schema: string): string {
  const block = /^model FileLinkToken\s*\{[^}]*\}/m.exec(schema.replace(/\/\/.*$/gm, ""))?.[0];
  if (!block) throw new Error("no FileLinkToken model");
  return block.split("\n").map((line) => line.trim().replace(/\s+/g, " ")).filter(Boolean).join("\n");
}

/** The FileLinkToken table's statements (CREATE TABLE, CREATE INDEX), without comments. */
function linkTableSql(sql: string): string[] {
  return sql
    .replace(/--.*$/gm, "")
    .split(";")
    .map((statement) => statement.replace(/\s+/g, " ").trim())
    .filter((statement) => /^CREATE (TABLE|INDEX) "FileLinkToken/.test(statement) || / ON "FileLinkToken"/.test(statement));
}

function migrationSql(dir: string): string {
  return fs
    .readdirSync(path.join(root, dir))
    .filter((name) => fs.existsSync(path.join(root, dir, name, "migration.sql")))
    .map((name) => read(path.join(dir, name, "migration.sql")))
    .join("\n");
}

describe("the kit's shipped Prisma schema for prismaLinkStore", () => {
  it("file-link-token.prisma is the demo's FileLinkToken model, in both of its schemas", () => {
    const model = linkModel(shipped("file-link-token.prisma"));
    expect(model).toContain("usedBy String?");
    expect(model).toBe(linkModel(read("prisma/schema.prisma")));
    expect(model).toBe(linkModel(read("prisma/postgres/schema.prisma")));
  });

  it("its SQL is the table the demo's migrations create, on SQLite and on PostgreSQL", () => {
    for (const [file, migrations] of [
      ["file-link-token.sqlite.sql", "prisma/migrations"],
      ["file-link-token.postgresql.sql", "prisma/postgres/migrations"],
    ] as const) {
      const statements = linkTableSql(shipped(file));
      expect(statements, file).toHaveLength(3);
      expect(statements, file).toEqual(linkTableSql(migrationSql(migrations)));
    }
  });
});
