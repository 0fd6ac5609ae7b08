/** An upload whose type the field does not accept, by its extension or by its leading bytes (415). */
export class UnsupportedFileTypeError extends Error {
  override readonly name = "UnsupportedFileTypeError";
  readonly status = 415;
  constructor(
    message: string,
    /** The types the field accepts, for the error message a client sees. */
    readonly allowed: readonly string[],
  ) {
    super(message);
  }
}
