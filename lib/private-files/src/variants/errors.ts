/** The original cannot be made into a variant: corrupt, truncated, over `limitInputPixels` or `maxInputBytes` (422). */
export class UnprocessableImageError extends Error {
  readonly status = 422;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UnprocessableImageError";
  }
}

/** `sharp` could not be loaded: the app must install it (`npm install sharp`). */
export class SharpMissingError extends Error {
  readonly status = 500;
  constructor(cause: unknown) {
    super("image variants need the sharp package: npm install sharp", { cause });
    this.name = "SharpMissingError";
  }
}

/** A variant's lock was not had in time: another request is still making it (503). */
export class VariantLockTimeoutError extends Error {
  readonly status = 503;
  constructor(key: string, timeoutMs: number) {
    super(`waited ${timeoutMs} ms for the variant ${key} to be made elsewhere`);
    this.name = "VariantLockTimeoutError";
  }
}
