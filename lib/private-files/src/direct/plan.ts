// How a declared size is cut into what the browser sends: one presigned PUT up to
// 100 MiB, S3 multipart past it. S3's own limits: parts of 5 MiB to 5 GiB (the last one
// may be smaller), at most 10 000 of them.

const MiB = 1024 * 1024;

/** Largest file sent as one presigned PUT; larger ones go up in parts. */
export const SINGLE_PUT_MAX_BYTES = 100 * MiB;
/** S3's smallest part (every part but the last). */
export const MIN_PART_BYTES = 5 * MiB;
/** S3's largest part. */
export const MAX_PART_BYTES = 5 * 1024 * MiB;
/** S3's most parts per upload. */
export const MAX_PARTS = 10_000;
/** Parts of this size unless the file needs larger ones to stay within MAX_PARTS. */
export const DEFAULT_PART_BYTES = 16 * MiB;

/** One part of a multipart upload: its number (from 1) and the bytes of the file it holds. */
export interface PlannedPart {
  readonly partNumber: number;
  /** Offset of its first byte in the file. */
  readonly start: number;
  /** Its exact length, signed into its URL. */
  readonly size: number;
}

/** The part size a file of `size` bytes uses: `preferred`, raised to whole MiB when 10 000 parts would not hold the file. */
export function partSizeFor(size: number, preferred: number): number {
  const needed = Math.ceil(Math.ceil(size / MAX_PARTS) / MiB) * MiB;
  return Math.max(preferred, needed);
}

/** Every part of a `size`-byte file cut in `partSize` pieces (the last holds the rest). */
export function planParts(size: number, partSize: number): PlannedPart[] {
  const parts: PlannedPart[] = [];
  for (let start = 0, partNumber = 1; start < size; start += partSize, partNumber++) {
    parts.push({ partNumber, start, size: Math.min(partSize, size - start) });
  }
  return parts;
}
