/**
 * The file name a browser meant, from a multipart `filename="…"`. The HTML standard
 * has browsers send `"` as `%22`, CR as `%0D` and LF as `%0A` there (and nothing else
 * escaped), so exactly those three escapes are decoded: a `%25` or `%41` in a name is
 * what the person typed and stays as it is. CR and LF come back only to be dropped
 * with the other control characters by `uploadName`. `readMultipart` does this already;
 * use it with another multipart parser.
 * @example
 * ```ts
 * import { decodeFormFileName } from "next-private-files/upload";
 *
 * decodeFormFileName("say %22hi%22.txt"); // 'say "hi".txt'
 * decodeFormFileName("100%25.txt"); // "100%25.txt": what the person typed
 * ```
 */
export function decodeFormFileName(name: string): string {
  return name.replace(/%(22|0d|0a)/gi, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
