import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { SessionGetter } from "next-private-files";
import { db } from "./db";
import { apiKeys } from "./schema";

/** The session of a script: whose key it sent. */
export type ApiKeySession = { user: { id: string }; via: "api-key" };

/**
 * A generic session getter: `Authorization: Bearer <key>`, looked up by its SHA-256 in the
 * app's api_keys table. No header or an unknown key: anonymous. A failing database rejects.
 */
export const apiKeySession: SessionGetter<ApiKeySession> = async (request) => {
  const match = /^Bearer ([A-Za-z0-9_-]{16,200})$/.exec(request.headers.get("authorization") ?? "");
  if (!match) return null;
  const keyHash = createHash("sha256").update(match[1]!).digest("hex");
  const key = await db.select({ userId: apiKeys.userId }).from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).get();
  return key ? { user: { id: key.userId }, via: "api-key" } : null;
};
