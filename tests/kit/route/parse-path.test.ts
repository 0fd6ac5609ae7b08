import { describe, expect, it } from "vitest";
import { formatFilePath, MAX_SEGMENT_LENGTH, parseFilePath } from "../../../lib/private-files/src/route/parse-path";

const BASE = "/files";

describe("parseFilePath: valid paths", () => {
  it("returns the four segments of /files/<model>/<field>/<id>/<filename>", () => {
    expect(parseFilePath("/files/Invoice/pdf/42/report.pdf", BASE)).toEqual({
      model: "Invoice",
      field: "pdf",
      id: "42",
      filename: "report.pdf",
    });
  });

  it("percent-decodes each segment once", () => {
    expect(parseFilePath("/files/M/f/1/my%20file%2520.txt", BASE)?.filename).toBe("my file%20.txt");
  });

  it("works with another base path, and with the empty (root) base path", () => {
    expect(parseFilePath("/api/private/M/f/1/a.txt", "/api/private")?.model).toBe("M");
    expect(parseFilePath("/M/f/1/a.txt", "")).toEqual({ model: "M", field: "f", id: "1", filename: "a.txt" });
  });

  it("keeps an encoded slash inside its segment", () => {
    expect(parseFilePath("/files/M/f/1/a%2Fb.txt", BASE)).toEqual({ model: "M", field: "f", id: "1", filename: "a/b.txt" });
    expect(parseFilePath("/files/M/f/1%2F2/x", BASE)?.id).toBe("1/2");
  });

  it("round-trips unicode names encoded with encodeURIComponent", () => {
    for (const name of ["résumé.pdf", "日本語 ファイル.txt", "😀 party.png", "a;b,c'd\"e.txt", "100% #1?.txt"]) {
      const parsed = parseFilePath(`/files/M/f/1/${encodeURIComponent(name)}`, BASE);
      expect(parsed?.filename, name).toBe(name);
    }
  });

  it("accepts a segment of exactly MAX_SEGMENT_LENGTH characters", () => {
    const name = "a".repeat(MAX_SEGMENT_LENGTH);
    expect(parseFilePath(`/files/M/f/1/${name}`, BASE)?.filename).toBe(name);
  });
});

describe("parseFilePath: rejected paths", () => {
  it.each([
    ["three segments", "/files/M/f/1"],
    ["five segments", "/files/M/f/1/a.txt/b"],
    ["a trailing slash", "/files/M/f/1/a.txt/"],
    ["an empty model segment", "/files//f/1/a.txt"],
    ["an empty id segment", "/files/M/f//a.txt"],
    ["the base path alone", "/files/"],
    ["the base path without a slash", "/files"],
  ])("rejects %s", (_label, pathname) => {
    expect(parseFilePath(pathname, BASE)).toBeUndefined();
  });

  it.each([
    ["another base path", "/other/M/f/1/a.txt"],
    ["a base path that only shares a prefix", "/filesX/M/f/1/a.txt"],
    ["a base path in another case", "/Files/M/f/1/a.txt"],
    ["no leading slash", "files/M/f/1/a.txt"],
  ])("rejects %s", (_label, pathname) => {
    expect(parseFilePath(pathname, BASE)).toBeUndefined();
  });

  it.each(["%E0%A4%A", "%zz", "%", "abc%2", "%C3%28"])("rejects the malformed escape %s", (segment) => {
    expect(parseFilePath(`/files/M/f/1/${segment}`, BASE)).toBeUndefined();
  });

  it.each(["%00", "%0A", "%0D", "%1F", "%7F", "a%09b"])("rejects the control character %s", (escape) => {
    expect(parseFilePath(`/files/M/f/1/name${escape}.txt`, BASE)).toBeUndefined();
    expect(parseFilePath(`/files/M${escape}/f/1/name.txt`, BASE)).toBeUndefined();
  });

  it("rejects a segment longer than MAX_SEGMENT_LENGTH", () => {
    const long = "a".repeat(MAX_SEGMENT_LENGTH + 1);
    expect(parseFilePath(`/files/M/f/1/${long}`, BASE)).toBeUndefined();
    expect(parseFilePath(`/files/${long}/f/1/a.txt`, BASE)).toBeUndefined();
  });
});

describe("formatFilePath", () => {
  it("percent-encodes each segment after the base path, and parseFilePath reads it back", () => {
    const path = { model: "Doc s", field: "fi/le", id: "7;8", filename: "Relevé \"été\" 100%.pdf" };
    const formatted = formatFilePath("/files", path);
    expect(formatted).toBe("/files/Doc%20s/fi%2Fle/7%3B8/Relev%C3%A9%20%22%C3%A9t%C3%A9%22%20100%25.pdf");
    expect(parseFilePath(formatted, "/files")).toEqual(path);
    expect(formatFilePath("", { model: "a", field: "b", id: "1", filename: "c" })).toBe("/a/b/1/c");
  });
});
