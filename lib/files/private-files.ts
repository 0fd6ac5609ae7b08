import {
  definePrivateFiles,
  intId,
  preDownload,
  privateModel,
  signedIn,
  type Condition,
  type UploadCondition,
} from "next-private-files";
import { nextAuthSession } from "next-private-files/next-auth";
import { prismaLinkStore } from "next-private-files/prisma";
import { authOptions } from "../auth/options";
import { connectAuditTrail } from "./audit-trail";
import { deliveryFromEnv } from "./delivery";
import { refusalPage } from "./refusal-page";
import { storageFromEnv } from "./storage";
import { scannerFromEnv } from "./scanner";
import { uploadLimitsFromEnv } from "./upload-limits";
import { MAX_DESCRIPTION } from "./submission-rules";
import { recordUploadRefusal } from "./upload-audit";
import { imagesFromEnv, logVariantGenerated, SHARED_IMAGE_VARIANTS, SUBMISSION_VARIANTS } from "./image-variants";
import { groupCommit } from "../db/group-commit";
import { demoOrigins } from "../http/guard";
import { prisma } from "../db/prisma";
import type { FileSubmission } from "../db/generated/client";

// The seed's `is_owner`, as written in TypeScript.
const isOwner: Condition<FileSubmission> = (request, instance) =>
  request.user !== null && String(instance.ownerId) === request.user.id;

/** Any signed-in user, with a description the submission can keep. */
const mayUploadSubmission: UploadCondition = (request) =>
  request.user !== null && (request.metadata.description ?? "").trim().length <= MAX_DESCRIPTION;

/** What people may hand in: documents, spreadsheets, images, archives, audio and video. */
const SUBMISSION_TYPES = [
  "application/pdf",
  "text/plain",
  "text/csv",
  "text/markdown",
  "application/json",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/zip",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
  "video/mp4",
  "video/webm",
  "audio/mpeg",
  "audio/wav",
];

/**
 * FileSubmission.file: only its owner may download it, as an attachment; the owner may
 * share it with links that need no session (app/api/links): for up to a week, or for
 * one download.
 */
export const fileSubmissions = privateModel({
  id: intId,
  load: (id) => prisma.fileSubmission.findUnique({ where: { id } }),
}).fields({
  file: {
    uploadTo: "submissions",
    condition: isOwner,
    originalName: "fileName",
    allowedTypes: SUBMISSION_TYPES,
    links: { signed: true, singleUse: true, maxExpiresIn: 7 * 24 * 3600 },
    // Resumable (app/uploads) and direct (app/uploads/direct) uploads: any signed-in
    // user, to their own submissions (the record is made with them as its owner).
    upload: { condition: mayUploadSubmission },
    // Submitted images get a thumbnail and a preview, owner-only like the original.
    variants: SUBMISSION_VARIANTS,
  },
});

/** CountedDownload.file: any signed-in user; every download is counted below. */
export const countedDownloads = privateModel({
  id: intId,
  load: (id) => prisma.countedDownload.findUnique({ where: { id } }),
}).fields({
  file: { uploadTo: "downloadables", condition: signedIn, originalName: "fileName" },
});

/**
 * SharedImage.image: any signed-in user, shown inline (an image preview), with a
 * thumbnail (made at upload) and widths for srcset (./image-variants.ts).
 */
export const sharedImages = privateModel({
  id: intId,
  load: (id) => prisma.sharedImage.findUnique({ where: { id } }),
}).fields({
  image: { uploadTo: "images", attachment: false, originalName: "imageName", variants: SHARED_IMAGE_VARIANTS },
});

export const privateFiles = definePrivateFiles({
  models: {
    FileSubmission: fileSubmissions,
    CountedDownload: countedDownloads,
    SharedImage: sharedImages,
  },
  getSession: nextAuthSession(authOptions),
  // Local files, or an S3 bucket with PRIVATE_FILES_STORAGE=s3 (see ./storage.ts).
  // A field may name its own `storage` to live elsewhere than this default.
  storage: storageFromEnv(),
  signInUrl: "/signin",
  // Browsers get a page for 403 and 404 (401 goes to sign in); API clients keep plain text.
  refusalPage,
  // 2 GiB per file unless PRIVATE_FILES_MAX_UPLOAD_BYTES says otherwise: big files
  // come by the resumable route (app/uploads); the multipart form takes the same limit.
  maxUploadBytes: Number(process.env.PRIVATE_FILES_MAX_UPLOAD_BYTES) || 2 * 1024 ** 3,
  timeoutMs: Number(process.env.PRIVATE_FILES_TIMEOUT_MS) || undefined,
  // A download whose client stops reading, or an upload whose client stops sending,
  // is given up after this long (default 60 s; tests set a short one).
  idleTimeoutMs: Number(process.env.PRIVATE_FILES_IDLE_TIMEOUT_MS) || undefined,
  // 2 GiB per user, 4 multipart uploads at once, unfinished resumable and direct
  // uploads reserved against the quota (./upload-limits.ts), held in the database.
  uploads: uploadLimitsFromEnv(),
  // Every completed upload is scanned before its record exists, when CLAMD_SOCKET or
  // CLAMD_HOST names a clamd (./scanner.ts); an infected or unscanned file is never kept.
  scan: scannerFromEnv(),
  // Uploads refused after their bytes arrived get an UploadEvent row.
  // Each image variant made logs a line (./image-variants.ts).
  on: { uploadRefused: recordUploadRefusal, variantGenerated: logVariantGenerated },
  // Variants: the PostgreSQL locker on PostgreSQL, 2 resizes at once, 100 megapixels at most.
  images: imagesFromEnv(),
  delivery: deliveryFromEnv(),
  // Links are signed with PRIVATE_FILES_LINK_SECRET (and PRIVATE_FILES_LINK_PREVIOUS_SECRETS
  // during a rotation) and recorded in FileLinkToken, shared by every app instance.
  links: { store: prismaLinkStore(prisma.fileLinkToken) },
  // Downloads skip proxy.ts (speed): the route answers 421 to a Host not of these itself.
  origins: demoOrigins,
});

connectAuditTrail();

export const fileUrl = privateFiles.fileUrl;

// The seed's download counter. An atomic increment in the database, so concurrent
// downloads never lose a count; a resumed download (a range not starting at byte 0)
// is the same download and is not counted again. Downloads of one file that arrive
// together share one UPDATE (+n), committed before any of them sends a byte; each file
// has its own, so a failing update fails only the downloads of that file.
// Raw SQL (parameterised; the same on SQLite and PostgreSQL) because it runs on every
// download: Prisma's query compiler costs 0.3-0.4 ms of CPU per ORM call here, about
// four times this statement (docs/performance.md).
const countDownload = groupCommit(
  (id: number) => id,
  async (id, downloads) => {
    const changed = await prisma.$executeRaw`UPDATE "CountedDownload" SET "downloads" = "downloads" + ${downloads.length} WHERE "id" = ${id}`;
    if (changed === 0) throw new Error(`CountedDownload ${id} is gone`);
  },
);

preDownload.connect(
  async ({ record, range }) => {
    if (range !== null && range.start !== 0) return;
    await countDownload(record.id);
  },
  { sender: countedDownloads },
);
