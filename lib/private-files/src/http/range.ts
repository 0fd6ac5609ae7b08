import parseRange from "range-parser";
import type { ByteRange } from "../storage/types.js";

export type RangeDecision =
  | { readonly kind: "full" }
  | { readonly kind: "partial"; readonly range: ByteRange }
  | { readonly kind: "unsatisfiable" };

const FULL: RangeDecision = { kind: "full" };

/** Most ranges considered in one header; more is not a real client, and costs CPU to sort. */
export const MAX_RANGES = 100;

// RFC 9110 §14.1.1 syntax of one range spec: `first-last`, `first-`, or `-suffix`.
const RANGE_SPEC = /^\s*(?:(\d+)-(\d*)|-(\d+))\s*$/;

/**
 * What to send for a `Range` header. Only `bytes` ranges are honoured. Overlapping
 * and adjacent ranges are coalesced; when several disjoint ranges remain, the whole
 * file is sent with 200 (a multipart/byteranges answer buys clients little and costs
 * a second body format). A malformed header, or one with more than MAX_RANGES
 * ranges, is ignored (RFC 9110 §14.2): 200.
 */
export function decideRange(header: string | null, size: number): RangeDecision {
  if (header === null || size === 0) return FULL;
  const normalised = normaliseHeader(header, size);
  if (normalised === undefined) return FULL;
  const parsed = parseRange(size, normalised, { combine: true });
  // Stryker disable next-line ConditionalExpression,UnaryOperator: equivalent; -2 (malformed) has no type "bytes", so the test below answers FULL too
  if (parsed === -2) return FULL;
  if (parsed === -1) return { kind: "unsatisfiable" };
  // Stryker disable next-line ConditionalExpression: equivalent; normaliseHeader only lets "bytes=" through, so the type is always "bytes"
  if (parsed.type !== "bytes") return FULL;
  if (parsed.length !== 1) return FULL;
  const [only] = parsed;
  // Stryker disable next-line ConditionalExpression: equivalent; for the type checker only, length is 1 here
  if (only === undefined) return FULL;
  return { kind: "partial", range: { start: only.start, end: only.end } };
}

/**
 * Checks the header's syntax and rewrites what range-parser gets wrong, in one pass:
 * a malformed set (`bytes=abc`, which range-parser calls unsatisfiable), an invalid
 * range (`bytes=5-1`, last before first) or more than MAX_RANGES ranges gives
 * undefined (ignore the header); a suffix longer than the
 * file (`bytes=-500` of 100 bytes) becomes `0-`, the whole file (RFC 9110 §14.1.3),
 * where range-parser would drop it and answer 416.
 */
function normaliseHeader(header: string, size: number): string | undefined {
  // Stryker disable next-line Regex: equivalent; "." stops only at a line break, which no header value contains
  const match = /^bytes=(.+)$/i.exec(header.trim());
  if (!match?.[1]) return undefined;
  const specs = match[1].split(",");
  if (specs.length > MAX_RANGES) return undefined;
  // Stryker disable next-line ArrayDeclaration: equivalent; range-parser skips a spec that is not a range
  const normalised: string[] = [];
  for (const spec of specs) {
    const parts = RANGE_SPEC.exec(spec);
    if (!parts) return undefined;
    const [, first, last, suffix] = parts;
    // `5-1` is invalid (RFC 9110 §14.1.1), not unsatisfiable: range-parser would skip it and
    // answer 416, or serve the other ranges. BigInt: digits past 2^53 must not round equal.
    if (first !== undefined && last && BigInt(last) < BigInt(first)) return undefined;
    normalised.push(suffix !== undefined && Number(suffix) > size ? "0-" : spec.trim());
  }
  return `bytes=${normalised.join(",")}`;
}
