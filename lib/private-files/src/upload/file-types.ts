/**
 * A file type an upload field may accept: the extensions that name it and a check
 * of the file's leading bytes ("magic numbers"), so a renamed file is refused too.
 */
export interface FileTypeRule {
  /** The MIME type, e.g. `application/pdf`. */
  readonly type: string;
  /** Lower-case extensions with their dot, e.g. `[".jpg", ".jpeg"]`. */
  readonly extensions: readonly string[];
  /** Whether the first bytes of a file (up to SNIFF_BYTES, fewer for a short file) fit the type. */
  matches(head: Uint8Array): boolean;
}

/** How many leading bytes are read before the type is judged. */
export const SNIFF_BYTES = 4096;

const startsWith = (head: Uint8Array, signature: readonly number[], offset = 0) =>
  head.length >= offset + signature.length && signature.every((byte, i) => head[offset + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06];
const isZip = (head: Uint8Array) => startsWith(head, ZIP) || startsWith(head, EMPTY_ZIP);
const isRiff = (head: Uint8Array, form: string) => startsWith(head, ascii("RIFF")) && startsWith(head, ascii(form), 8);

/** Binary signatures that a text file must not start with (a renamed executable, archive or image). */
const BINARY_SIGNATURES = [ZIP, ascii("GIF8"), [0x7f, 0x45, 0x4c, 0x46], [0x4d, 0x5a], [0x1f, 0x8b], ascii("%PDF-"), [0x89, 0x50, 0x4e, 0x47], [0xff, 0xd8, 0xff]];

/**
 * Text: valid UTF-8 (an optional BOM), no NUL or other control characters but tab,
 * line feed, carriage return and form feed, and no binary signature.
 */
function isText(head: Uint8Array): boolean {
  if (BINARY_SIGNATURES.some((signature) => startsWith(head, signature))) return false;
  let text: string;
  try {
    // stream: true, so a character cut at the end of the sniffed bytes is not an error.
    text = new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
  } catch {
    return false;
  }
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

const rule = (type: string, extensions: string[], matches: (head: Uint8Array) => boolean): FileTypeRule => ({ type, extensions, matches });

/** The types `allowedTypes` can name by their MIME type. Others can be given as a FileTypeRule. */
export const KNOWN_FILE_TYPES: ReadonlyMap<string, FileTypeRule> = new Map(
  [
    rule("application/pdf", [".pdf"], (h) => startsWith(h, ascii("%PDF-"))),
    rule("image/png", [".png"], (h) => startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    rule("image/jpeg", [".jpg", ".jpeg"], (h) => startsWith(h, [0xff, 0xd8, 0xff])),
    rule("image/gif", [".gif"], (h) => startsWith(h, ascii("GIF87a")) || startsWith(h, ascii("GIF89a"))),
    rule("image/webp", [".webp"], (h) => isRiff(h, "WEBP")),
    rule("application/zip", [".zip"], isZip),
    rule("application/vnd.openxmlformats-officedocument.wordprocessingml.document", [".docx"], isZip),
    rule("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [".xlsx"], isZip),
    rule("application/vnd.openxmlformats-officedocument.presentationml.presentation", [".pptx"], isZip),
    rule("application/vnd.oasis.opendocument.text", [".odt"], isZip),
    rule("application/vnd.oasis.opendocument.spreadsheet", [".ods"], isZip),
    rule("application/gzip", [".gz"], (h) => startsWith(h, [0x1f, 0x8b])),
    rule("video/mp4", [".mp4", ".m4v"], (h) => startsWith(h, ascii("ftyp"), 4)),
    rule("video/webm", [".webm"], (h) => startsWith(h, [0x1a, 0x45, 0xdf, 0xa3])),
    rule("audio/mpeg", [".mp3"], (h) => startsWith(h, ascii("ID3")) || (h.length >= 2 && h[0] === 0xff && ((h[1] ?? 0) & 0xe0) === 0xe0)),
    rule("audio/wav", [".wav"], (h) => isRiff(h, "WAVE")),
    rule("text/plain", [".txt"], isText),
    rule("text/csv", [".csv"], isText),
    rule("text/markdown", [".md"], isText),
    rule("application/json", [".json"], isText),
  ].map((r) => [r.type, r]),
);

/** Resolves a field's `allowedTypes` to rules; an unknown MIME type fails at declaration, not at upload. */
export function fileTypeRules(allowed: readonly (string | FileTypeRule)[]): FileTypeRule[] {
  return allowed.map((entry) => {
    if (typeof entry !== "string") return entry;
    const known = KNOWN_FILE_TYPES.get(entry.toLowerCase());
    if (!known) {
      throw new TypeError(
        `allowedTypes: no signature known for ${JSON.stringify(entry)}; pass a FileTypeRule, or one of ${[...KNOWN_FILE_TYPES.keys()].join(", ")}`,
      );
    }
    return known;
  });
}
