/**
 * The original cannot be made into a variant: corrupt, truncated, over
 * `images.limitInputPixels` or `images.maxInputBytes`. The route answers 422 and keeps
 * nothing; the next request tries again.
 * @example
 * ```ts
 * import { UnprocessableImageError } from "next-private-files";
 *
 * const error = new UnprocessableImageError("the image cannot be resized: Input image exceeds pixel limit");
 * error.status; // 422
 * ```
 */
export class UnprocessableImageError extends Error {
  override readonly name = "UnprocessableImageError";
  /** The HTTP status to answer with: 422. */
  readonly status = 422;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * `sharp` could not be imported: the app must install it (`npm install sharp`). The route
 * answers 500 with that advice and logs it.
 * @example
 * ```ts
 * import { SharpMissingError } from "next-private-files";
 *
 * const error = new SharpMissingError(new Error("Cannot find package 'sharp'"));
 * error.message; // "image variants need the sharp package: npm install sharp"
 * ```
 */
export class SharpMissingError extends Error {
  override readonly name = "SharpMissingError";
  /** The HTTP status to answer with: 500. */
  readonly status = 500;
  constructor(cause: unknown) {
    super("image variants need the sharp package: npm install sharp", { cause });
  }
}

/**
 * A variant's lock was not had within the locker's timeout: another request (or
 * instance) is still making it. The route answers 503 with `Retry-After`.
 * @example
 * ```ts
 * import { VariantLockTimeoutError } from "next-private-files";
 *
 * const error = new VariantLockTimeoutError("photos/.variants/a.png/thumb-1a2b3c4d5e6f.webp", 30_000);
 * error.status; // 503
 * ```
 */
export class VariantLockTimeoutError extends Error {
  override readonly name = "VariantLockTimeoutError";
  /** The HTTP status to answer with: 503. */
  readonly status = 503;
  constructor(key: string, timeoutMs: number) {
    super(`waited ${timeoutMs} ms for the variant ${key} to be made elsewhere`);
  }
}
