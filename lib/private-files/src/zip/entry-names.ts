import { displayName } from "../http/headers.js";

// Names inside the zip: each file's own name, made safe (no folder, no control or
// bidirectional characters: see displayName; none of Windows' reserved `<>:"|?*`, so
// `C:report.txt` is not a drive and every name extracts everywhere) and unique. Unique without regard to case or
// Unicode form, because the file systems most zips are extracted on (Windows, macOS)
// would make `Report.pdf` and `report.pdf`, or a composed and a decomposed "é", one file.

/** Extensions of two parts, kept whole when a number is added: `data (2).tar.gz`. */
const DOUBLE_EXTENSION = /\.tar\.(gz|bz2|xz|zst|lz|lzma|z)$/i;

/**
 * One safe, unique name per file, in order: the first `a.pdf` stays `a.pdf`, the next
 * become `a (2).pdf`, `a (3).pdf`…, skipping any name already taken (by a file really
 * called `a (2).pdf`). Names are NFC-normalized.
 */
export function uniqueEntryNames(names: readonly string[]): string[] {
  const key = (name: string) => name.toLowerCase();
  const safe = names.map(entryName);
  // Names as given are claimed first, so a file really named `a (2).pdf` keeps its name.
  const firstOf = new Map<string, number>();
  safe.forEach((name, index) => {
    if (!firstOf.has(key(name))) firstOf.set(key(name), index);
  });
  const taken = new Set(firstOf.keys());
  // The next number to try per name, so that n copies of one name cost n steps, not n².
  const nextNumber = new Map<string, number>();
  return safe.map((name, index) => {
    if (firstOf.get(key(name)) === index) return name;
    const [stem, extension] = splitExtension(name);
    for (let n = nextNumber.get(key(name)) ?? 2; ; n++) {
      const candidate = `${stem} (${n})${extension}`;
      if (!taken.has(key(candidate))) {
        taken.add(key(candidate));
        nextNumber.set(key(name), n + 1);
        return candidate;
      }
    }
  });
}

/** One name made safe for a zip entry (see the top of this file). */
export function entryName(name: string): string {
  return displayName(name.normalize("NFC").replace(/[<>:"|?*]/g, "_"));
}

/** `report.pdf` to `["report", ".pdf"]`; a leading dot is not an extension (`.env`). */
export function splitExtension(name: string): [string, string] {
  const double = DOUBLE_EXTENSION.exec(name);
  if (double && double.index > 0) return [name.slice(0, double.index), name.slice(double.index)];
  const dot = name.lastIndexOf(".");
  return dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
}
