import { MAX_SEGMENT_LENGTH } from "../route/parse-path.js";

/** One file of a zip selection: a record's file field, as in its URL `/files/<model>/<field>/<id>/…`. */
export interface ZipItem {
  /** The model key (`"invoices"`). */
  readonly model: string;
  /** The file field's name (`"pdf"`). */
  readonly field: string;
  /** The record's id, as in its URL (a number is taken as its decimal form). */
  readonly id: string | number;
}

/** A zip request once read: its files, in order, and the name asked for (if any). */
export interface ZipSelection {
  readonly items: readonly { readonly model: string; readonly field: string; readonly id: string }[];
  readonly name: string | null;
}

/** A zip request refused before any record is looked up: 400 (malformed) or 413 (too many files). */
export class ZipRequestError extends Error {
  override readonly name = "ZipRequestError";
  constructor(
    message: string,
    readonly status: 400 | 403 | 413,
  ) {
    super(message);
  }
}

/** Longest zip name asked for, in characters. */
const MAX_NAME = 255;

/**
 * A request body (or a signed selection's content) as a selection: `{ items: [{ model,
 * field, id }], name? }`. Every item must have the three, as non-empty strings (the id
 * may be a whole number) no longer than a URL segment; unknown keys are ignored.
 * @throws {ZipRequestError} 400 for anything malformed or an empty list, 413 for more than `maxEntries` items.
 */
export function parseSelection(body: unknown, maxEntries: number): ZipSelection {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw malformed("the body must be an object: { items: [{ model, field, id }] }");
  const { items, name } = body as { items?: unknown; name?: unknown };
  if (!Array.isArray(items)) throw malformed("items must be a list of { model, field, id }");
  if (items.length === 0) throw malformed("items is empty: select at least one file");
  if (items.length > maxEntries) throw new ZipRequestError(`too many files: ${items.length}, at most ${maxEntries} per zip`, 413);
  if (name !== undefined && name !== null && (typeof name !== "string" || name.length > MAX_NAME)) throw malformed(`name must be a string of at most ${MAX_NAME} characters`);
  return { items: items.map(parseItem), name: typeof name === "string" && name.trim() !== "" ? name : null };
}

function parseItem(value: unknown, index: number): ZipSelection["items"][number] {
  if (typeof value !== "object" || value === null) throw malformed(`items[${index}] must be an object { model, field, id }`);
  const { model, field, id } = value as { model?: unknown; field?: unknown; id?: unknown };
  const text = (part: unknown) => (typeof part === "number" && Number.isSafeInteger(part) ? String(part) : part);
  const parts = { model, field, id: text(id) };
  for (const [key, part] of Object.entries(parts)) {
    if (typeof part !== "string" || part === "" || part.length > MAX_SEGMENT_LENGTH) throw malformed(`items[${index}].${key} must be a non-empty string`);
  }
  return parts as { model: string; field: string; id: string };
}

const malformed = (message: string) => new ZipRequestError(message, 400);
