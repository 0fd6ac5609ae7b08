import pg from "pg";
import { postgresVariantLocker, type ImageOptions, type VariantGeneratedListener, type VariantOptions } from "next-private-files";
import { databaseUrl, isPostgresUrl } from "../db/database-url";

// The demo's image variants (docs/images.md): what SharedImage and FileSubmission images
// are resized to, how (the locker, the limits), and the line each resize logs.

/**
 * Shared images: a 320 px webp thumbnail (made as soon as an image is uploaded, for the
 * list), and widths for `srcset` (`<Image>` with `privateImageLoader` asks `?w=`).
 */
export const SHARED_IMAGE_VARIANTS = {
  thumb: { width: 320, format: "webp", pregenerate: true },
  medium: { width: 640, format: "webp" },
  preview: { width: 1280 },
} as const satisfies Record<string, VariantOptions>;

/** Submissions' images (owner-only, like their originals): a thumbnail (made at upload) and a preview. */
export const SUBMISSION_VARIANTS = {
  thumb: { width: 320, format: "webp", pregenerate: true },
  preview: { width: 1280 },
} as const satisfies Record<string, VariantOptions>;

/**
 * PostgreSQL: several app instances may get the first requests for one variant at once,
 * so it is made under a PostgreSQL advisory lock (on a small pool of its own: the maker
 * holds one connection while it resizes; waiters borrow one per try). SQLite: one
 * instance, the in-process locker.
 */
function lockerFromEnv(): ImageOptions["locker"] {
  const url = databaseUrl();
  if (!isPostgresUrl(url)) return undefined;
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.VARIANT_LOCK_POOL_SIZE) || 4,
    connectionTimeoutMillis: Number(process.env.POSTGRES_CONNECT_TIMEOUT_MS) || 3000,
    idleTimeoutMillis: 30_000,
  });
  pool.on("error", (error) => console.warn(`postgres (variant locks): idle connection lost: ${error.message}`));
  return postgresVariantLocker(pool);
}

/** How variants are made: 2 resizes at once, originals up to 100 megapixels (PRIVATE_FILES_IMAGE_MAX_PIXELS). */
export function imagesFromEnv(): ImageOptions {
  return {
    locker: lockerFromEnv(),
    concurrency: Number(process.env.PRIVATE_FILES_IMAGE_CONCURRENCY) || undefined,
    limitInputPixels: Number(process.env.PRIVATE_FILES_IMAGE_MAX_PIXELS) || undefined,
  };
}

/**
 * One line per resize, on standard output: what an operator watches, and what the
 * integration tests count (a second request must not resize again).
 */
export const logVariantGenerated: VariantGeneratedListener = (event) => {
  console.info(
    `[private-files] variant made: ${event.model}.${event.field} ${event.recordId ?? "(upload)"} ${event.variant} ${event.width}x${event.height} ${event.format} ${event.bytes} bytes ${Math.round(event.ms)} ms key=${event.key}`,
  );
};
