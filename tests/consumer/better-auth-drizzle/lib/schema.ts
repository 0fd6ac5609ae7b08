import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

// The app's own tables (created by scripts/migrate.mjs in plain SQL), read with Drizzle.

/** A document: its owner is a Better Auth user (`user.id`), its file a path in storage. */
export const documents = sqliteTable("documents", {
  id: integer("id").primaryKey(),
  ownerId: text("owner_id").notNull(),
  title: text("title").notNull(),
  file: text("file"),
});

/** API keys for scripts: only the SHA-256 of a key is stored, never the key. */
export const apiKeys = sqliteTable("api_keys", {
  id: integer("id").primaryKey(),
  userId: text("user_id").notNull(),
  keyHash: text("key_hash").notNull().unique(),
});
