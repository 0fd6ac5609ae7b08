import { inProcessVariantLocker, type VariantLocker } from "./locker.js";
import { TaskLimit } from "./limit.js";

/**
 * How image variants are made, for every field that declares `variants`
 * (`definePrivateFiles({ images })`). Each limit refuses what would cost too much with a
 * 422 rather than letting one image take the server's memory.
 */
export interface ImageOptions {
  /**
   * Who makes a variant when several requests ask for it first at once (one of them;
   * the others wait, then read it). `postgresVariantLocker(pool)` holds across instances.
   * @default inProcessVariantLocker()
   */
  locker?: VariantLocker;
  /**
   * Resizes at once in this process; more wait their turn (a positive whole number).
   * @default 2
   */
  concurrency?: number;
  /**
   * Largest original, in pixels (width × height), read from its header before any pixel
   * is decoded (sharp's `limitInputPixels`): a decompression bomb is a 422 at once.
   * @default 100_000_000
   */
  limitInputPixels?: number;
  /**
   * Largest original, in bytes, that variants are made of; a larger one is a 422.
   * @default 67_108_864 (64 MiB)
   */
  maxInputBytes?: number;
}

/** `images` with its defaults applied. */
export interface ResolvedImages {
  readonly locker: VariantLocker;
  readonly limit: TaskLimit;
  readonly limitInputPixels: number;
  readonly maxInputBytes: number;
}

const wholePositive = (value: number | undefined, name: string, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!(Number.isSafeInteger(value) && value > 0)) throw new TypeError(`images.${name} must be a positive whole number, got ${String(value)}`);
  return value;
};

/** Checks `images` (a TypeError at start-up) and applies its defaults. */
export function resolveImages(options: ImageOptions | undefined): ResolvedImages {
  return {
    locker: options?.locker ?? inProcessVariantLocker(),
    limit: new TaskLimit(wholePositive(options?.concurrency, "concurrency", 2)),
    limitInputPixels: wholePositive(options?.limitInputPixels, "limitInputPixels", 100_000_000),
    maxInputBytes: wholePositive(options?.maxInputBytes, "maxInputBytes", 64 * 1024 * 1024),
  };
}
