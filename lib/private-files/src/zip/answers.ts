import type { Rejection } from "../route/rejection.js";
import type { RefusedEntry } from "./gather.js";
import type { ZipSelection } from "./items.js";

// The zip route's refusals: JSON, never cached, saying per file no more than the
// single-file route would (`not-found` covers a missing record, an empty field, a
// missing file and a field that hides its refusals with `denial: "not-found"`).

const NO_STORE = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

/**
 * Why one file of a refused zip was refused, as the JSON body lists it: `forbidden` (the
 * field's condition said no, or nobody is signed in), `not-found` (no such record, model
 * or field, an empty field, a missing file, or a field declared `denial: "not-found"`).
 */
export type ZipRefusalReason = "forbidden" | "not-found";

/** A refused file in the 401/403/404 body: where it was in the list, what it was, and why. */
export interface RefusedItem {
  /** Its place in the request's list, from 0. */
  readonly index: number;
  /** The model key, as asked. */
  readonly model: string;
  /** The field, as asked. */
  readonly field: string;
  /** The record id, as asked (a number in the request is its decimal form here). */
  readonly id: string;
  /** Why it was refused (see {@link ZipRefusalReason}). */
  readonly reason: ZipRefusalReason;
}

/** A JSON error answer: `{ error }`, plus anything else given. */
export function jsonError(status: number, error: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return Response.json({ error, ...extra }, { status, headers: { ...NO_STORE, ...headers } });
}

/**
 * The status of a refused selection: 503 or 500 when judging a file failed (the database,
 * the storage, a condition that threw or timed out), else 401 when nobody is signed in
 * and a file needs a session, 403 when a file is forbidden, 404 when every refused file
 * is only not found.
 */
export function refusalStatus(refused: readonly RefusedEntry[]): 401 | 403 | 404 | 500 | 503 {
  const kinds = new Set(refused.map(({ rejection }) => rejection.kind));
  if (kinds.has("unavailable")) return 503;
  if (kinds.has("failed")) return 500;
  if (kinds.has("unauthenticated")) return 401;
  if (kinds.has("forbidden") || kinds.has("link-refused")) return 403;
  return 404;
}

/** The answer to a refused selection, with the list of refused files (for 401, 403, 404). */
export function refusalResponse(status: number, refused: readonly RefusedEntry[], selection: ZipSelection, retryAfterSeconds: number): Response {
  if (status === 503) return jsonError(503, "a file could not be checked; try again", {}, { "Retry-After": String(retryAfterSeconds) });
  if (status === 500) return jsonError(500, "a file could not be checked");
  const items: RefusedItem[] = refused.map(({ index, rejection }) => ({ ...selection.items[index]!, index, reason: reasonOf(rejection) }));
  const error = status === 401 ? "sign in to download these files" : "some of these files cannot be downloaded";
  return jsonError(status, error, { refused: items });
}

function reasonOf(rejection: Rejection): ZipRefusalReason {
  return rejection.kind === "not-found" ? "not-found" : "forbidden";
}
