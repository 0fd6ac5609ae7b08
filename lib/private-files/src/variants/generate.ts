import { UnprocessableImageError } from "./errors.js";
import type { CompiledVariant, VariantFormat } from "./options.js";
import { loadSharp } from "./sharp.js";

/** What `resize` made. */
export interface ResizedImage {
  readonly bytes: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Decodes `input`, applies its EXIF orientation, fits it in the variant's box (never
 * enlarging) and encodes it as `format`, without the original's metadata. The header is
 * checked against `limitInputPixels` before any pixel is decoded; a corrupt, truncated
 * or too large image is an UnprocessableImageError (422).
 * @throws {SharpMissingError} when sharp is not installed.
 */
export async function resize(input: Uint8Array, variant: CompiledVariant, format: VariantFormat, limitInputPixels: number): Promise<ResizedImage> {
  const sharp = await loadSharp();
  try {
    const pipeline = sharp(input, { limitInputPixels, failOn: "error", sequentialRead: true })
      .rotate()
      .resize({ width: variant.width, height: variant.height, fit: variant.fit, withoutEnlargement: true });
    const quality = variant.quality === undefined ? {} : { quality: variant.quality };
    const encoded = format === "png" ? pipeline.png() : format === "jpeg" ? pipeline.jpeg(quality) : format === "avif" ? pipeline.avif(quality) : pipeline.webp(quality);
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (error) {
    throw new UnprocessableImageError(`the image cannot be resized: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
