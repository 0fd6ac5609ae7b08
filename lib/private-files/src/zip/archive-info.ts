/**
 * Which zip a file was part of, on the hooks' events (`event.archive`); `null` on the
 * events of a single-file download. Every entry of one zip request carries the same
 * `id`, `name` and `entries`, and its own `index`.
 * @example
 * ```ts
 * import { downloadFinished } from "next-private-files";
 *
 * downloadFinished.connect(({ recordId, outcome, archive }) => {
 *   const where = archive ? ` (entry ${archive.index + 1} of ${archive.entries} in ${archive.name})` : "";
 *   console.info(`record ${recordId}: ${outcome}${where}`);
 * });
 * ```
 */
export interface ArchiveInfo {
  /** A random id of this zip request (22 base64url characters): the rows of one zip share it. */
  readonly id: string;
  /** The zip's file name, as in its `Content-Disposition` (`files.zip`). */
  readonly name: string;
  /** How many files the request asked for (the zip's entries, when it is granted). */
  readonly entries: number;
  /** This file's place in the request's list, from 0. */
  readonly index: number;
}
