import { describe, expect, it } from "vitest";
import { intId, stringId, uuidId } from "next-private-files";

describe("intId", () => {
  it.each([
    ["0", 0],
    ["1", 1],
    ["42", 42],
    ["9007199254740991", Number.MAX_SAFE_INTEGER],
  ])("parses %s", (segment, value) => {
    expect(intId.parse(segment)).toBe(value);
  });

  it.each([
    ["a negative number", "-1"],
    ["a leading zero", "01"],
    ["exponent notation", "1e3"],
    ["a decimal", "1.0"],
    ["the empty string", ""],
    ["a leading space", " 1"],
    ["a trailing space", "1 "],
    ["a plus sign", "+1"],
    ["hex", "0x10"],
    ["one past MAX_SAFE_INTEGER", "9007199254740992"],
    ["17 digits", "12345678901234567"],
    ["10,000 digits", "9".repeat(10_000)],
    ["letters", "abc"],
    ["a digit then letters", "1abc"],
    ["Infinity", "Infinity"],
  ])("rejects %s", (_label, segment) => {
    expect(intId.parse(segment)).toBeUndefined();
  });

  it("formats and parses back", () => {
    for (const id of [0, 7, 123456, Number.MAX_SAFE_INTEGER]) expect(intId.parse(intId.format(id))).toBe(id);
  });
});

describe("uuidId", () => {
  const uuid = "123e4567-e89b-42d3-a456-426614174000";

  it("accepts a lower-case canonical UUID", () => {
    expect(uuidId.parse(uuid)).toBe(uuid);
    const random = crypto.randomUUID();
    expect(uuidId.parse(random)).toBe(random);
  });

  it.each([
    ["upper case", uuid.toUpperCase()],
    ["no dashes", uuid.replaceAll("-", "")],
    ["braces", `{${uuid}}`],
    ["one character short", uuid.slice(0, -1)],
    ["one character long", `${uuid}0`],
    ["a non-hex character", uuid.replace("a", "g")],
    ["a trailing newline", `${uuid}\n`],
    ["the empty string", ""],
  ])("rejects %s", (_label, segment) => {
    expect(uuidId.parse(segment)).toBeUndefined();
  });

  it("formats and parses back", () => {
    expect(uuidId.parse(uuidId.format(uuid))).toBe(uuid);
  });
});

describe("stringId", () => {
  const codec = stringId();

  it.each(["a", "clx1abc_DEF-2", "x".repeat(128)])("accepts %s by default", (segment) => {
    expect(codec.parse(segment)).toBe(segment);
  });

  it.each([
    ["the empty string", ""],
    ["129 characters", "x".repeat(129)],
    ["a dot", "a.b"],
    ["a slash", "a/b"],
    ["a space", "a b"],
    ["a NUL", "a\0"],
    ["non-ASCII", "é"],
  ])("rejects %s by default", (_label, segment) => {
    expect(codec.parse(segment)).toBeUndefined();
  });

  it("uses a custom pattern", () => {
    const nanoid = stringId(/^[a-z]{4}$/);
    expect(nanoid.parse("abcd")).toBe("abcd");
    expect(nanoid.parse("abcde")).toBeUndefined();
    expect(nanoid.parse("ABCD")).toBeUndefined();
  });

  it("formats and parses back", () => {
    expect(codec.parse(codec.format("abc_123"))).toBe("abc_123");
  });
});
