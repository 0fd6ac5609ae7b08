/** The raster formats variants are made from, told by their first bytes. */
export type SourceImageType = "jpeg" | "png" | "gif" | "webp" | "avif" | "tiff";

/** How many leading bytes `sniffImage` needs. */
export const IMAGE_SNIFF_BYTES = 32;

const ascii = (bytes: Uint8Array, at: number, text: string) => {
  for (let i = 0; i < text.length; i += 1) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

/**
 * The raster type the bytes start with; `undefined` for anything else (SVG, HTML, PDF,
 * text, video…). Judged by content, not by name, so an SVG renamed `.png` never reaches
 * the decoder: only these types get variants.
 */
export function sniffImage(head: Uint8Array): SourceImageType | undefined {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "jpeg";
  if (ascii(head, 0, "\x89PNG\r\n\x1a\n")) return "png";
  if (ascii(head, 0, "GIF87a") || ascii(head, 0, "GIF89a")) return "gif";
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "WEBP")) return "webp";
  if (ascii(head, 4, "ftyp") && (ascii(head, 8, "avif") || ascii(head, 8, "avis"))) return "avif";
  if (ascii(head, 0, "II*\0") || ascii(head, 0, "MM\0*")) return "tiff";
  return undefined;
}
