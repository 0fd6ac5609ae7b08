import path from "node:path";
import { describe, expect, it } from "vitest";
import { UnsafeStoredPathError } from "next-private-files";
import { isInside, relativeFolder, relativeSegments } from "../../../lib/private-files/src/storage/safe-path";

/** The reason relativeSegments gives for refusing `stored` (fails the test when it accepts it). */
function refusal(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(UnsafeStoredPathError);
    return (error as UnsafeStoredPathError).reason;
  }
  throw new Error("accepted");
}

describe("relativeSegments", () => {
  it("returns the segments of a plain relative path", () => {
    expect(relativeSegments("a.txt")).toEqual(["a.txt"]);
    expect(relativeSegments("docs/2024/a.pdf")).toEqual(["docs", "2024", "a.pdf"]);
  });

  it("accepts a colon, dots and spaces inside a segment: only a leading drive letter is absolute", () => {
    expect(relativeSegments("notes/a:b.txt")).toEqual(["notes", "a:b.txt"]);
    expect(relativeSegments("x/C:/y")).toEqual(["x", "C:", "y"]);
    expect(relativeSegments("..a/b..")).toEqual(["..a", "b.."]);
    expect(relativeSegments(". a/.b")).toEqual([". a", ".b"]);
  });

  it("names why it refuses each kind of unsafe path", () => {
    expect(refusal(() => relativeSegments("a\0b"))).toBe("contains a NUL byte");
    expect(refusal(() => relativeSegments("a\\b"))).toBe("contains a backslash");
    // "/etc/passwd" also has an empty first segment: the reason tells which check caught it.
    expect(refusal(() => relativeSegments("/etc/passwd"))).toBe("is absolute");
    expect(refusal(() => relativeSegments("/"))).toBe("is absolute");
    expect(refusal(() => relativeSegments("C:/x"))).toBe("is absolute");
    expect(refusal(() => relativeSegments("z:x"))).toBe("is absolute");
    expect(refusal(() => relativeSegments("a/"))).toBe('has a "" segment');
    expect(refusal(() => relativeSegments("a//b"))).toBe('has a "" segment');
    expect(refusal(() => relativeSegments(""))).toBe('has a "" segment');
    expect(refusal(() => relativeSegments("a/./b"))).toBe('has a "." segment');
    expect(refusal(() => relativeSegments("a/../b"))).toBe('has a ".." segment');
  });

  it("puts the path and the reason in the error message", () => {
    expect(() => relativeSegments("../x")).toThrow('stored path "../x" is unsafe: has a ".." segment');
    expect(() => relativeSegments("a\\b")).toThrow(UnsafeStoredPathError);
  });
});

describe("relativeFolder", () => {
  it("is the root itself for an empty folder or slashes alone", () => {
    expect(relativeFolder("")).toEqual([]);
    expect(relativeFolder("/")).toEqual([]);
    expect(relativeFolder("///")).toEqual([]);
  });

  it("drops every leading and trailing slash, and nothing else", () => {
    expect(relativeFolder("uploads")).toEqual(["uploads"]);
    expect(relativeFolder("/uploads/")).toEqual(["uploads"]);
    expect(relativeFolder("//uploads/2024//")).toEqual(["uploads", "2024"]);
  });

  it("checks what remains like a stored path", () => {
    expect(refusal(() => relativeFolder("a//b"))).toBe('has a "" segment');
    expect(refusal(() => relativeFolder("/../x/"))).toBe('has a ".." segment');
    expect(refusal(() => relativeFolder("C:/x"))).toBe("is absolute");
  });
});

describe("isInside", () => {
  const root = path.resolve("/srv/files");

  it("is true for the root itself and anything under it", () => {
    expect(isInside(root, root)).toBe(true);
    expect(isInside(root, path.join(root, "a.txt"))).toBe(true);
    expect(isInside(root, path.join(root, "a", "b", "c.txt"))).toBe(true);
    expect(isInside(root, path.join(root, "..a"))).toBe(true);
  });

  it("is false for the parent, a sibling and a sibling that shares the root's prefix", () => {
    expect(isInside(root, path.dirname(root))).toBe(false);
    expect(isInside(root, path.resolve("/"))).toBe(false);
    expect(isInside(root, path.resolve("/srv/other/a.txt"))).toBe(false);
    expect(isInside(root, path.resolve("/srv/files-2/a.txt"))).toBe(false);
    expect(isInside(root, path.resolve("/etc/passwd"))).toBe(false);
  });
});
