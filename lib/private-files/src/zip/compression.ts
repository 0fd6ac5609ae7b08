// Deflating what is compressed already costs CPU for nothing (or a few bytes more), so
// these are stored as they are: images, video and audio formats that compress, archives,
// PDF, and the office formats that are zips themselves. Everything else is deflated.

const STORED = new Set(
  [
    // images
    "jpg", "jpeg", "jpe", "jfif", "png", "apng", "gif", "webp", "avif", "heic", "heif", "jxl", "jp2",
    // video
    "mp4", "m4v", "mov", "mkv", "webm", "avi", "wmv", "flv", "mpg", "mpeg", "3gp", "ogv", "ts",
    // audio
    "mp3", "m4a", "aac", "ogg", "oga", "opus", "flac", "wma",
    // archives and compressed data
    "zip", "gz", "tgz", "bz2", "tbz2", "xz", "txz", "zst", "7z", "rar", "lz", "lzma", "z", "br", "cab", "dmg", "iso",
    // documents that are compressed inside
    "pdf", "docx", "xlsx", "pptx", "docm", "xlsm", "pptm", "odt", "ods", "odp", "odg", "epub", "jar", "apk", "woff", "woff2",
  ],
);

/** Whether a file of this name is deflated in the zip (`false`: stored, for types compressed already). */
export function shouldDeflate(name: string): boolean {
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return true;
  return !STORED.has(name.slice(dot + 1).toLowerCase());
}
