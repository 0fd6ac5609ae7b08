/** A stored path that would resolve outside the storage root: never served. */
export class UnsafeStoredPathError extends Error {
  override readonly name = "UnsafeStoredPathError";
  constructor(
    readonly storedPath: string,
    readonly reason: string,
  ) {
    super(`stored path ${JSON.stringify(storedPath)} is unsafe: ${reason}`);
  }
}

/** An upload that grew past its limit while streaming. */
export class UploadTooLargeError extends Error {
  override readonly name = "UploadTooLargeError";
  readonly status = 413;
  constructor(readonly maxBytes: number) {
    super(`upload exceeds the limit of ${maxBytes} bytes`);
  }
}
