import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideRange, MAX_RANGES, type RangeDecision } from "../../../lib/private-files/src/http/range";
import { PROPERTY_TIMEOUT_MS, RUNS } from "./runs";

// ---------------------------------------------------------------------------
// Reference model: RFC 9110 §14.1.1 (syntax), §14.1.2 (satisfiable ranges),
// §14.2 (what to do with the header), plus the kit's documented choices, written
// char by char with BigInt positions, sharing no code with range-parser.
// ---------------------------------------------------------------------------

const MODEL_MAX_RANGES = 100;

/**
 * Whitespace the kit strips around the header and around each range spec: every
 * ECMAScript WhiteSpace and LineTerminator (what trim() and \s take), listed
 * out. RFC 9110 OWS is only SP and HTAB; accepting more is the kit's leniency
 * (robustness, never a wrong byte), and the model follows it.
 */
const SPACES = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
]);
/** A field value holds no line break (RFC 9110 §5.5); one inside the value makes it malformed. */
const LINE_BREAKS = new Set<number>([0x0a, 0x0d, 0x2028, 0x2029]);

function stripSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && SPACES.has(text.charCodeAt(start))) start++;
  while (end > start && SPACES.has(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function isDigits(text: string): boolean {
  if (text === "") return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

type Spec = { kind: "int"; first: bigint; last: bigint | undefined } | { kind: "suffix"; length: bigint };

/** One range-spec: `first-last`, `first-` or `-suffix` (digits only); undefined when malformed or invalid. */
function parseSpec(element: string): Spec | undefined {
  const text = stripSpaces(element);
  let dash = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "-") {
      if (dash !== -1) return undefined; // a second dash
      dash = i;
    }
  }
  if (dash === -1) return undefined;
  const before = text.slice(0, dash);
  const after = text.slice(dash + 1);
  if (before === "") return isDigits(after) ? { kind: "suffix", length: BigInt(after) } : undefined;
  if (!isDigits(before)) return undefined;
  if (after === "") return { kind: "int", first: BigInt(before), last: undefined };
  if (!isDigits(after)) return undefined;
  const first = BigInt(before);
  const last = BigInt(after);
  // RFC 9110 §14.1.1: "A range-spec is invalid if the last-pos value is present and less than the first-pos."
  if (last < first) return undefined;
  return { kind: "int", first, last };
}

const ASCII_CASE = ["bB", "yY", "tT", "eE", "sS"];

function modelDecide(header: string | null, size: number): RangeDecision {
  if (header === null) return { kind: "full" };
  // The kit's documented choice for an empty file: always the (empty) whole file.
  if (size === 0) return { kind: "full" };
  const value = stripSpaces(header);
  for (let i = 0; i < value.length; i++) {
    if (LINE_BREAKS.has(value.charCodeAt(i))) return { kind: "full" };
  }
  // range-unit is case-insensitive (RFC 9110 §14.1); only "bytes" is known, anything else is ignored (§14.2).
  for (let i = 0; i < 5; i++) {
    if (value[i] === undefined || !ASCII_CASE[i]!.includes(value[i]!)) return { kind: "full" };
  }
  if (value[5] !== "=") return { kind: "full" };
  const rangeSet = value.slice(6);
  if (rangeSet === "") return { kind: "full" };
  const elements = rangeSet.split(",");
  // The kit's documented limit: more than MAX_RANGES ranges and the header is ignored.
  if (elements.length > MODEL_MAX_RANGES) return { kind: "full" };
  // An empty list element ("0-1,,2-3") makes the header malformed: the kit's choice, pinned in
  // range.test.ts. RFC 9110 §5.6.1.2 would have it skipped, but ignoring the whole header (200)
  // is always a conforming answer (§14.2: a server MAY ignore Range).
  const specs: Spec[] = [];
  for (const element of elements) {
    const spec = parseSpec(element);
    if (spec === undefined) return { kind: "full" }; // malformed or invalid: ignore the header (§14.2)
    specs.push(spec);
  }

  // §14.1.2: which specs are satisfiable, and the bytes each selects (last clamped to size-1).
  const length = BigInt(size);
  const ranges: { start: bigint; end: bigint }[] = [];
  for (const spec of specs) {
    if (spec.kind === "int") {
      if (spec.first >= length) continue;
      const end = spec.last === undefined || spec.last > length - 1n ? length - 1n : spec.last;
      ranges.push({ start: spec.first, end });
    } else {
      if (spec.length === 0n) continue;
      // A suffix longer than the representation selects all of it (§14.1.3).
      const start = spec.length >= length ? 0n : length - spec.length;
      ranges.push({ start, end: length - 1n });
    }
  }
  if (ranges.length === 0) return { kind: "unsatisfiable" };

  // Coalesce overlapping and adjacent ranges.
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged = [ranges[0]!];
  for (const range of ranges.slice(1)) {
    const current = merged[merged.length - 1]!;
    if (range.start <= current.end + 1n) {
      if (range.end > current.end) current.end = range.end;
    } else {
      merged.push(range);
    }
  }
  // Several disjoint ranges: the kit sends the whole file rather than multipart/byteranges (documented).
  if (merged.length > 1) return { kind: "full" };
  const [only] = merged;
  return { kind: "partial", range: { start: Number(only!.start), end: Number(only!.end) } };
}

// ---------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------

const TWO_53 = 2n ** 53n;

const sizes = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 2, 3, 7, 100, 1000) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 10_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: Number.MAX_SAFE_INTEGER - 10, max: Number.MAX_SAFE_INTEGER }) },
);

/** A position written in a header: near 0, near the size, inside, beyond, around 2^53 and far past it. */
function positions(size: number): fc.Arbitrary<string> {
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 3n }) },
    { weight: 4, arbitrary: fc.bigInt({ min: BigInt(Math.max(0, size - 3)), max: BigInt(size) + 3n }) },
    { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: BigInt(size) }) },
    { weight: 1, arbitrary: fc.bigInt({ min: BigInt(size), max: BigInt(size) * 4n + 10n }) },
    { weight: 1, arbitrary: fc.bigInt({ min: TWO_53 - 3n, max: TWO_53 + 3n }) },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 30n }) },
    { weight: 1, arbitrary: fc.constant(10n ** 400n - 1n) },
  );
  return fc.tuple(value, fc.oneof({ weight: 9, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom("0", "00") })).map(([n, zeros]) => zeros + n.toString());
}

function specs(size: number): fc.Arbitrary<string> {
  const position = positions(size);
  return fc.oneof(
    fc.tuple(position, position).map(([first, last]) => `${first}-${last}`),
    position.map((first) => `${first}-`),
    position.map((suffix) => `-${suffix}`),
  );
}

/** Specs that all hold byte `pivot` (0 <= pivot < size), so any number of them coalesces into one range. */
function covering(size: number): fc.Arbitrary<string> {
  return fc.integer({ min: 0, max: Math.max(0, size - 1) }).chain((pivot) => {
    const start = fc.integer({ min: 0, max: pivot });
    const end = fc.oneof(fc.integer({ min: pivot, max: Math.max(pivot, Math.min(size - 1, pivot + 10)) }), fc.integer({ min: pivot, max: Number.MAX_SAFE_INTEGER }));
    return fc.oneof(
      fc.tuple(start, end).map(([first, last]) => `${first}-${last}`),
      start.map((first) => `${first}-`),
      fc.integer({ min: size - pivot, max: size + 10 }).map((suffix) => `-${suffix}`),
    );
  });
}

const separators = fc.constantFrom(",", ",", ",", ", ", " ,", " , ", ",\t");
const units = fc.constantFrom("bytes=", "bytes=", "bytes=", "Bytes=", "BYTES=", "bYtEs=");
const pads = fc.constantFrom("", "", "", " ", "\t", "  ");

/** Well-formed Range headers (reversed `first-last` aside) for a size. */
const structured = sizes.chain((size) =>
  fc
    .tuple(
      pads,
      units,
      fc.oneof(
        { weight: 12, arbitrary: fc.array(specs(size), { minLength: 1, maxLength: 6 }) },
        { weight: 2, arbitrary: fc.array(covering(size), { minLength: 1, maxLength: 6 }) },
        { weight: 1, arbitrary: fc.array(specs(size), { minLength: MAX_RANGES - 2, maxLength: MAX_RANGES + 2 }) },
        // Around the MAX_RANGES limit with ranges that coalesce into one: 206 just below it, 200 above.
        { weight: 1, arbitrary: fc.array(covering(size), { minLength: MAX_RANGES - 2, maxLength: MAX_RANGES + 2 }) },
      ),
      separators,
      pads,
    )
    .map(([lead, unit, list, separator, trail]) => ({ size, header: `${lead}${unit}${list.join(separator)}${trail}` })),
);

/** Pieces of broken and odd headers: other units, bad numbers, reversed ranges, odd whitespace and digits. */
const RANGE_PIECES = [
  "bytes=", "Bytes=", "BYTES=", "bytes", "bytes =", "bytes= ", "items=", "none", "=", ",", ",,", "-", "--", ";",
  " ", "\t", "\u00a0", "\u3000", "\ufeff", "\u0085", "\n", "\r\n", "\u2028", "\u000b",
  "0", "1", "5", "9", "10", "99", "100", "101", "1000", "007",
  "5-1", "1-5", "0-0", "0-", "5-", "-0", "-1", "-5", "-500", "-5-", "1--2", "+1", "1.5", "1e3", "0x1", "-1-2",
  "abc", "ſ", "\u212a", "\uff19", "\u0663", "9007199254740993", "9007199254740992", "18446744073709551616",
];

const noisePiece = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...RANGE_PIECES) }, { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 2 }) });

/** A well-formed header with one or two pieces of noise dropped in anywhere: mostly near misses. */
const nearMiss = fc.tuple(structured, fc.array(fc.tuple(fc.nat(), noisePiece), { minLength: 1, maxLength: 2 })).map(([{ size, header }, insertions]) => {
  let text = header;
  for (const [at, piece] of insertions) {
    const index = at % (text.length + 1);
    text = text.slice(0, index) + piece + text.slice(index);
  }
  return [size, text] as [number, string];
});

/** Headers built from noise pieces (often after a right unit), or any string at all. */
const rawNoise = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(fc.boolean(), fc.array(noisePiece, { maxLength: 12 })).map(([withUnit, pieces]) => (withUnit ? "bytes=" : "") + pieces.join("")),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
);

const noisy = fc.oneof({ weight: 3, arbitrary: nearMiss }, { weight: 2, arbitrary: fc.tuple(sizes, rawNoise) });

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

describe("decideRange: properties", () => {
  it("the model's limit is the kit's", () => {
    expect(MAX_RANGES).toBe(MODEL_MAX_RANGES);
  });

  it(
    "agrees with the RFC 9110 reference model on structured headers (3 spec forms, numbers near 0, near size, beyond 2^53)",
    () => {
      fc.assert(
        fc.property(structured, ({ size, header }) => {
          expect(decideRange(header, size)).toEqual(modelDecide(header, size));
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "agrees with the reference model on noisy headers (spaces, Bytes=, reversed, negative, non-numeric, odd digits)",
    () => {
      fc.assert(
        fc.property(noisy, ([size, header]) => {
          expect(decideRange(header, size)).toEqual(modelDecide(header, size));
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "never throws; a partial range always satisfies 0 <= start <= end < size, in integers",
    () => {
      const anyHeader = fc.oneof(structured, noisy.map(([size, header]) => ({ size, header })), fc.record({ size: sizes, header: fc.option(fc.string({ unit: "binary", maxLength: 40 }), { nil: null }) }));
      fc.assert(
        fc.property(anyHeader, ({ size, header }) => {
          const decision = decideRange(header, size);
          expect(["full", "partial", "unsatisfiable"]).toContain(decision.kind);
          if (decision.kind !== "partial") return;
          const { start, end } = decision.range;
          expect(Number.isSafeInteger(start) && Number.isSafeInteger(end)).toBe(true);
          expect(0 <= start && start <= end && end < size).toBe(true);
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "does not depend on the order of the ranges",
    () => {
      const shuffled = sizes.chain((size) =>
        fc.array(specs(size), { minLength: 1, maxLength: 6 }).chain((list) => fc.tuple(fc.constant(size), fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length }))),
      );
      fc.assert(
        fc.property(shuffled, ([size, list, permuted]) => {
          expect(decideRange(`bytes=${permuted.join(",")}`, size)).toEqual(decideRange(`bytes=${list.join(",")}`, size));
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
