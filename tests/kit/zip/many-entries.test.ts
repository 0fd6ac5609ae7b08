import fs from "node:fs/promises";
import { expect, it } from "vitest";
import { anyone, definePrivateFiles, intId, privateModel, type FileStorage } from "next-private-files";
import { createZipRoute } from "next-private-files/zip";
import { entryBytes, saveZip, testZip } from "./support";

// More entries than the classic zip format can count (65,535): the end of the central
// directory must be Zip64's. 65,600 records, each a tiny file of its own name, through the
// route in process, read back by unzip. The storage is a minimal one in memory (the file
// route's local storage costs four file-system calls per open, twice per entry: a minute
// here, where only the zip's format is in question; local and S3 storage are exercised by
// zip-route.test.ts and the integration tests).

const COUNT = 65_600;
const TINY = new TextEncoder().encode("tiny\n");
const storage: FileStorage = {
  open: async () => ({
    size: TINY.length,
    lastModified: new Date("2026-01-01T00:00:00Z"),
    etag: '"tiny"',
    stream: () => new ReadableStream({ pull: (controller) => (controller.enqueue(TINY.slice()), controller.close()) }),
    close: async () => undefined,
  }),
  save: async () => {
    throw new Error("read-only");
  },
  delete: async () => undefined,
};
type Doc = { id: number; name: string; file: string };
const docs = privateModel<Doc, number>({ id: intId, load: async (id) => (id >= 1 && id <= COUNT ? { id, name: `f${id}.txt`, file: "docs/tiny.txt" } : null) }).fields({
  file: { condition: anyone, originalName: "name" },
});

it(`a zip of ${COUNT} entries passes unzip -t, every entry listed`, { timeout: 120_000 }, async () => {
  const files = definePrivateFiles({ models: { docs }, getSession: async () => null, storage });
  // Stored: one zlib stream per entry would be most of the time here.
  const route = createZipRoute(files, { maxEntries: 70_000, maxBodyBytes: 8 * 1024 * 1024, compress: () => false });
  const items = Array.from({ length: COUNT }, (_, index) => ({ model: "docs", field: "file", id: index + 1 }));
  const response = await route.POST(
    new Request("http://localhost/files/zip", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ items }) }),
  );
  expect(response.status).toBe(200);
  const zip = await saveZip(response);
  const { ok, output, names } = await testZip(zip);
  expect(ok, output.slice(-2000)).toBe(true);
  expect(output).toContain(`No errors detected`);
  expect(names).toHaveLength(COUNT);
  expect(names[COUNT - 1]).toBe(`f${COUNT}.txt`);
  expect((await entryBytes(zip, `f${COUNT}.txt`)).toString()).toBe("tiny\n");
  // The classic end record's count is 0xffff, the Zip64 record's the real one.
  const bytes = await fs.readFile(zip);
  const zip64End = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]));
  expect(zip64End).toBeGreaterThan(0);
  expect(Number(bytes.readBigUInt64LE(zip64End + 32))).toBe(COUNT);
});
