import { describe, expect, it } from "vitest";
import { shouldDeflate } from "../../../lib/private-files/src/zip/compression";

describe("shouldDeflate", () => {
  it("stores what is compressed already: images, video, audio, archives, PDF, office files", () => {
    for (const name of ["a.JPG", "a.png", "a.webp", "a.mp4", "a.webm", "a.mp3", "a.zip", "a.tar.gz", "a.7z", "a.pdf", "a.docx", "a.xlsx", "a.pptx", "a.odt"]) {
      expect(shouldDeflate(name), name).toBe(false);
    }
  });

  it("deflates the rest: text, data, uncompressed media, unknown and extensionless names", () => {
    for (const name of ["a.txt", "a.csv", "a.json", "a.svg", "a.bmp", "a.wav", "a.bin", "README", ".png"]) {
      expect(shouldDeflate(name), name).toBe(true);
    }
  });
});
