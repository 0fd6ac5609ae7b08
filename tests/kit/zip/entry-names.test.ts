import { describe, expect, it } from "vitest";
import { entryName, splitExtension, uniqueEntryNames } from "../../../lib/private-files/src/zip/entry-names";

describe("uniqueEntryNames", () => {
  it("keeps the first of a name and numbers the others before the extension", () => {
    expect(uniqueEntryNames(["a.pdf", "a.pdf", "b.pdf", "a.pdf"])).toEqual(["a.pdf", "a (2).pdf", "b.pdf", "a (3).pdf"]);
  });

  it("treats names alike regardless of case and Unicode form, as Windows and macOS would", () => {
    const composed = "caf\u00e9.txt";
    const decomposed = "cafe\u0301.txt";
    expect(uniqueEntryNames(["Report.PDF", "report.pdf", composed, decomposed])).toEqual(["Report.PDF", "report (2).pdf", composed, "caf\u00e9 (2).txt"]);
  });

  it("never takes the name of a file really called so", () => {
    expect(uniqueEntryNames(["a.pdf", "a.pdf", "a (2).pdf"])).toEqual(["a.pdf", "a (3).pdf", "a (2).pdf"]);
  });

  it("keeps double extensions and leading dots whole", () => {
    expect(uniqueEntryNames(["data.tar.gz", "data.tar.gz", ".env", ".env", "README", "README"])).toEqual([
      "data.tar.gz",
      "data (2).tar.gz",
      ".env",
      ".env (2)",
      "README",
      "README (2)",
    ]);
    expect(splitExtension("x.tar.gz")).toEqual(["x", ".tar.gz"]);
    expect(splitExtension(".tar.gz")).toEqual([".tar", ".gz"]);
  });

  it("numbers ten thousand copies of one name in linear time", () => {
    const started = performance.now();
    const names = uniqueEntryNames(Array.from({ length: 10_000 }, () => "same.txt"));
    expect(names[9999]).toBe("same (10000).txt");
    expect(new Set(names).size).toBe(10_000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("entryName", () => {
  it("makes no folder, no drive, no control or bidirectional character", () => {
    expect(entryName("../../etc/passwd")).toBe(".._.._etc_passwd");
    expect(entryName("C:report.txt")).toBe("C_report.txt");
    expect(entryName("a\\b.txt")).toBe("a_b.txt");
    expect(entryName("in\u202Efdp.exe")).toBe("infdp.exe");
    expect(entryName("line\nbreak?.txt")).toBe("linebreak_.txt");
    expect(entryName("..")).toBe("download");
    expect(entryName("Élève 🎓.pdf")).toBe("Élève 🎓.pdf");
  });
});
