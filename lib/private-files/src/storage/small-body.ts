/**
 * Answers up to this size are read whole (`OpenedFile.read`) instead of streamed: the
 * stream delivery's cut-off, and so local storage's default for reading synchronously.
 */
export const SMALL_BODY_BYTES = 64 * 1024;
