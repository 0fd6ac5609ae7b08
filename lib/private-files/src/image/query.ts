// The query parameters of a file URL that pick an image variant (docs/images.md): `w=`
// snaps to a declared width, `variant=` names one. Leaf module: the loader runs in the
// browser, so it imports nothing.

/** The width parameter: `?w=640` asks for the declared variant that fits 640 pixels. */
export const WIDTH_PARAM = "w";
/** The variant-name parameter: `?variant=thumb`. */
export const VARIANT_PARAM = "variant";

/** The largest `w` the file route takes. */
export const MAX_WIDTH = 16384;

/** A query parameter's name as a URL parser reads it (`%77` and `w` are the same key). */
function decodedKey(pair: string): string {
  const raw = pair.split("=", 1)[0] ?? "";
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

/**
 * `query` (without its `?`) without the parameters that choose a variant, each other
 * parameter kept as written, byte for byte: a signed link's `token=` must reach the kit
 * exactly as it was signed.
 */
export function withoutVariantParams(query: string): string[] {
  return query.split("&").filter((pair) => {
    if (pair === "") return false;
    const key = decodedKey(pair);
    return key !== WIDTH_PARAM && key !== VARIANT_PARAM;
  });
}
