import { prisma } from "../db/prisma";
import { privateFiles } from "./private-files";
import { SUBMISSION_VARIANTS } from "./image-variants";

// The demo's "Share" action: the owner of a FileSubmission makes links to it that work
// without a session (a 24-hour link, or a single-use one), lists them and revokes them.

export type ShareKind = "24h" | "single-use";
export const SHARE_KINDS: readonly ShareKind[] = ["24h", "single-use"];

/** The image variants a link may be made for (the link then opens that variant only). */
export type ShareVariant = keyof typeof SUBMISSION_VARIANTS;
export const SHARE_VARIANTS = Object.keys(SUBMISSION_VARIANTS) as readonly ShareVariant[];

/** A link as the API shows it to its owner. */
export interface ShareLink {
  id: string;
  /** Absolute: the origin of the request that made it, then the file URL with its token. */
  url?: string;
  singleUse: boolean;
  expiresAt: string;
  createdAt: string;
  usedAt: string | null;
  revokedAt: string | null;
}

/** The user's own submission, or null (someone else's and missing look the same). */
function ownSubmission(userId: number, submissionId: number) {
  return prisma.fileSubmission.findFirst({ where: { id: submissionId, ownerId: userId, file: { not: "" } } });
}

/** Makes a link to the user's submission (or one image variant of it); null when it is not theirs. The URL is shown once, here. */
export async function createShareLink(userId: number, submissionId: number, kind: ShareKind, origin: string, variant?: ShareVariant): Promise<ShareLink | null> {
  const record = await ownSubmission(userId, submissionId);
  if (!record) return null;
  const link = await privateFiles.createFileLink("FileSubmission", "file", record, {
    expiresIn: 24 * 3600,
    singleUse: kind === "single-use",
    createdBy: String(userId),
    variant,
  });
  return {
    id: link.id,
    url: new URL(link.url, origin).href,
    singleUse: link.singleUse,
    expiresAt: link.expiresAt.toISOString(),
    createdAt: new Date().toISOString(),
    usedAt: null,
    revokedAt: null,
  };
}

/** The links the user made to their submission that have not expired; null when it is not theirs. */
export async function listShareLinks(userId: number, submissionId: number): Promise<ShareLink[] | null> {
  if (!(await ownSubmission(userId, submissionId))) return null;
  const rows = await prisma.fileLinkToken.findMany({
    where: { model: "FileSubmission", field: "file", recordId: String(submissionId), createdBy: String(userId), expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((row) => ({
    id: row.id,
    singleUse: row.singleUse,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    usedAt: row.usedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  }));
}

/** Revokes a link the user made; false when there is no such link of theirs. */
export async function revokeShareLink(userId: number, linkId: string): Promise<boolean> {
  const link = await privateFiles.links.find(linkId);
  if (!link || link.createdBy !== String(userId)) return false;
  return privateFiles.links.revoke(linkId);
}
