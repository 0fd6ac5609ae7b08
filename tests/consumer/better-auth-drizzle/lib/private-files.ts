import { eq } from "drizzle-orm";
import { definePrivateFiles, intId, localFileStorage, owner, privateModel } from "next-private-files";
import { betterAuthSession } from "next-private-files/better-auth";
import { apiKeySession } from "./api-key-session";
import { auth } from "./auth";
import { db } from "./db";
import { documents as documentsTable } from "./schema";

// Stored files live outside the project, where neither `public/` nor a build can reach them.
const storage = localFileStorage({ root: process.env.FILES_ROOT ?? "/var/lib/better-auth-drizzle" });
// Drizzle's better-sqlite3 driver answers synchronously; `load` wants a promise.
const loadDocument = async (id: number) => db.select().from(documentsTable).where(eq(documentsTable.id, id)).get();

// A document's file, for its owner only: the record's ownerId is the Better Auth user's id.
export const documents = privateModel({ id: intId, load: loadDocument }).fields({
  file: { condition: owner("ownerId") },
});

/** Browsers, signed in with Better Auth: /files/documents/file/<id>/<name>. */
export const privateFiles = definePrivateFiles({
  models: { documents },
  basePath: "/files",
  getSession: betterAuthSession(auth),
  storage,
});

// The same documents for scripts, with an API key: /api/files/documents/file/<id>/<name>.
export const apiDocuments = privateModel({ id: intId, load: loadDocument }).fields({
  file: { condition: owner("ownerId") },
});

export const apiFiles = definePrivateFiles({
  models: { documents: apiDocuments },
  basePath: "/api/files",
  getSession: apiKeySession,
  storage,
});
