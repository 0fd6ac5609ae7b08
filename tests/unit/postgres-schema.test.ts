import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { postgresMigrations } from "@/scripts/migrate";

// The demo has one schema per database (one build serves both, lib/db/prisma.ts
// picks the client): prisma/schema.prisma (SQLite) and prisma/postgres/schema.prisma.
// Their models must be the same, or the PostgreSQL client would not match the
// types the app is checked against.

const root = path.resolve(__dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

/** The model and enum blocks, without comments or blank lines. */
function models(schema: string): string {
  const blocks = schema.replace(/\/\/.*$/gm, "").match(/^(model|enum)\s+\w+\s*\{[^}]*\}/gm) ?? [];
  return blocks.map((block) => block.split("\n").map((line) => line.trim()).filter(Boolean).join("\n")).join("\n\n");
}

describe("prisma/postgres/schema.prisma", () => {
  it("declares the same models as prisma/schema.prisma", () => {
    const sqlite = models(read("prisma/schema.prisma"));
    expect(sqlite).toContain("model DownloadEvent");
    expect(models(read("prisma/postgres/schema.prisma"))).toBe(sqlite);
  });

  it("is PostgreSQL, generated next to the SQLite client", () => {
    const schema = read("prisma/postgres/schema.prisma");
    expect(schema).toMatch(/provider\s*=\s*"postgresql"/);
    expect(schema).toMatch(/output\s*=\s*"..\/..\/lib\/db\/generated-postgres"/);
  });

  it("has migrations that create every model's table", () => {
    const sql = postgresMigrations().map((m) => m.sql).join("\n");
    for (const [, name] of read("prisma/schema.prisma").matchAll(/^model\s+(\w+)/gm)) {
      expect(sql).toContain(`CREATE TABLE "${name}"`);
    }
  });
});
