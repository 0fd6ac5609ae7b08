/** The four segments of a file URL, percent-decoded. */
export interface FilePath {
  readonly model: string;
  readonly field: string;
  readonly id: string;
  readonly filename: string;
}

/** Longest decoded segment, in characters: more than any name the kit stores (see MAX_NAME_LENGTH). */
export const MAX_SEGMENT_LENGTH = 1024;
/** Longest raw segment: every character percent-encoded as 4 UTF-8 bytes. */
const MAX_RAW_SEGMENT_LENGTH = MAX_SEGMENT_LENGTH * 12;

/**
 * Parses `<basePath>/<model>/<field>/<id>/<filename>` from a raw URL path. Each
 * segment is decoded exactly once; an encoded slash stays inside its segment.
 * Returns undefined for anything else (wrong count, empty or overlong segments,
 * malformed escapes, control characters), which the route answers with 404.
 */
export function parseFilePath(pathname: string, basePath: string): FilePath | undefined {
  const prefix = `${basePath}/`;
  if (!pathname.startsWith(prefix)) return undefined;
  const raw = pathname.slice(prefix.length).split("/");
  if (raw.length !== 4) return undefined;
  const decoded: string[] = [];
  for (const segment of raw) {
    if (segment === "") return undefined;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent; the raw limit only spares decoding a huge segment: one over it always decodes to more than MAX_SEGMENT_LENGTH (at most 9 raw characters per UTF-16 unit)
    if (segment.length > MAX_RAW_SEGMENT_LENGTH) return undefined;
    let value: string;
    try {
      value = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (value.length > MAX_SEGMENT_LENGTH || /[\u0000-\u001f\u007f]/.test(value)) return undefined;
    decoded.push(value);
  }
  const [model, field, id, filename] = decoded as [string, string, string, string];
  return { model, field, id, filename };
}

/** The inverse of `parseFilePath`: the canonical URL path of a file, each segment percent-encoded. */
export function formatFilePath(basePath: string, path: FilePath): string {
  return [basePath, ...[path.model, path.field, path.id, path.filename].map(encodeURIComponent)].join("/");
}
