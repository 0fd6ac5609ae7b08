import fs from "node:fs/promises";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";

// s3rver 3.7.1 answers NotImplemented to ListParts (GET ?uploadId=) and to
// AbortMultipartUpload (DELETE ?uploadId=), which @tus/s3-store needs to resume and to
// terminate an upload. This Koa middleware, put before s3rver's own, answers both from
// the parts s3rver keeps on disk: `<uploads dir>/<uploadId>/<partNumber>` with a
// `<partNumber>.md5` beside it (node_modules/s3rver/lib/stores/filesystem.js), where the
// uploads dir is the store's `getResourcePath(bucket, undefined, "uploads")`.
// Path-style requests only (the harness's clients use forcePathStyle). Test harness only.

/** The little of s3rver's Koa context the middleware reads. */
interface KoaContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
}

/** What the middleware needs of the S3rver instance (a Koa app with a filesystem store). */
export interface S3rverApp {
  middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[];
  store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string };
}

interface StoredPart {
  readonly number: number;
  readonly size: number;
  readonly md5: string;
  readonly lastModified: Date;
}

/** Puts the ListParts and AbortMultipartUpload answers first in s3rver's middleware. Call before `run()`. */
export function addMultipartListAndAbort(app: S3rverApp): void {
  app.middleware.unshift(async (ctx, next) => {
    const uploadId = typeof ctx.query.uploadId === "string" ? ctx.query.uploadId : undefined;
    const [bucket, ...keyParts] = ctx.path.split("/").filter(Boolean).map(decodeURIComponent);
    if (uploadId === undefined || bucket === undefined || keyParts.length === 0 || (ctx.method !== "GET" && ctx.method !== "DELETE")) {
      return next();
    }
    const key = keyParts.join("/");
    // An upload id is s3rver's 32 hex digits: nothing else may name a directory.
    const uploadDir = /^[0-9a-f]{32}$/.test(uploadId) ? path.join(app.store.getResourcePath(bucket, undefined, "uploads"), uploadId) : undefined;
    const storedKey = uploadDir === undefined ? null : await fs.readFile(path.join(uploadDir, "key"), "utf8").catch(() => null);
    if (uploadDir === undefined || storedKey !== key) {
      s3Error(ctx, 404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.");
      return;
    }
    if (ctx.method === "DELETE") {
      await fs.rm(uploadDir, { recursive: true, force: true });
      ctx.status = 204;
      ctx.body = null;
      return;
    }
    const marker = Number(ctx.query["part-number-marker"] ?? 0);
    const maxParts = Math.min(Number(ctx.query["max-parts"] ?? 1000) || 1000, 1000);
    const all = (await storedParts(uploadDir)).filter((part) => part.number > marker);
    const parts = all.slice(0, maxParts);
    const truncated = all.length > parts.length;
    ctx.status = 200;
    ctx.type = "application/xml";
    ctx.body = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Bucket>${xml(bucket)}</Bucket><Key>${xml(key)}</Key><UploadId>${uploadId}</UploadId>`,
      `<PartNumberMarker>${marker}</PartNumberMarker>`,
      `<NextPartNumberMarker>${parts.at(-1)?.number ?? marker}</NextPartNumberMarker>`,
      `<MaxParts>${maxParts}</MaxParts><IsTruncated>${truncated}</IsTruncated>`,
      ...parts.map(
        (part) =>
          `<Part><PartNumber>${part.number}</PartNumber><LastModified>${part.lastModified.toISOString()}</LastModified>` +
          `<ETag>"${part.md5}"</ETag><Size>${part.size}</Size></Part>`,
      ),
      "</ListPartsResult>",
    ].join("");
  });
}

/** The parts of one upload, by number; a part still being written (no .md5 yet) is not listed. */
async function storedParts(uploadDir: string): Promise<StoredPart[]> {
  const names = await fs.readdir(uploadDir);
  const parts: StoredPart[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const md5 = await fs.readFile(path.join(uploadDir, `${name}.md5`), "utf8").catch(() => null);
    if (md5 === null) continue;
    const stat = await fs.stat(path.join(uploadDir, name));
    parts.push({ number: Number(name), size: stat.size, md5: md5.trim(), lastModified: stat.mtime });
  }
  return parts.sort((a, b) => a.number - b.number);
}

function s3Error(ctx: KoaContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = "application/xml";
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message></Error>`;
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
