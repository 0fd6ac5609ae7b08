import { describe, expect, it } from "vitest";
import { shouldDeflate } from "../../../lib/private-files/src/zip/compression";

describe("shouldDeflate", () => {
  it("deflates what is known to shrink: text and data formats, uncompressed media and documents", () => {
    for (const name of ["a.txt", "a.CSV", "a.json", "a.xml", "a.html", "a.md", "a.svg", "a.bmp", "a.tiff", "a.wav", "a.doc", "a.tar"]) {
      expect(shouldDeflate(name), name).toBe(true);
    }
  });

  it("stores the rest: compressed types, unknown types and names without an extension", () => {
    for (const name of ["a.JPG", "a.png", "a.webp", "a.mp4", "a.webm", "a.mp3", "a.zip", "a.tar.gz", "a.7z", "a.pdf", "a.docx", "a.xlsx", "a.pptx", "a.odt", "a.bin", "README", ".txt"]) {
      expect(shouldDeflate(name), name).toBe(false);
    }
  });
});
