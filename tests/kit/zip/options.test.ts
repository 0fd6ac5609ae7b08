import { describe, expect, it } from "vitest";
import { shouldDeflate } from "../../../lib/private-files/src/zip/compression";
import { resolveZipOptions } from "../../../lib/private-files/src/zip/options";

describe("resolveZipOptions", () => {
  it("has defaults: 1000 entries, 16 GiB, a 256 KiB body, files.zip", () => {
    expect(resolveZipOptions()).toEqual({ maxEntries: 1000, maxTotalBytes: 16 * 1024 ** 3, maxBodyBytes: 256 * 1024, defaultName: "files.zip", compress: shouldDeflate });
  });

  it("refuses a limit that is not a positive whole number", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) {
      expect(() => resolveZipOptions({ maxEntries: bad })).toThrow(TypeError);
      expect(() => resolveZipOptions({ maxTotalBytes: bad })).toThrow(TypeError);
      expect(() => resolveZipOptions({ maxBodyBytes: bad })).toThrow(TypeError);
    }
  });
});
