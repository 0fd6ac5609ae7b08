import { parse } from "content-disposition";
import { describe, expect, it } from "vitest";
import { contentTypeFor, dispositionFor, FILE_SECURITY_HEADERS, isInlineSafe } from "../../../lib/private-files/src/http/headers";

describe("contentTypeFor", () => {
  it("adds charset=utf-8 to text types", () => {
    expect(contentTypeFor("notes.txt")).toBe("text/plain; charset=utf-8");
    expect(contentTypeFor("page.html")).toBe("text/html; charset=utf-8");
  });

  it("uses mime's type for binary files, without a charset", () => {
    expect(contentTypeFor("photo.png")).toBe("image/png");
    expect(contentTypeFor("PHOTO.PNG")).toBe("image/png");
    expect(contentTypeFor("doc.pdf")).toBe("application/pdf");
  });

  it("falls back to application/octet-stream for an unknown extension", () => {
    expect(contentTypeFor("data.unknownext")).toBe("application/octet-stream");
  });

  it("falls back to application/octet-stream without an extension", () => {
    expect(contentTypeFor("README")).toBe("application/octet-stream");
    expect(contentTypeFor("archive.")).toBe("application/octet-stream");
  });
});

describe("isInlineSafe", () => {
  it.each(["image/png", "image/jpeg", "video/mp4", "audio/mpeg", "application/pdf", "text/plain", "text/plain; charset=utf-8"])(
    "%s may be shown inline",
    (type) => {
      expect(isInlineSafe(type)).toBe(true);
    },
  );

  it.each([
    "text/html",
    "text/html; charset=utf-8",
    "image/svg+xml",
    "application/xhtml+xml",
    "text/xml",
    "application/xml",
    "application/javascript",
    "text/javascript",
    "application/octet-stream",
    "",
  ])("%s is never inline", (type) => {
    expect(isInlineSafe(type)).toBe(false);
  });

  it("judges the type case-insensitively", () => {
    expect(isInlineSafe("IMAGE/PNG")).toBe(true);
    expect(isInlineSafe("TEXT/HTML")).toBe(false);
  });
});

describe("dispositionFor", () => {
  const cases: [label: string, name: string, cleaned: string][] = [
    ["a plain name", "report.pdf", "report.pdf"],
    ["CR/LF (header injection)", "evil\r\nSet-Cookie: a=b.txt", "evilSet-Cookie: a=b.txt"],
    ["a NUL and other controls", "a\u0000b\u0007c\u007f.txt", "abc.txt"],
    ["double quotes", 'say "hi".txt', 'say "hi".txt'],
    ["semicolons", "a; filename=evil.exe", "a; filename=evil.exe"],
    ["commas", "a, b, c.txt", "a, b, c.txt"],
    ["slashes", "../../etc/passwd", ".._.._etc_passwd"],
    ["backslashes", "..\\..\\win.ini", ".._.._win.ini"],
    ["accented letters", "résumé.pdf", "résumé.pdf"],
    ["CJK", "日本語.txt", "日本語.txt"],
    ["emoji", "😀 party 🎉.png", "😀 party 🎉.png"],
    ["percent escapes", "100%20off.txt", "100%20off.txt"],
    ["the empty name", "", "download"],
    ["'.'", ".", "download"],
    ["'..'", "..", "download"],
    ["only control characters", "\r\n", "download"],
    ["surrounding spaces", "  spaced.txt  ", "spaced.txt"],
  ];

  it.each(cases)("%s: no CR/LF, parses back to the cleaned name", (_label, name, cleaned) => {
    for (const inline of [false, true]) {
      const header = dispositionFor(name, inline);
      expect(header).not.toMatch(/[\r\n\u0000]/);
      // Any Headers implementation must accept it.
      expect(() => new Headers({ "Content-Disposition": header })).not.toThrow();
      const parsed = parse(header);
      expect(parsed.type).toBe(inline ? "inline" : "attachment");
      expect(parsed.parameters.filename).toBe(cleaned);
    }
  });

  it("keeps separators out of the name", () => {
    const parsed = parse(dispositionFor("a/b\\c", false));
    expect(parsed.parameters.filename).toBe("a_b_c");
  });

  it("gives an RFC 5987 filename* for non-Latin-1 names, with an ASCII fallback", () => {
    const header = dispositionFor("😀.png", true);
    expect(header).toMatch(/^inline; /);
    expect(header).toContain("filename*=UTF-8''%F0%9F%98%80.png");
    expect(header).toMatch(/^[\x20-\x7e]*$/);
  });
});

describe("FILE_SECURITY_HEADERS", () => {
  it("is private, revalidated, nosniff and sandboxed", () => {
    expect(FILE_SECURITY_HEADERS["Cache-Control"]).toMatch(/\bprivate\b/);
    expect(FILE_SECURITY_HEADERS["Cache-Control"]).toMatch(/\bno-cache\b/);
    expect(FILE_SECURITY_HEADERS["X-Content-Type-Options"]).toBe("nosniff");
    expect(FILE_SECURITY_HEADERS["Content-Security-Policy"]).toMatch(/\bsandbox\b/);
  });
});
