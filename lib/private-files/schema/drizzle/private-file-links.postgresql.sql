-- The table of privateFileLinksPg (next-private-files/drizzle) on PostgreSQL, for
-- drizzleLinkStore: for creating it by hand instead of with drizzle-kit. Another name
-- (pgLinkTable("…")): rename the table and its indexes; keep the columns.
CREATE TABLE "private_file_links" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "model" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,
    "single_use" BOOLEAN NOT NULL,
    "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
    "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
    "created_by" TEXT,
    "used_at" TIMESTAMP(3) WITH TIME ZONE,
    "used_by" TEXT,
    "revoked_at" TIMESTAMP(3) WITH TIME ZONE
);

CREATE INDEX "private_file_links_record_idx" ON "private_file_links" ("model", "field", "record_id");

CREATE INDEX "private_file_links_expires_at_idx" ON "private_file_links" ("expires_at");
