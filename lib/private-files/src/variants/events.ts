import type { VariantFormat } from "./options.js";

/** What an `on.variantGenerated` listener receives: one variant made and stored. */
export interface VariantGeneratedEvent {
  /** The model key. */
  readonly model: string;
  /** The file field. */
  readonly field: string;
  /** The record's id as in URLs; `null` when made at upload time, before the record exists. */
  readonly recordId: string | null;
  /** The original's stored path. */
  readonly storedPath: string;
  /** The variant's name, as declared. */
  readonly variant: string;
  /** Where the variant is stored (beside the original). */
  readonly key: string;
  /** The variant's format. */
  readonly format: VariantFormat;
  /** Its width in pixels. */
  readonly width: number;
  /** Its height in pixels. */
  readonly height: number;
  /** Its size in bytes. */
  readonly bytes: number;
  /** How long decoding, resizing and storing took, in ms (the wait for a resize slot not included). */
  readonly ms: number;
  /** `"request"`: made for a download; `"upload"`: pre-generated when the upload was stored. */
  readonly trigger: "request" | "upload";
}

/** An `on.variantGenerated` listener: run in the background, after the variant is stored; a throw is logged. */
export type VariantGeneratedListener = (event: VariantGeneratedEvent) => unknown;
