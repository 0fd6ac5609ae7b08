import { VARIANT_PARAM, WIDTH_PARAM } from "../image/query.js";
import { MAX_VARIANT_DIMENSION } from "../variants/options.js";

/** What a file URL's query asks for: the original, a variant by name, or a width to snap. */
export type VariantQuery =
  | { readonly kind: "original" }
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "width"; readonly width: number }
  | { readonly kind: "malformed"; readonly message: string };

const ORIGINAL: VariantQuery = Object.freeze({ kind: "original" });
const WIDTH = /^[1-9][0-9]{0,4}$/;

/**
 * Reads `?variant=<name>` and `?w=<n>` (other parameters, `token=`, pass by). Both
 * together, either twice, or a `w` that is not a whole number from 1 to 16384: malformed
 * (400). Whether the name is declared is judged later, once the request is authorized.
 */
export function parseVariantQuery(params: URLSearchParams): VariantQuery {
  const names = params.getAll(VARIANT_PARAM);
  const widths = params.getAll(WIDTH_PARAM);
  if (names.length === 0 && widths.length === 0) return ORIGINAL;
  if (names.length + widths.length > 1) return { kind: "malformed", message: names.length > 0 && widths.length > 0 ? "variant and w cannot be used together" : "variant or w given more than once" };
  if (names.length === 1) return { kind: "name", name: names[0]! };
  const text = widths[0]!;
  const width = WIDTH.test(text) ? Number(text) : NaN;
  if (!(width <= MAX_VARIANT_DIMENSION)) return { kind: "malformed", message: `w must be a whole number of pixels from 1 to ${MAX_VARIANT_DIMENSION}` };
  return { kind: "width", width };
}
