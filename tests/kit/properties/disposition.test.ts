import { parse } from "content-disposition";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { displayName, dispositionFor } from "../../../lib/private-files/src/http/headers";
import { PROPERTY_TIMEOUT_MS, RUNS } from "./runs";

// ---------------------------------------------------------------------------
// Reference model of displayName: a char-by-char filter over code points.
// ---------------------------------------------------------------------------

/** C0, DEL and C1. */
function isControl(codePoint: number): boolean {
  return codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f);
}

/** Bidirectional marks, embeddings, overrides and isolates; line and paragraph separators. */
const INVISIBLE = new Set<number>([
  0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029,
]);

/**
 * Whitespace cut from both ends of the name (the kit trims; see "surrounding spaces"
 * in headers.test.ts): ECMAScript WhiteSpace and LineTerminator, listed out.
 */
const EDGE_SPACE = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
]);

function modelDisplayName(name: string): string {
  const kept: string[] = [];
  for (const char of name) {
    const codePoint = char.codePointAt(0)!;
    if (isControl(codePoint) || INVISIBLE.has(codePoint)) continue;
    kept.push(char === "/" || char === "\\" ? "_" : char);
  }
  while (kept.length > 0 && EDGE_SPACE.has(kept[0]!.codePointAt(0)!)) kept.shift();
  while (kept.length > 0 && EDGE_SPACE.has(kept[kept.length - 1]!.codePointAt(0)!)) kept.pop();
  const cleaned = kept.join("");
  return cleaned === "" || cleaned === "." || cleaned === ".." ? "download" : cleaned;
}

/** What displayName must never let through, whatever the model says. */
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f/\\\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

// ---------------------------------------------------------------------------
// Arbitraries: well-formed (full Unicode) names, as a File name or a database string is.
// A lone surrogate cannot reach dispositionFor through the route: the name sent is one
// equal to a percent-decoded URL segment, which is always well-formed.
// ---------------------------------------------------------------------------

const NAME_PIECES = [
  "\u0000", "\r", "\n", "\r\n", "\t", "\u000b", "\u001f", "\u007f", "\u0080", "\u0085", "\u009f",
  "\u00a0", "\u1680", "\u2000", "\u3000", "\ufeff", "\u200b", "\u180e", " ", "  ",
  "\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u2028", "\u2029",
  "/", "\\", ".", "..", "../", "..\\", "~",
  '"', "'", ";", ",", "=", "*", "(", ")", "<", ">", "@", "?", "[", "]", "{", "}", ":", "%", "%20", "%41", "%2F", "%zz", "%%",
  "filename=", "filename*=", "UTF-8''", "attachment;", "inline",
  "é", "ÿ", "ß", "Ω", "€", "😀", "👨‍👩‍👧", "日本", "ア", "\u0301", "\ufffd", "\u{10ffff}", "\ue000",
  "a", "Z", "0", "report", ".pdf", ".exe", "txt",
];

const names = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...NAME_PIECES) }, { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) }), maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 200, maxLength: 300 }) },
);

/** The name a browser shows: the RFC 8187 `filename*` when present (as browsers prefer it), else `filename`. */
function shownName(header: string): string | undefined {
  const raw = parse(header, { extended: false }).parameters;
  const extended = raw["filename*"];
  if (extended === undefined) return raw.filename;
  const match = /^UTF-8''([A-Za-z0-9!#$&+.^_`|~%-]*)$/i.exec(extended);
  if (!match) return undefined;
  return decodeURIComponent(match[1]!);
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

describe("displayName and dispositionFor: properties", () => {
  it(
    "dispositionFor is printable ASCII, accepted by Headers, and parses back to the type asked and to displayName(name)",
    () => {
      fc.assert(
        fc.property(names, fc.boolean(), (name, inline) => {
          const header = dispositionFor(name, inline);
          expect(header).toMatch(/^[\x20-\x7e]*$/);
          expect(new Headers({ "Content-Disposition": header }).get("Content-Disposition")).toBe(header);
          const expected = displayName(name);
          const parsed = parse(header);
          expect(parsed.type).toBe(inline ? "inline" : "attachment");
          expect(shownName(header)).toBe(expected);
          // What the package's own parser settles on agrees.
          expect(parsed.parameters.filename).toBe(expected);
          // Every header carries a plain `filename` too, for clients without RFC 8187.
          expect(parse(header, { extended: false }).parameters.filename).toMatch(/^[\x20-\x7e]+$/);
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "displayName agrees with the char-by-char reference filter",
    () => {
      fc.assert(
        fc.property(names, (name) => {
          expect(displayName(name)).toBe(modelDisplayName(name));
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "displayName never holds a control, a slash, a bidi control or a line separator; is never empty, '.' or '..'; is idempotent",
    () => {
      fc.assert(
        fc.property(names, (name) => {
          const shown = displayName(name);
          expect(shown).not.toMatch(FORBIDDEN);
          expect(["", ".", ".."]).not.toContain(shown);
          expect(shown).toBe(shown.trim());
          expect(displayName(shown)).toBe(shown);
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
