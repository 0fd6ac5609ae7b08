// What a malware scanner is to the kit: one call that reads a whole file and says
// clean or infected. `clamdScanner` (next-private-files/clamav) is one; any other
// engine fits behind the same two types.

/** A scanner's answer: clean, or infected with the named signature. */
export type ScanVerdict = { readonly clean: true } | { readonly clean: false; readonly signature: string };

/** What the scanner is told about the file besides its bytes. */
export interface ScanInfo {
  /** The client's (cleaned) file name. */
  readonly name: string;
  /** Its size, in bytes. */
  readonly size: number;
}

/**
 * Scans completed uploads (`definePrivateFiles({ scan })`), on every upload path, before
 * any record exists: an infected verdict deletes the bytes and refuses with 422; a
 * scanner that cannot answer fails closed (503, nothing kept).
 * @example
 * ```ts
 * import type { Scanner } from "next-private-files/upload";
 *
 * // A scanner that refuses files containing a marker (for a test; use clamdScanner).
 * const marker: Scanner = {
 *   async scan(file) {
 *     const text = await new Response(file).text();
 *     return text.includes("EVIL") ? { clean: false, signature: "Test.Marker" } : { clean: true };
 *   },
 * };
 * ```
 */
export interface Scanner {
  /**
   * Reads the whole stream and gives a verdict.
   * @throws {ScannerUnavailableError} when it cannot give one (down, timed out, refused the size).
   */
  scan(file: ReadableStream<Uint8Array>, info: ScanInfo): Promise<ScanVerdict>;
}
