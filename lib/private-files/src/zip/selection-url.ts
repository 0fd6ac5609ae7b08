import { internalsOf, type PrivateFiles } from "../config/define.js";
import type { AnyPrivateModel } from "../config/model.js";
import type { AnySession } from "../config/types.js";
import { parseSelection, type ZipItem } from "./items.js";
import { signSelection } from "./selection-token.js";

/** Options of `zipSelectionUrl`. */
export interface ZipSelectionUrlOptions {
  /**
   * Seconds the link stays valid (a whole number, at most a week).
   * @default 3600
   */
  readonly expiresIn?: number;
  /**
   * The zip's file name (`.zip` is added when missing).
   * Unset: the route's `defaultName`.
   */
  readonly name?: string;
  /**
   * The path the zip route is mounted at.
   * @default "<basePath>/zip" ("/files/zip")
   */
  readonly routePath?: string;
}

const MAX_EXPIRES_IN = 7 * 24 * 3600;

/**
 * A plain link (`GET`) to the zip of `items`: `<routePath>?selection=<signed>`, relative to
 * the site. The selection is signed with the config's link secret (`links.secrets`, else
 * `PRIVATE_FILES_LINK_SECRET`), so it cannot be changed or outlive `expiresIn`; it is
 * not a permission: whoever opens it gets the zip only if their own session may download
 * every file (see docs/zips.md). Keep selections short: a URL carries about 60 bytes per
 * file, and servers refuse request lines past 8-16 KiB.
 * @param files - What `definePrivateFiles` returned.
 * @param items - The files, in the zip's order: `{ model, field, id }`.
 * @param options - Expiry, name, the route's path.
 * @returns The link, relative to the site.
 * @throws {TypeError} for an empty or malformed list.
 * @throws {RangeError} when `expiresIn` is not a whole number of seconds from 1 to 604800.
 * @throws {LinkSecretError} when no link secret is configured, or one is shorter than 32 characters.
 * @example
 * ```ts
 * import type { AnyPrivateModel, PrivateFiles } from "next-private-files";
 * import { zipSelectionUrl } from "next-private-files/zip";
 *
 * declare const privateFiles: PrivateFiles<Record<string, AnyPrivateModel>>;
 *
 * const href = zipSelectionUrl(privateFiles, [
 *   { model: "invoices", field: "pdf", id: 1 },
 *   { model: "invoices", field: "pdf", id: 2 },
 * ], { expiresIn: 24 * 3600, name: "invoices-2026" });
 * // "/files/zip?selection=eyJ2Ijox…"
 * ```
 */
export function zipSelectionUrl<M extends Record<string, AnyPrivateModel>>(
  files: PrivateFiles<M, AnySession>,
  items: readonly ZipItem[],
  options: ZipSelectionUrlOptions = {},
): string {
  const { config } = internalsOf(files);
  const expiresIn = options.expiresIn ?? 3600;
  if (!Number.isInteger(expiresIn) || expiresIn <= 0 || expiresIn > MAX_EXPIRES_IN) {
    throw new RangeError(`zipSelectionUrl: expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN}, not ${expiresIn}`);
  }
  let selection;
  try {
    selection = parseSelection({ items, name: options.name }, Number.MAX_SAFE_INTEGER);
  } catch (error) {
    throw new TypeError(`zipSelectionUrl: ${(error as Error).message}`);
  }
  const [secret] = config.links.secrets();
  const expires = Math.floor(Date.now() / 1000) + expiresIn;
  const routePath = options.routePath ?? `${config.basePath}/zip`;
  return `${routePath}?selection=${signSelection(selection, expires, secret!)}`;
}
