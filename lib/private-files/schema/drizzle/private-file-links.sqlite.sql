-- The table of privateFileLinksSqlite (next-private-files/drizzle) on SQLite, for
-- drizzleLinkStore: for creating it by hand instead of with drizzle-kit. Another name
-- (sqliteLinkTable("…")): rename the table and its indexes; keep the columns.
-- Times are milliseconds since the epoch. RETURNING needs SQLite 3.35 or later.
CREATE TABLE "private_file_links" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "model" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,
    "single_use" INTEGER NOT NULL,
    "expires_at" INTEGER NOT NULL,
    "created_at" INTEGER NOT NULL,
    "created_by" TEXT,
    "used_at" INTEGER,
    "used_by" TEXT,
    "revoked_at" INTEGER
);

CREATE INDEX "private_file_links_record_idx" ON "private_file_links" ("model", "field", "record_id");

CREATE INDEX "private_file_links_expires_at_idx" ON "private_file_links" ("expires_at");
