import type SharpModule from "sharp";
import { SharpMissingError } from "./errors.js";

/** sharp's default export: the function that makes a pipeline. */
export type Sharp = typeof SharpModule;

let loading: Promise<Sharp> | undefined;

/**
 * sharp, imported on first use: the core entry never loads it (nor its native binary)
 * until a variant is made. Missing, it is a SharpMissingError, and tried again next time
 * (so installing it needs no restart of the import cache's failure).
 */
export function loadSharp(): Promise<Sharp> {
  loading ??= import("sharp").then(
    (module) => ((module as { default?: Sharp }).default ?? (module as unknown as Sharp)),
    (error: unknown) => {
      loading = undefined;
      throw new SharpMissingError(error);
    },
  );
  return loading;
}
