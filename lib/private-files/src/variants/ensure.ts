import type { ResolvedConfig } from "../config/define.js";
import type { CompiledField } from "../config/model.js";
import { contentTypeFor } from "../http/headers.js";
import type { FileStorage, OpenedFile } from "../storage/types.js";
import { UnprocessableImageError } from "./errors.js";
import type { VariantGeneratedEvent } from "./events.js";
import { resize } from "./generate.js";
import { formatExtension, outputFormat, variantKey, type CompiledVariant } from "./options.js";
import { IMAGE_SNIFF_BYTES, sniffImage } from "./sniff.js";

/** Which stored original a variant is made of. */
export interface VariantSource {
  readonly config: ResolvedConfig;
  readonly model: string;
  readonly field: CompiledField;
  /** `null` at upload time, before the record exists. */
  readonly recordId: string | null;
  readonly storedPath: string;
}

/** Why there is no variant to serve: the original is gone, or is not a raster image. */
export type NoVariant = "missing" | "not-image";

/**
 * The stored variant of `source`, opened: read when it exists, else made first (once,
 * under the config's locker: concurrent callers wait and then read what the first one
 * stored). The original is checked on every call: a variant never answers for an
 * original that is gone.
 * @throws {UnprocessableImageError} the original cannot be resized (422).
 * @throws {SharpMissingError} sharp is not installed.
 * @throws {VariantLockTimeoutError} another instance held the lock too long (503).
 * @throws anything else the storage throws (503).
 */
export async function openVariant(source: VariantSource, variant: CompiledVariant, trigger: VariantGeneratedEvent["trigger"]): Promise<OpenedFile | NoVariant> {
  const storage = source.config.storageOf(source.field);
  const key = variantKey(source.storedPath, variant);
  const [original, existing] = await openBoth(storage, source.storedPath, key);
  if (!original) {
    await existing?.close();
    return "missing";
  }
  if (existing) {
    await original.close();
    return existing;
  }
  // Judged by content before anything is decoded: an SVG (or anything not a raster
  // image) never reaches sharp, whatever its name.
  if (sniffImage(await leadingBytes(original, IMAGE_SNIFF_BYTES)) === undefined) return "not-image";

  await source.config.images.locker.withLock(`${source.model}/${source.field.name}/${key}`, async () => {
    // Made meanwhile by whoever held the lock before: read that one.
    const made = await storage.open(key);
    if (made) return made.close();
    await generate(source, storage, variant, key, trigger);
  });
  const made = await storage.open(key);
  if (!made) throw new Error(`the variant ${key} was stored and then not found`);
  return made;
}

/** Makes every variant of a just-stored upload declared `pregenerate: true`; failures are logged, never thrown. */
export async function pregenerateVariants(source: VariantSource): Promise<void> {
  for (const variant of source.field.variants?.values() ?? []) {
    if (!variant.pregenerate) continue;
    try {
      const opened = await openVariant(source, variant, "upload");
      if (typeof opened === "string") return; // not an image: no variant of it will ever be made
      await opened.close();
    } catch (error) {
      source.config.logger.error("a variant could not be made at upload time; it will be tried on its first request", {
        model: source.model,
        field: source.field.name,
        variant: variant.name,
        error: String(error),
      });
    }
  }
}

/** Reads the original whole (within `maxInputBytes`), resizes it within the concurrency cap, stores it at `key`, tells `on.variantGenerated`. */
async function generate(source: VariantSource, storage: FileStorage, variant: CompiledVariant, key: string, trigger: VariantGeneratedEvent["trigger"]): Promise<void> {
  const { config } = source;
  const { images } = config;
  const original = await storage.open(source.storedPath);
  if (!original) throw new UnprocessableImageError("the original is gone");
  if (original.size > images.maxInputBytes) {
    await original.close();
    throw new UnprocessableImageError(`the image has ${original.size} bytes; variants are made of images up to ${images.maxInputBytes}`);
  }
  const input = original.read ? await original.read() : new Uint8Array(await new Response(original.stream()).arrayBuffer());
  const format = outputFormat(variant, source.storedPath);
  const { event } = await images.limit.run(async () => {
    const startedAt = performance.now();
    const resized = await resize(input, variant, format, images.limitInputPixels);
    const bytes = resized.bytes;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    await storage.put!(key, body, { maxBytes: bytes.byteLength, contentType: contentTypeFor(`file${formatExtension(format)}`) });
    const made: VariantGeneratedEvent = {
      model: source.model,
      field: source.field.name,
      recordId: source.recordId,
      storedPath: source.storedPath,
      variant: variant.name,
      key,
      format,
      width: resized.width,
      height: resized.height,
      bytes: bytes.byteLength,
      ms: performance.now() - startedAt,
      trigger,
    };
    return { event: made };
  });
  for (const listener of config.hooks.variantGenerated) {
    Promise.resolve()
      .then(() => listener(event))
      .catch((error: unknown) => config.logger.error("variantGenerated listener failed", { error: String(error) }));
  }
}

/** Opens the original and the variant together; if either open fails, the other is released. */
async function openBoth(storage: FileStorage, storedPath: string, key: string): Promise<[OpenedFile | null, OpenedFile | null]> {
  const [original, existing] = await Promise.allSettled([storage.open(storedPath), storage.open(key)]);
  if (original.status === "rejected" || existing.status === "rejected") {
    if (original.status === "fulfilled") await original.value?.close();
    if (existing.status === "fulfilled") await existing.value?.close();
    throw original.status === "rejected" ? original.reason : (existing as PromiseRejectedResult).reason;
  }
  return [original.value, existing.value];
}

/** The first `bytes` bytes (fewer for a smaller file), then the file closed. */
async function leadingBytes(opened: OpenedFile, bytes: number): Promise<Uint8Array> {
  const end = Math.min(bytes, opened.size) - 1;
  if (end < 0) {
    await opened.close();
    return new Uint8Array(0);
  }
  const range = { start: 0, end };
  if (opened.read) return opened.read(range);
  return new Uint8Array(await new Response(opened.stream(range)).arrayBuffer());
}
