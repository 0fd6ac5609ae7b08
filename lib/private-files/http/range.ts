import parseRange from "range-parser";
import type { ByteRange } from "../storage/types";

export type RangeDecision =
  | { readonly kind: "full" }
  | { readonly kind: "partial"; readonly range: ByteRange }
  | { readonly kind: "unsatisfiable" };

const FULL: RangeDecision = { kind: "full" };

/** Most ranges considered in one header; more is not a real client, and costs CPU to sort. */
export const MAX_RANGES = 100;

// RFC 9110 §14.1.1 syntax of a bytes range set. range-parser reports some
// malformed sets (`bytes=abc`) as unsatisfiable; they must be ignored instead.
const RANGE_SPEC = /^\s*(\d+-\d*|-\d+)\s*$/;

/**
 * What to send for a `Range` header. Only `bytes` ranges are honoured. Overlapping
 * and adjacent ranges are coalesced; when several disjoint ranges remain, the whole
 * file is sent with 200 (a multipart/byteranges answer buys clients little and costs
 * a second body format). A malformed header, or one with more than MAX_RANGES
 * ranges, is ignored (RFC 9110 §14.2): 200.
 */
export function decideRange(header: string | null, size: number): RangeDecision {
  if (header === null || size === 0) return FULL;
  if (!isWellFormed(header)) return FULL;
  const parsed = parseRange(size, clampSuffixes(header, size), { combine: true });
  if (parsed === -2) return FULL;
  if (parsed === -1) return { kind: "unsatisfiable" };
  if (parsed.type !== "bytes" || parsed.length !== 1) return FULL;
  const [only] = parsed;
  if (only === undefined) return FULL;
  return { kind: "partial", range: { start: only.start, end: only.end } };
}

function isWellFormed(header: string): boolean {
  const match = /^bytes=(.*)$/i.exec(header.trim());
  if (!match?.[1]) return false;
  const specs = match[1].split(",");
  return specs.length <= MAX_RANGES && specs.every((spec) => RANGE_SPEC.test(spec));
}

/**
 * A suffix range longer than the file (`bytes=-500` of 100 bytes) means the whole
 * file (RFC 9110 §14.1.3); range-parser would drop it and report 416.
 */
function clampSuffixes(header: string, size: number): string {
  const specs = header.trim().slice("bytes=".length).split(",");
  const clamped = specs.map((spec) => {
    const suffix = /^\s*-(\d+)\s*$/.exec(spec);
    return suffix && Number(suffix[1]) > size ? "0-" : spec;
  });
  return `bytes=${clamped.join(",")}`;
}
