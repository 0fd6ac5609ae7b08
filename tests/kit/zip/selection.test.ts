import { describe, expect, it } from "vitest";
import { parseSelection, ZipRequestError } from "../../../lib/private-files/src/zip/items";
import { openSelection, signSelection } from "../../../lib/private-files/src/zip/selection-token";

const SECRET = "a-secret-of-at-least-thirty-two-characters";
const OLD = "an-older-secret-still-accepted-in-rotation";
const now = new Date("2026-01-01T00:00:00Z");
const inAnHour = now.getTime() / 1000 + 3600;
const selection = { items: [{ model: "docs", field: "file", id: "1" }, { model: "docs", field: "file", id: "é/2" }], name: "Mes fichiers" };

describe("signed selections", () => {
  it("open to what was signed, under the current or a previous secret", () => {
    const token = signSelection(selection, inAnHour, OLD);
    const opened = openSelection(token, [SECRET, OLD], now);
    expect(opened).toEqual({ body: { items: selection.items, name: "Mes fichiers" } });
    expect(parseSelection((opened as { body: unknown }).body, 10)).toEqual(selection);
  });

  it("refuse any changed character, another secret, an expired one and garbage", () => {
    const token = signSelection(selection, inAnHour, SECRET);
    for (let i = 0; i < token.length; i += 7) {
      const changed = token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
      expect(openSelection(changed, [SECRET], now), `at ${i}`).toHaveProperty("refused");
    }
    expect(openSelection(token, [OLD], now)).toEqual({ refused: "selection-invalid" });
    expect(openSelection(token, [SECRET], new Date(inAnHour * 1000))).toEqual({ refused: "selection-expired" });
    for (const garbage of ["", ".", "abc", "a.b", `${token}.x`, `!${token}`]) expect(openSelection(garbage, [SECRET], now)).toHaveProperty("refused");
  });
});

describe("parseSelection", () => {
  it("takes numeric ids as their decimal form, ignores unknown keys, trims a blank name to none", () => {
    expect(parseSelection({ items: [{ model: "m", field: "f", id: 7, extra: true }], name: "  " }, 5)).toEqual({ items: [{ model: "m", field: "f", id: "7" }], name: null });
  });

  it("refuses with 400 what is malformed or empty, with 413 more than maxEntries", () => {
    const status = (body: unknown, max = 5) => {
      try {
        parseSelection(body, max);
        return 200;
      } catch (error) {
        expect(error).toBeInstanceOf(ZipRequestError);
        return (error as ZipRequestError).status;
      }
    };
    expect(status(null)).toBe(400);
    expect(status([])).toBe(400);
    expect(status({})).toBe(400);
    expect(status({ items: [] })).toBe(400);
    expect(status({ items: [null] })).toBe(400);
    expect(status({ items: [{ model: "m", field: "f", id: 1.5 }] })).toBe(400);
    expect(status({ items: [{ model: "m", field: "f", id: "x".repeat(1025) }] })).toBe(400);
    expect(status({ items: [{ model: "m", field: "f", id: "1" }], name: "x".repeat(256) })).toBe(400);
    expect(status({ items: Array.from({ length: 6 }, () => ({ model: "m", field: "f", id: "1" })) })).toBe(413);
    expect(status({ items: [{ model: "m", field: "f", id: "1" }] })).toBe(200);
  });
});
