/** The four segments of a file URL, percent-decoded. */
export interface FilePath {
  readonly model: string;
  readonly field: string;
  readonly id: string;
  readonly filename: string;
}

/** Longest raw segment considered; anything longer cannot name a stored file here. */
export const MAX_SEGMENT_LENGTH = 1024;

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
    if (segment === "" || segment.length > MAX_SEGMENT_LENGTH) return undefined;
    let value: string;
    try {
      value = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (/[\u0000-\u001f\u007f]/.test(value)) return undefined;
    decoded.push(value);
  }
  const [model, field, id, filename] = decoded as [string, string, string, string];
  return { model, field, id, filename };
}
