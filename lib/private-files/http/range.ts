import parseRange from "range-parser";
import type { ByteRange } from "../storage/types";

export type RangeDecision =
  | { readonly kind: "full" }
  | { readonly kind: "partial"; readonly range: ByteRange }
  | { readonly kind: "unsatisfiable" };

const FULL: RangeDecision = { kind: "full" };

/**
 * What to send for a `Range` header. Only `bytes` ranges are honoured. Overlapping
 * and adjacent ranges are coalesced; when several disjoint ranges remain, the whole
 * file is sent with 200 (a multipart/byteranges answer buys clients little and costs
 * a second body format). A malformed header is ignored (RFC 9110 §14.2): 200.
 */
export function decideRange(header: string | null, size: number): RangeDecision {
  if (header === null || size === 0) return FULL;
  const parsed = parseRange(size, header, { combine: true });
  if (parsed === -2) return FULL;
  if (parsed === -1) return { kind: "unsatisfiable" };
  if (parsed.type !== "bytes" || parsed.length !== 1) return FULL;
  const [only] = parsed;
  if (only === undefined) return FULL;
  return { kind: "partial", range: { start: only.start, end: only.end } };
}
