import fs from "node:fs";
import path from "node:path";

/** The kit's schema/ folder: the tables its link stores need, shipped in the package. */
export const SCHEMA_DIR = path.resolve(import.meta.dirname, "../../../lib/private-files/schema");

/** A shipped schema file's text, e.g. `shippedSchema("drizzle/private-file-links.sqlite.sql")`. */
export function shippedSchema(file: string): string {
  return fs.readFileSync(path.join(SCHEMA_DIR, file), "utf8");
}
