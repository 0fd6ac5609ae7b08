import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_SEGMENT_LENGTH, parseFilePath, type FilePath } from "../../../lib/private-files/src/route/parse-path";
import { PROPERTY_TIMEOUT_MS, RUNS } from "./runs";

// ---------------------------------------------------------------------------
// Reference model: the spec of parseFilePath written out the slow, obvious way.
// It shares no code with the kit: its own prefix check, split, percent-decoder
// and UTF-8 decoder (RFC 3629 table), instead of split() and decodeURIComponent.
// ---------------------------------------------------------------------------

/** Longest decoded segment, in UTF-16 code units (JavaScript's `length`, as the kit counts "characters"). */
const MODEL_MAX_DECODED = 1024;
/** Longest raw segment: 1024 characters, each as 4 percent-encoded UTF-8 bytes. */
const MODEL_MAX_RAW = 1024 * 4 * 3;

function isHexDigit(char: string | undefined): boolean {
  if (char === undefined || char.length !== 1) return false;
  const code = char.charCodeAt(0);
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/** Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF, no truncated sequence. */
function decodeUtf8(bytes: readonly number[]): string | undefined {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    let count: number;
    let codePoint: number;
    let smallest: number;
    if (lead <= 0x7f) [count, codePoint, smallest] = [1, lead, 0];
    else if (lead >= 0xc0 && lead <= 0xdf) [count, codePoint, smallest] = [2, lead & 0x1f, 0x80];
    else if (lead >= 0xe0 && lead <= 0xef) [count, codePoint, smallest] = [3, lead & 0x0f, 0x800];
    else if (lead >= 0xf0 && lead <= 0xf7) [count, codePoint, smallest] = [4, lead & 0x07, 0x10000];
    else return undefined; // a continuation byte, or 0xf8..0xff
    if (i + count > bytes.length) return undefined;
    for (let k = 1; k < count; k++) {
      const next = bytes[i + k]!;
      if (next < 0x80 || next > 0xbf) return undefined;
      codePoint = codePoint * 64 + (next - 0x80);
    }
    if (codePoint < smallest) return undefined; // overlong
    if (codePoint > 0x10ffff) return undefined;
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) return undefined;
    out += String.fromCodePoint(codePoint);
    i += count;
  }
  return out;
}

/** Decodes every `%XX` once: each run of escapes must be whole UTF-8; other code units are kept as they are. */
function percentDecode(segment: string): string | undefined {
  let out = "";
  let i = 0;
  while (i < segment.length) {
    if (segment[i] !== "%") {
      out += segment[i];
      i += 1;
      continue;
    }
    const bytes: number[] = [];
    while (segment[i] === "%") {
      const high = segment[i + 1];
      const low = segment[i + 2];
      if (!isHexDigit(high) || !isHexDigit(low)) return undefined;
      bytes.push(Number.parseInt(`${high}${low}`, 16));
      i += 3;
    }
    const text = decodeUtf8(bytes);
    if (text === undefined) return undefined;
    out += text;
  }
  return out;
}

/**
 * Control characters as the parser defines them: C0 and DEL. C1 (U+0080–U+009F)
 * is not refused by the kit's parser, and the model follows: a URL segment only
 * selects (model key, field name, id, and a name compared with the stored one), so
 * a C1 character there can only make the lookup miss (404); the name that is
 * *shown* goes through displayName, which does strip C1 (see disposition.test.ts).
 */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x1f || code === 0x7f) return true;
  }
  return false;
}

function modelParse(pathname: string, basePath: string): FilePath | undefined {
  const prefix = basePath + "/";
  if (pathname.length < prefix.length) return undefined;
  for (let i = 0; i < prefix.length; i++) {
    if (pathname[i] !== prefix[i]) return undefined;
  }
  const segments: string[] = [""];
  for (let i = prefix.length; i < pathname.length; i++) {
    if (pathname[i] === "/") segments.push("");
    else segments[segments.length - 1] += pathname[i]!;
  }
  if (segments.length !== 4) return undefined;
  const decoded: string[] = [];
  for (const raw of segments) {
    if (raw === "" || raw.length > MODEL_MAX_RAW) return undefined;
    const value = percentDecode(raw);
    if (value === undefined || value.length > MODEL_MAX_DECODED || hasControl(value)) return undefined;
    decoded.push(value);
  }
  return { model: decoded[0]!, field: decoded[1]!, id: decoded[2]!, filename: decoded[3]! };
}

/** No lone surrogate (String.prototype.isWellFormed is ES2024, past this project's lib). */
function isWellFormed(text: string): boolean {
  return /^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/.test(text);
}

// ---------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------

/** One code point anywhere in Unicode (no lone surrogate). */
const anyCodePoint = fc.string({ unit: "binary", minLength: 1, maxLength: 1 });
/** One UTF-16 code unit, lone surrogates included: what a JavaScript string may hold. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

const basePaths = fc.oneof(
  fc.constantFrom("", "/files", "/api/private", "/f", "/files/v1", "/fi les", "/%66iles", "/é"),
  fc.array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,6}$/), { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join("/")}`),
);

/** Pieces a hostile or broken client puts in a path: traversal, encoded slashes, bad and overlong escapes, controls. */
const PATH_PIECES = [
  "/", "%", "%%", ".", "..", "%2e", "%2E%2e", "%2e%2e%2f", "%2e%2e/", "..%2F", "%2F", "%2f", "%5C", "\\",
  "%00", "%0a", "%0D", "%09", "%1F", "%1f", "%7F", "%7f", "%20", "%25", "%2525", "%252F", "%41",
  "%C2%85", "%C2%A0", "%C3%A9", "%c3%a9", "%C3", "%C3%28", "%E0%A4%A", "%E2%82%AC", "%E2%80%AE",
  "%ED%A0%80", "%ED%BF%BF", "%EF%BB%BF", "%F0%9F%98%80", "%F4%8F%BF%BF", "%F4%90%80%80", "%F8%88%80%80%80",
  "%C0%AF", "%C1%BF", "%E0%80%AF", "%F0%80%80%AF", "%80", "%BF", "%FE", "%FF",
  "%zz", "%G0", "%0", "%A", "%u0041", "%%41",
  "\u0000", "\n", "\r", "\t", "\u007f", "\u0085", "\u202e", "é", "😀", "\ud800", "\udc00", "\ud83d",
  "a", "Z", "0", "?", "#", ";", " ", "+", "=", "&",
];

const randomEscape = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.boolean())
  .map(([byte, upper]) => {
    const hex = byte.toString(16).padStart(2, "0");
    return `%${upper ? hex.toUpperCase() : hex}`;
  });

const messyText = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PATH_PIECES) }, { weight: 2, arbitrary: randomEscape }, { weight: 1, arbitrary: anyCodePoint }, { weight: 1, arbitrary: anyCodeUnit }), { maxLength: 10 })
  .map((pieces) => pieces.join(""));

/** Segments near the length limits: a repeated piece decoding to 1 or 2 code units, around 1024 decoded and 12288 raw. */
const longSegment = fc
  .tuple(
    fc.constantFrom(
      { raw: "a", units: 1 },
      { raw: "é", units: 1 },
      { raw: "😀", units: 2 },
      { raw: "%41", units: 1 },
      { raw: "%C3%A9", units: 1 },
      { raw: "%E2%82%AC", units: 1 },
      { raw: "%F0%9F%98%80", units: 2 },
    ),
    fc.integer({ min: -3, max: 3 }),
    fc.boolean(),
  )
  .map(([piece, delta, beyondRaw]) => {
    // Either straddle the 1024-unit decoded limit, or go past the 12288-char raw one.
    const count = beyondRaw ? Math.ceil(12288 / piece.raw.length) + delta : Math.floor(1024 / piece.units) + delta;
    return piece.raw.repeat(Math.max(1, count));
  });

const messySegment = fc.oneof({ weight: 8, arbitrary: messyText }, { weight: 1, arbitrary: longSegment });

/** Paths mostly under the right base with 4 segments, often not. */
const messyPath = fc
  .tuple(
    basePaths,
    fc.oneof(
      { weight: 6, arbitrary: fc.constant("right") },
      { weight: 1, arbitrary: fc.constant("none") },
      { weight: 1, arbitrary: messyText },
    ),
    fc.oneof(
      { weight: 6, arbitrary: fc.array(messySegment, { minLength: 4, maxLength: 4 }) },
      { weight: 2, arbitrary: fc.array(messySegment, { maxLength: 6 }) },
    ),
  )
  .map(([basePath, prefix, segments]) => {
    const head = prefix === "right" ? `${basePath}/` : prefix === "none" ? "" : prefix;
    return { basePath, pathname: head + segments.join("/") };
  });

/** A value that may appear in a segment: non-empty, no C0/DEL, at most 1024 code units, well-formed Unicode. */
const segmentValueChar = fc.oneof(
  { weight: 6, arbitrary: anyCodePoint.filter((c) => !hasControl(c)) },
  { weight: 2, arbitrary: fc.constantFrom("/", "%", "%2F", "%25", "%41", "..", ".", "\\", "?", "#", " ", "+", "é", "😀", "\u0085", "\u202e") },
);
const segmentValue = fc.oneof(
  { weight: 9, arbitrary: fc.string({ unit: segmentValueChar, minLength: 1, maxLength: 30 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(segmentValueChar, fc.integer({ min: 1000, max: 1024 })).map(([piece, length]) => {
      let value = "";
      while (value.length + piece.length <= length) value += piece;
      return value;
    }),
  },
).filter((value) => value.length >= 1 && value.length <= 1024);

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

describe("parseFilePath: properties", () => {
  it("the model's limit is the kit's", () => {
    expect(MAX_SEGMENT_LENGTH).toBe(MODEL_MAX_DECODED);
  });

  it(
    "round-trips any 4 values (non-empty, no control char, ≤1024 code units) encoded with encodeURIComponent",
    () => {
      fc.assert(
        fc.property(basePaths, fc.array(segmentValue, { minLength: 4, maxLength: 4 }), (basePath, values) => {
          const [model, field, id, filename] = values as [string, string, string, string];
          const pathname = `${basePath}/${values.map(encodeURIComponent).join("/")}`;
          expect(parseFilePath(pathname, basePath)).toEqual({ model, field, id, filename });
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "agrees with the reference model on messy paths (traversal, encoded slashes, bad escapes, controls, unicode, long segments)",
    () => {
      fc.assert(
        fc.property(messyPath, ({ basePath, pathname }) => {
          expect(parseFilePath(pathname, basePath)).toEqual(modelParse(pathname, basePath));
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "agrees with the reference model on arbitrary full-Unicode and UTF-16 strings under the base path",
    () => {
      const tail = fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ unit: anyCodeUnit, maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 }));
      fc.assert(
        fc.property(basePaths, tail, fc.boolean(), (basePath, rest, underBase) => {
          const pathname = underBase ? `${basePath}/${rest}` : rest;
          expect(parseFilePath(pathname, basePath)).toEqual(modelParse(pathname, basePath));
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "never throws, and any result has 4 non-empty segments of at most 1024 code units without a control character",
    () => {
      const anything = fc.oneof(messyPath, fc.record({ basePath: fc.string({ unit: anyCodeUnit, maxLength: 8 }), pathname: fc.string({ unit: anyCodeUnit, maxLength: 60 }) }));
      fc.assert(
        fc.property(anything, ({ basePath, pathname }) => {
          const result = parseFilePath(pathname, basePath);
          if (result === undefined) return;
          const values = [result.model, result.field, result.id, result.filename];
          expect(Object.keys(result).sort()).toEqual(["field", "filename", "id", "model"]);
          for (const value of values) {
            expect(value.length).toBeGreaterThan(0);
            expect(value.length).toBeLessThanOrEqual(MAX_SEGMENT_LENGTH);
            expect(value).not.toMatch(/[\u0000-\u001f\u007f]/);
          }
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "decodes exactly once: re-encoding a result with encodeURIComponent parses back to the same result",
    () => {
      fc.assert(
        fc.property(messyPath, ({ basePath, pathname }) => {
          const result = parseFilePath(pathname, basePath);
          if (result === undefined) return;
          const values = [result.model, result.field, result.id, result.filename];
          // A raw lone surrogate survives decoding (it is no escape) but cannot be re-encoded.
          fc.pre(values.every(isWellFormed));
          expect(parseFilePath(`${basePath}/${values.map(encodeURIComponent).join("/")}`, basePath)).toEqual(result);
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "answers undefined when the path is not under `<basePath>/` (other base, shared prefix, other case, missing slash)",
    () => {
      const otherBase = fc.tuple(basePaths, fc.constantFrom("upper", "suffix", "no-slash", "trailing-slash", "random"), fc.string({ unit: "binary", maxLength: 6 })).map(([basePath, how, noise]) => {
        switch (how) {
          case "upper":
            return basePath.toUpperCase();
          case "suffix":
            return basePath + (noise === "" ? "X" : noise);
          case "no-slash":
            return basePath.slice(1);
          case "trailing-slash":
            return `${basePath}/`;
          default:
            return `/${noise}`;
        }
      });
      fc.assert(
        fc.property(basePaths, otherBase, fc.array(segmentValue, { minLength: 4, maxLength: 4 }), (basePath, pathBase, values) => {
          const pathname = `${pathBase}/${values.map(encodeURIComponent).join("/")}`;
          fc.pre(!pathname.startsWith(`${basePath}/`));
          expect(parseFilePath(pathname, basePath)).toBeUndefined();
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
