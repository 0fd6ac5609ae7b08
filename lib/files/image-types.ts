import mime from "mime";

/**
 * Whether the kit makes variants of this file: an image type, not SVG (docs/images.md).
 * Only those go through `<PrivateImage>`, whose `?w=` would be a 404 for anything else.
 * Its own module (mime only), so client components can use it too.
 */
export function hasVariants(filename: string): boolean {
  const type = mime.getType(filename) ?? "";
  return type.startsWith("image/") && type !== "image/svg+xml";
}
