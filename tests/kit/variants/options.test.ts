import { describe, expect, it } from "vitest";
import { intId, privateModel } from "next-private-files";
import { compileVariants, snapWidth, variantFileName, variantKey, variantsFolder } from "../../../lib/private-files/src/variants/options";
import { parseVariantQuery } from "../../../lib/private-files/src/route/variant-query";

// A field's `variants` declaration: what is refused at start-up, how `?w=` snaps, and
// the stored key every option is part of.

type Photo = { id: number; image: string | null };
const declare = (variants: unknown) => () =>
  privateModel<Photo, number>({ id: intId, load: async () => null }).fields({ image: { variants: variants as never } });

describe("variants are checked at declaration", () => {
  it("takes positive whole widths and heights, the four formats, and names of a-z0-9-_", () => {
    expect(declare({ thumb: { width: 320, format: "webp" }, "pre_view-2": { width: 1280, height: 720, format: "avif", quality: 60, fit: "cover" } })).not.toThrow();
  });

  it.each([
    [{ thumb: { width: 0 } }, /width must be a whole number of pixels/],
    [{ thumb: { width: 320.5 } }, /width must be a whole number/],
    [{ thumb: { width: -1 } }, /width must be/],
    [{ thumb: { height: 20_000 } }, /height must be a whole number of pixels from 1 to 16384/],
    [{ thumb: { width: "320" } }, /width must be/],
    [{ thumb: {} }, /needs a width or a height/],
    [{ thumb: { width: 320, format: "gif" } }, /format must be one of webp, avif, jpeg, png/],
    [{ thumb: { width: 320, format: "svg" } }, /format must be one of/],
    [{ Thumb: { width: 320 } }, /a variant name is 1 to 64 of a-z/],
    [{ "th umb": { width: 320 } }, /a variant name/],
    [{ "../x": { width: 320 } }, /a variant name/],
    [{ thumb: { width: 320, quality: 0 } }, /quality must be a whole number from 1 to 100/],
    [{ thumb: { width: 320, fit: "stretch" } }, /fit must be one of/],
    [{}, /declares none/],
  ])("refuses %j with a TypeError", (variants, message) => {
    expect(declare(variants)).toThrow(TypeError);
    expect(declare(variants)).toThrow(message);
  });
});

describe("?w= snaps to a declared width", () => {
  const variants = compileVariants("image", {
    thumb: { width: 320, format: "webp" },
    square: { width: 320, height: 320, fit: "cover" },
    medium: { width: 640 },
    tall: { height: 900 },
    preview: { width: 1280 },
  })!;

  it.each([
    [1, "thumb"],
    [320, "thumb"],
    [321, "medium"],
    [640, "medium"],
    [641, "preview"],
    [1280, "preview"],
    [3840, "preview"],
  ])("w=%i is %s: the smallest declared width at least w, else the largest; the first declared of one width", (w, name) => {
    expect(snapWidth(variants, w)?.name).toBe(name);
  });

  it("finds nothing in a field without widths", () => {
    expect(snapWidth(compileVariants("image", { tall: { height: 900 } }), 300)).toBeUndefined();
    expect(snapWidth(undefined, 300)).toBeUndefined();
  });
});

describe("the query", () => {
  const q = (search: string) => parseVariantQuery(new URLSearchParams(search));
  it("reads variant= and w= beside other parameters", () => {
    expect(q("")).toEqual({ kind: "original" });
    expect(q("token=abc")).toEqual({ kind: "original" });
    expect(q("variant=thumb&token=abc")).toEqual({ kind: "name", name: "thumb" });
    expect(q("token=abc&w=640")).toEqual({ kind: "width", width: 640 });
    expect(q("w=16384")).toEqual({ kind: "width", width: 16384 });
  });
  it.each(["variant=thumb&w=320", "w=0", "w=-5", "w=3.5", "w=abc", "w=", "w=16385", "w=0320", "w=1e3", "w=320&w=640", "variant=a&variant=b"])("refuses %s as malformed", (search) => {
    expect(q(search).kind).toBe("malformed");
  });
});

describe("the stored key", () => {
  const [thumb] = compileVariants("image", { thumb: { width: 320, format: "webp" } })!.values();
  const keyOf = (options: object) => variantKey("images/a1.png", compileVariants("image", { thumb: options as never })!.get("thumb")!);

  it("lives in a folder beside the original, named after it, with the variant's name, a digest of its options and its format's extension", () => {
    expect(variantsFolder("images/a1.png")).toBe("images/.variants/a1.png");
    expect(variantsFolder("a1.png")).toBe(".variants/a1.png");
    expect(variantKey("images/a1.png", thumb!)).toMatch(/^images\/\.variants\/a1\.png\/thumb-[0-9a-f]{12}\.webp$/);
  });

  it("changes with every option that shapes the bytes, and not with pregenerate", () => {
    const base = keyOf({ width: 320, format: "webp" });
    expect(keyOf({ width: 320, format: "webp" })).toBe(base);
    expect(keyOf({ width: 320, format: "webp", pregenerate: true })).toBe(base);
    for (const changed of [{ width: 321, format: "webp" }, { width: 320, height: 200, format: "webp" }, { width: 320, format: "webp", quality: 70 }, { width: 320, height: 200, format: "webp", fit: "cover" }]) {
      expect(keyOf(changed)).not.toBe(base);
    }
    expect(keyOf({ width: 320, format: "avif" })).toMatch(/\.avif$/);
  });

  it("keeps the original's format when none is declared (by its stored extension), else webp", () => {
    const [keep] = compileVariants("image", { preview: { width: 1280 } })!.values();
    expect(variantKey("images/a.jpeg", keep!)).toMatch(/\.jpg$/);
    expect(variantKey("images/a.png", keep!)).toMatch(/\.png$/);
    expect(variantKey("images/a.gif", keep!)).toMatch(/\.webp$/);
    expect(variantKey("images/a", keep!)).toMatch(/\.webp$/);
  });

  it("keeps one digest per format for the same compiled variant (the digest is worked out once per variant and format)", () => {
    const [keep] = compileVariants("image", { preview: { width: 1280 } })!.values();
    const digestOf = (stored: string) => /-([0-9a-f]{12})\./.exec(variantKey(stored, keep!))![1];
    const png = digestOf("images/a.png");
    const jpeg = digestOf("images/a.jpeg");
    expect(jpeg).not.toBe(png);
    expect(digestOf("images/b.png")).toBe(png);
    const [fresh] = compileVariants("image", { preview: { width: 1280 } })!.values();
    expect(/-([0-9a-f]{12})\./.exec(variantKey("images/a.jpeg", fresh!))![1]).toBe(jpeg);
  });

  it("names the download after the original, with the variant's extension", () => {
    expect(variantFileName("Holiday photo.PNG", thumb!, "images/a1.png")).toBe("Holiday photo.webp");
    expect(variantFileName("scan", thumb!, "images/a1.png")).toBe("scan.webp");
    expect(variantFileName(".hidden", thumb!, "images/a1.png")).toBe(".hidden.webp");
  });
});
