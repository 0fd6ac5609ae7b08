import { createHash } from "node:crypto";
import path from "node:path";
import { MAX_WIDTH } from "../image/query.js";

/** The formats a variant can be written in. */
export const VARIANT_FORMATS = ["webp", "avif", "jpeg", "png"] as const;

/** A variant's output format. */
export type VariantFormat = (typeof VARIANT_FORMATS)[number];

/** How a variant with both `width` and `height` fits that box (sharp's `fit`). */
export type VariantFit = "inside" | "cover" | "contain" | "fill" | "outside";

/**
 * One declared variant of an image field (`variants: { thumb: { width: 320, format: "webp" } }`).
 * Images are never enlarged; EXIF orientation is applied and metadata (GPS…) dropped.
 * Every option but `pregenerate` is part of the variant's stored key: changing one makes
 * a new file on the next request.
 */
export interface VariantOptions {
  /**
   * Largest width, in pixels (a positive whole number). `?w=` snaps to declared widths.
   * Unset: only `height` bounds it (one of the two is needed).
   */
  readonly width?: number;
  /**
   * Largest height, in pixels (a positive whole number).
   * Unset: only `width` bounds it.
   */
  readonly height?: number;
  /**
   * Output format.
   * Unset: the original's (by its stored extension) when it is one of these, else webp.
   */
  readonly format?: VariantFormat;
  /**
   * Encoder quality, 1 to 100 (ignored for png).
   * Unset: sharp's default for the format (webp and jpeg 80, avif 50).
   */
  readonly quality?: number;
  /**
   * How the image fits `width` × `height` when both are set.
   * @default "inside"
   */
  readonly fit?: VariantFit;
  /**
   * Make this variant as soon as an upload is stored and scanned (`storeUpload`, the tus
   * and direct finishes), awaited before the upload is answered, instead of on its first
   * request. A failure is logged, never refuses the upload.
   * @default false
   */
  readonly pregenerate?: boolean;
}

/** A declared variant, checked, with what its stored key is made of. */
export interface CompiledVariant {
  readonly name: string;
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** The declared format; undefined: the original's. */
  readonly format: VariantFormat | undefined;
  readonly quality: number | undefined;
  readonly fit: VariantFit;
  readonly pregenerate: boolean;
}

/** A field's variants by name, in declaration order. */
export type CompiledVariants = ReadonlyMap<string, CompiledVariant>;

const NAME = /^[a-z0-9_-]{1,64}$/;
const FITS: readonly VariantFit[] = ["inside", "cover", "contain", "fill", "outside"];
/** The largest width or height a variant may ask for, and the largest `?w=`: the client loader's own limit (image/query.ts, a leaf module), so the two never disagree. */
export const MAX_VARIANT_DIMENSION = MAX_WIDTH;

/**
 * Checks a field's `variants` declaration; throws a TypeError naming the field and
 * variant for anything wrong, so that a bad declaration fails at start-up.
 */
export function compileVariants(field: string, declared: Readonly<Record<string, VariantOptions>> | undefined): CompiledVariants | undefined {
  if (declared === undefined) return undefined;
  if (typeof declared !== "object" || declared === null) throw new TypeError(`field ${field}: variants must be an object of named variants`);
  const variants = new Map<string, CompiledVariant>();
  for (const [name, options] of Object.entries(declared)) {
    const where = `field ${field}, variant ${JSON.stringify(name)}`;
    if (!NAME.test(name)) throw new TypeError(`${where}: a variant name is 1 to 64 of a-z, 0-9, "-" and "_"`);
    if (typeof options !== "object" || options === null) throw new TypeError(`${where}: expected an object of options`);
    const dimension = (value: unknown, key: string) => {
      if (value === undefined) return undefined;
      if (!(Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= MAX_VARIANT_DIMENSION)) {
        throw new TypeError(`${where}: ${key} must be a whole number of pixels from 1 to ${MAX_VARIANT_DIMENSION}, got ${String(value)}`);
      }
      return value as number;
    };
    const width = dimension(options.width, "width");
    const height = dimension(options.height, "height");
    if (width === undefined && height === undefined) throw new TypeError(`${where}: needs a width or a height`);
    if (options.format !== undefined && !VARIANT_FORMATS.includes(options.format)) {
      throw new TypeError(`${where}: format must be one of ${VARIANT_FORMATS.join(", ")}, got ${String(options.format)}`);
    }
    if (options.quality !== undefined && !(Number.isInteger(options.quality) && options.quality >= 1 && options.quality <= 100)) {
      throw new TypeError(`${where}: quality must be a whole number from 1 to 100, got ${String(options.quality)}`);
    }
    if (options.fit !== undefined && !FITS.includes(options.fit)) throw new TypeError(`${where}: fit must be one of ${FITS.join(", ")}, got ${String(options.fit)}`);
    if (options.pregenerate !== undefined && typeof options.pregenerate !== "boolean") throw new TypeError(`${where}: pregenerate must be a boolean`);
    variants.set(name, {
      name,
      width,
      height,
      format: options.format,
      quality: options.quality,
      fit: options.fit ?? "inside",
      pregenerate: options.pregenerate ?? false,
    });
  }
  if (variants.size === 0) throw new TypeError(`field ${field}: variants declares none; leave the option out instead`);
  return variants;
}

/**
 * The declared variant `?w=<width>` stands for: the smallest declared width at least
 * `width`, else the largest; among variants of one width, the one declared first.
 * `undefined` when no variant declares a width.
 */
export function snapWidth(variants: CompiledVariants | undefined, width: number): CompiledVariant | undefined {
  let best: CompiledVariant | undefined;
  let largest: CompiledVariant | undefined;
  for (const variant of variants?.values() ?? []) {
    const w = variant.width;
    if (w === undefined) continue;
    if (largest === undefined || w > largest.width!) largest = variant;
    if (w >= width && (best === undefined || w < best.width!)) best = variant;
  }
  return best ?? largest;
}

const EXTENSION_FORMATS: Readonly<Record<string, VariantFormat>> = { ".webp": "webp", ".avif": "avif", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png" };
const FORMAT_EXTENSIONS: Readonly<Record<VariantFormat, string>> = { webp: ".webp", avif: ".avif", jpeg: ".jpg", png: ".png" };

/** The format a variant of `storedPath` is written in: the declared one, else the original's by extension, else webp. */
export function outputFormat(variant: CompiledVariant, storedPath: string): VariantFormat {
  return variant.format ?? EXTENSION_FORMATS[path.posix.extname(storedPath).toLowerCase()] ?? "webp";
}

/** The extension, with its dot, of a variant format. */
export function formatExtension(format: VariantFormat): string {
  return FORMAT_EXTENSIONS[format];
}

/** Bump to make every variant anew (a change in how they are made). */
const KEY_VERSION = 1;

/** Each compiled variant's digest per format: its options never change, and a SHA-256 on every variant request showed in B6's profile. */
const hashes = new WeakMap<CompiledVariant, Partial<Record<VariantFormat, string>>>();

/** A short digest of everything that shapes a variant's bytes: a changed option is another file. */
export function variantHash(variant: CompiledVariant, format: VariantFormat): string {
  let byFormat = hashes.get(variant);
  if (!byFormat) hashes.set(variant, (byFormat = {}));
  return (byFormat[format] ??= digest(variant, format));
}

function digest(variant: CompiledVariant, format: VariantFormat): string {
  const shape = [KEY_VERSION, variant.width ?? null, variant.height ?? null, format, variant.quality ?? null, variant.fit];
  return createHash("sha256").update(JSON.stringify(shape)).digest("hex").slice(0, 12);
}

/**
 * The folder a stored file's variants live in, beside it: `images/a.png` keeps them in
 * `images/.variants/a.png/`. The dot keeps it apart from generated upload names, which
 * never start with one.
 */
export function variantsFolder(storedPath: string): string {
  const dir = path.posix.dirname(storedPath);
  const base = path.posix.basename(storedPath);
  return dir === "." ? `.variants/${base}` : `${dir}/.variants/${base}`;
}

/** Where one variant of a stored file is kept: `images/.variants/a.png/thumb-<hash>.webp`. */
export function variantKey(storedPath: string, variant: CompiledVariant): string {
  const format = outputFormat(variant, storedPath);
  return `${variantsFolder(storedPath)}/${variant.name}-${variantHash(variant, format)}${formatExtension(format)}`;
}

/** The name people see for a variant: the original's, with the variant's extension. */
export function variantFileName(originalName: string, variant: CompiledVariant, storedPath: string): string {
  const extension = path.posix.extname(originalName);
  const stem = extension === "" || extension === originalName ? originalName : originalName.slice(0, -extension.length);
  return `${stem}${formatExtension(outputFormat(variant, storedPath))}`;
}
