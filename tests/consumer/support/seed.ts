import Database from "better-sqlite3";
import { randomBytes, scryptSync } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

// Seeds the consumer app's database (made by its own `prisma migrate deploy`) and its
// storage root. This runs in the test process (Node 20, the workspace's better-sqlite3):
// the app's own better-sqlite3 is built for Node 24. The password hash has the format of
// the fixture's lib/password.ts.

export const PASSWORD = "team-files-password";

export interface SeededDocument {
  id: string;
  fileName: string;
  bytes: Buffer;
  /** The file route's URL path for this document. */
  url: string;
}

export interface Seed {
  member: { email: string };
  outsider: { email: string };
  /** Alpha's document: `member` belongs to Alpha, `outsider` does not. */
  alpha: SeededDocument;
  /** Beta's document: only `outsider` belongs to Beta. */
  beta: SeededDocument;
}

/** A cuid-shaped id (what `@default(cuid())` makes): "c" and 24 base-36 characters. */
function cuid(): string {
  const digits = [...randomBytes(24)].map((byte) => (byte % 36).toString(36)).join("");
  return `c${digits}`;
}

function passwordHash(password: string): string {
  const salt = randomBytes(16);
  return `scrypt:${salt.toString("hex")}:${scryptSync(password, salt, 32).toString("hex")}`;
}

export function seed(databaseFile: string, storageRoot: string): Seed {
  const db = new Database(databaseFile);
  try {
    const team = db.prepare(`INSERT INTO "Team" ("id", "name") VALUES (?, ?)`);
    const user = db.prepare(`INSERT INTO "User" ("id", "email", "name", "passwordHash") VALUES (?, ?, ?, ?)`);
    const membership = db.prepare(`INSERT INTO "Membership" ("id", "userId", "teamId") VALUES (?, ?, ?)`);
    const document = db.prepare(`INSERT INTO "Document" ("id", "title", "teamId", "file", "fileName") VALUES (?, ?, ?, ?, ?)`);

    const alphaTeam = cuid();
    const betaTeam = cuid();
    team.run(alphaTeam, "Alpha");
    team.run(betaTeam, "Beta");
    const member = { id: cuid(), email: "member@alpha.test" };
    const outsider = { id: cuid(), email: "outsider@beta.test" };
    user.run(member.id, member.email, "Member", passwordHash(PASSWORD));
    user.run(outsider.id, outsider.email, "Outsider", passwordHash(PASSWORD));
    membership.run(cuid(), member.id, alphaTeam);
    membership.run(cuid(), outsider.id, betaTeam);

    const stored = (teamId: string, folder: string, fileName: string, size: number): SeededDocument => {
      const id = cuid();
      const bytes = randomBytes(size);
      const file = `${folder}/${id}.pdf`;
      fs.mkdirSync(path.join(storageRoot, folder), { recursive: true });
      fs.writeFileSync(path.join(storageRoot, file), bytes);
      document.run(id, fileName, teamId, file, fileName);
      return { id, fileName, bytes, url: `/api/download/Document/file/${id}/${encodeURIComponent(fileName)}` };
    };
    return {
      member,
      outsider,
      alpha: stored(alphaTeam, "alpha", "Roadmap 2027.pdf", 300_000),
      beta: stored(betaTeam, "beta", "budget.pdf", 4_096),
    };
  } finally {
    db.close();
  }
}

/** The `downloads` counter of a document, read from the database the server writes. */
export function downloadsOf(databaseFile: string, id: string): number {
  const db = new Database(databaseFile, { readonly: true });
  try {
    const row = db.prepare(`SELECT "downloads" FROM "Document" WHERE "id" = ?`).get(id) as { downloads: number } | undefined;
    if (!row) throw new Error(`no document ${id}`);
    return row.downloads;
  } finally {
    db.close();
  }
}
