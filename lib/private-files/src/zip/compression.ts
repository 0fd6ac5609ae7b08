// Only what is known to shrink is deflated: text and data formats, and the few media and
// document formats that are stored uncompressed. Everything else (images, video, audio,
// archives, PDF, office files, and any type the kit does not know, such as `.bin`) is
// stored as it is. Deflating data that does not shrink runs at some 30 MB/s a core: as a
// default it would let one request of a few large unknown files hold a core for minutes,
// and slow every zip of media to a tenth of its stored speed.

const DEFLATED = new Set(
  [
    // text and data
    "txt", "text", "log", "csv", "tsv", "json", "jsonl", "ndjson", "geojson", "xml", "html", "htm", "xhtml", "css", "js", "mjs", "cjs", "ts",
    "md", "markdown", "rst", "yaml", "yml", "toml", "ini", "cfg", "conf", "sql", "tex", "rtf", "ics", "vcf", "eml", "srt", "vtt", "svg", "ps", "eps",
    // media and documents stored uncompressed
    "bmp", "tif", "tiff", "psd", "wav", "aiff", "doc", "xls", "ppt", "tar",
  ],
);

/** Whether a file of this name is deflated in the zip (`false`: stored; see above). */
export function shouldDeflate(name: string): boolean {
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return false;
  return DEFLATED.has(name.slice(dot + 1).toLowerCase());
}
