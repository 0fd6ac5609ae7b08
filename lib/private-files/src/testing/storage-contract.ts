// The behaviour every FileStorage must have, as vitest cases: what the file route and
// the upload helpers rely on (storage/types.ts states it). A storage is correct when it
// passes them; local.ts and s3.ts are run through it in the kit's own tests.
import { describe, expect, it } from "vitest";
import { fixturePerCase } from "./fixture.js";
import { UnsafeStoredPathError, UploadTooLargeError } from "../storage/errors.js";
import type { FileStorage, OpenedFile } from "../storage/types.js";
import { readAll, streamOf } from "./streams.js";

/** What `runFileStorageContract`'s `make` returns: a storage over an empty place, and how to remove it. */
export interface FileStorageFixture {
  /** The storage under test, over a root (folder, bucket prefix…) no other test writes to. */
  readonly storage: FileStorage;
  /**
   * Every stored path there is (temp files included), so that the contract can check a
   * refused upload left nothing behind.
   * Unset: that check is not made.
   */
  readonly listFiles?: () => Promise<string[]>;
  /**
   * Removes what `make` made; called after each case, also a failed one.
   * Unset: nothing is removed.
   */
  readonly cleanup?: () => Promise<void>;
}

const text = (value: string) => new TextEncoder().encode(value);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** 0..250 repeated: every byte's value says where it sits, so a shifted range shows. */
function pattern(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => i % 251);
}

async function openExisting(storage: FileStorage, path: string): Promise<OpenedFile> {
  const opened = await storage.open(path);
  if (opened === null) throw new Error(`open(${JSON.stringify(path)}) gave null for a file just saved`);
  return opened;
}

/**
 * Registers vitest cases (`describe(name, …)`) that check a {@link FileStorage} does
 * what the kit relies on: `open` reads whole files and inclusive byte ranges, with size,
 * `lastModified` and a quoted `etag`; a missing file opens as `null`; `..`, absolute and
 * NUL paths throw `UnsafeStoredPathError`; `save` keeps uploads up to `maxBytes` in the
 * folder asked for and refuses bigger ones with `UploadTooLargeError`, keeping nothing;
 * `delete` removes a file and ignores a missing one; `presignedUrl`, `put` and
 * `deleteFolder`, when the storage has them, give a URL that serves the bytes, write at
 * an exact path all or nothing, and remove a folder's files (each case is registered
 * only for a storage with the method). `make` is called once while the cases are collected (to see which
 * methods the storage has), then before each case, and `cleanup` after each. Import it
 * in a test file that vitest runs (vitest is an optional peer dependency, needed by this
 * entry only).
 * @param name - The suite's name, e.g. `"my storage"`.
 * @param make - Makes the storage under test over an empty root, for one case.
 * @example
 * ```ts
 * // tests/my-storage.test.ts
 * import fs from "node:fs/promises";
 * import os from "node:os";
 * import path from "node:path";
 * import { localFileStorage } from "next-private-files";
 * import { runFileStorageContract } from "next-private-files/testing";
 *
 * runFileStorageContract("local files", async () => {
 *   const root = await fs.mkdtemp(path.join(os.tmpdir(), "files-"));
 *   return {
 *     storage: localFileStorage({ root }),
 *     listFiles: async () => fs.readdir(root, { recursive: true }),
 *     cleanup: () => fs.rm(root, { recursive: true, force: true }),
 *   };
 * });
 * ```
 */
export function runFileStorageContract(name: string, make: () => FileStorageFixture | Promise<FileStorageFixture>): void {
  describe(`FileStorage contract: ${name}`, async () => {
    // One fixture made while the cases are collected, to see whether the storage has
    // presignedUrl: that case is registered only then, never skipped.
    const probe = await make();
    const presigns = typeof probe.storage.presignedUrl === "function";
    const puts = typeof probe.storage.put === "function";
    const deletesFolders = typeof probe.storage.deleteFolder === "function";
    await probe.cleanup?.();

    const fixture = fixturePerCase(make);
    const storage = () => fixture().storage;
    const save = async (bytes: Uint8Array, folder = "contract", extension = ".bin") =>
      storage().save(streamOf(bytes), { folder, extension, maxBytes: bytes.length });


    it("opens a saved file and reads it whole, with its size, lastModified and a quoted etag", async () => {
      const bytes = pattern(10_000);
      const before = Date.now();
      const saved = await save(bytes);
      const after = Date.now();
      const opened = await openExisting(storage(), saved.path);
      expect(opened.size).toBe(bytes.length);
      expect(opened.lastModified).toBeInstanceOf(Date);
      // Stores keep whole seconds (S3, HTTP dates): a second of slack either way.
      expect(opened.lastModified.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
      expect(opened.lastModified.getTime()).toBeLessThanOrEqual(after + 1000);
      expect(opened.etag).toMatch(/^"[^"]+"$/);
      expect(await readAll(opened.stream())).toEqual(bytes);
      await opened.close();
      await opened.close(); // safe twice

      const again = await openExisting(storage(), saved.path);
      expect(again.etag).toBe(opened.etag);
      if (again.read) expect(new Uint8Array(await again.read())).toEqual(bytes);
      else await again.close();
    });

    it("reads inclusive byte ranges: from the start, in the middle, one byte, to the last byte", async () => {
      const bytes = pattern(5_000);
      const saved = await save(bytes);
      // No 0-0: s3rver, the S3 server the kit's own tests run against, answers "bytes=0-0"
      // with the whole object (AWS S3, MinIO and R2 answer one byte); one byte is read
      // at 1-1 and at the end instead.
      const ranges = [
        { start: 0, end: 99 },
        { start: 1, end: 1 },
        { start: 1234, end: 2345 },
        { start: 4999, end: 4999 },
        { start: 4000, end: 4999 },
      ];
      for (const range of ranges) {
        const expected = bytes.slice(range.start, range.end + 1);
        const streamed = await openExisting(storage(), saved.path);
        expect(await readAll(streamed.stream(range)), `stream ${range.start}-${range.end}`).toEqual(expected);
        const read = await openExisting(storage(), saved.path);
        if (read.read) expect(new Uint8Array(await read.read(range)), `read ${range.start}-${range.end}`).toEqual(expected);
        else await read.close();
      }
    });

    it("opens a missing file as null, and deletes one without an error", async () => {
      expect(await storage().open("contract/no-such-file.txt")).toBeNull();
      expect(await storage().open("no-such-folder/deeper/file.txt")).toBeNull();
      await expect(storage().delete("contract/no-such-file.txt")).resolves.toBeUndefined();
    });

    it("refuses paths that leave the root (.., absolute, NUL) with UnsafeStoredPathError", async () => {
      for (const unsafe of ["../x", "contract/../../x", "/etc/passwd", "contract/a\0b"]) {
        await expect(storage().open(unsafe), `open ${JSON.stringify(unsafe)}`).rejects.toBeInstanceOf(UnsafeStoredPathError);
        await expect(storage().delete(unsafe), `delete ${JSON.stringify(unsafe)}`).rejects.toBeInstanceOf(UnsafeStoredPathError);
      }
      for (const folder of ["../x", "contract/../../x", "a\0b"]) {
        await expect(
          storage().save(streamOf(text("x")), { folder, extension: ".txt", maxBytes: 10 }),
          `save into ${JSON.stringify(folder)}`,
        ).rejects.toBeInstanceOf(UnsafeStoredPathError);
      }
    });

    it("saves an upload up to maxBytes under a new name in the folder asked for, keeping its extension", async () => {
      const bytes = pattern(3 * 1024 + 7);
      const first = await storage().save(streamOf(bytes), { folder: "docs/2026", extension: ".pdf", maxBytes: bytes.length });
      const second = await storage().save(streamOf(bytes), { folder: "docs/2026", extension: ".pdf", maxBytes: bytes.length + 1 });
      for (const saved of [first, second]) {
        expect(saved.size).toBe(bytes.length);
        expect(saved.path).toMatch(/^docs\/2026\/[^/]+\.pdf$/);
        expect(await readAll((await openExisting(storage(), saved.path)).stream())).toEqual(bytes);
      }
      expect(second.path).not.toBe(first.path);
      const atRoot = await storage().save(streamOf(text("root")), { folder: "", extension: "", maxBytes: 4 });
      expect(atRoot.path).toMatch(/^[^/]+$/);
      expect(decode(await readAll((await openExisting(storage(), atRoot.path)).stream()))).toBe("root");
    });

    it("refuses an upload over maxBytes with UploadTooLargeError and keeps nothing of it", async () => {
      const kept = await save(text("kept"));
      const { listFiles } = fixture();
      const before = listFiles ? (await listFiles()).sort() : undefined;
      const error = await storage()
        .save(streamOf(pattern(64 * 1024), 4096), { folder: "contract", extension: ".bin", maxBytes: 10_000 })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(UploadTooLargeError);
      expect((error as UploadTooLargeError).maxBytes).toBe(10_000);
      if (listFiles) expect((await listFiles()).sort()).toEqual(before);
      expect(decode(await readAll((await openExisting(storage(), kept.path)).stream()))).toBe("kept");
    });

    it("deletes a file: it opens as null afterwards, and the others stay", async () => {
      const gone = await save(text("gone"));
      const stays = await save(text("stays"));
      await storage().delete(gone.path);
      expect(await storage().open(gone.path)).toBeNull();
      await storage().delete(gone.path); // twice: a missing file is not an error
      expect(decode(await readAll((await openExisting(storage(), stays.path)).stream()))).toBe("stays");
    });

    if (puts) {
      it("put writes at exactly the path asked for, replacing what was there; over maxBytes it keeps nothing", async () => {
        const put = storage().put!.bind(storage());
        const saved = await put("contract/.variants/a.png/thumb-1.webp", streamOf(text("first")), { maxBytes: 5 });
        expect(saved).toEqual({ path: "contract/.variants/a.png/thumb-1.webp", size: 5 });
        expect(decode(await readAll((await openExisting(storage(), saved.path)).stream()))).toBe("first");
        await put(saved.path, streamOf(text("second!")), { maxBytes: 100, contentType: "image/webp" });
        expect(decode(await readAll((await openExisting(storage(), saved.path)).stream()))).toBe("second!");
        await expect(put("contract/too-big.bin", streamOf(pattern(2048)), { maxBytes: 2047 })).rejects.toBeInstanceOf(UploadTooLargeError);
        expect(await storage().open("contract/too-big.bin")).toBeNull();
        const listed = await fixture().listFiles?.();
        if (listed) expect(listed.filter((file) => file.includes(".part") || file.includes("too-big"))).toEqual([]);
        await expect(put("../escape.bin", streamOf(text("x")), { maxBytes: 1 })).rejects.toBeInstanceOf(UnsafeStoredPathError);
      });
    }

    if (deletesFolders) {
      it("deleteFolder removes every file under a folder and nothing beside it; a missing folder is not an error", async () => {
        const saved = await save(text("original"), "contract");
        const stays = await save(text("neighbour"), "contract");
        const put = storage().put?.bind(storage());
        const folder = `contract/.variants/${saved.path.split("/").pop()}`;
        if (put) {
          await put(`${folder}/thumb-1.webp`, streamOf(text("a")), { maxBytes: 1 });
          await put(`${folder}/thumb-2.webp`, streamOf(text("b")), { maxBytes: 1 });
        }
        await storage().deleteFolder!(folder);
        expect(await storage().open(`${folder}/thumb-1.webp`)).toBeNull();
        expect(await storage().open(`${folder}/thumb-2.webp`)).toBeNull();
        expect(decode(await readAll((await openExisting(storage(), saved.path)).stream()))).toBe("original");
        expect(decode(await readAll((await openExisting(storage(), stays.path)).stream()))).toBe("neighbour");
        await storage().deleteFolder!(folder);
        await storage().deleteFolder!("contract/never-made");
      });
    }

    if (presigns) {
      it("presignedUrl gives a URL that serves the file's bytes with the type and disposition asked for", async () => {
        const presign = storage().presignedUrl?.bind(storage());
        if (!presign) throw new Error("the storage had presignedUrl when the cases were collected, and has none now");
        const saved = await save(text("presigned bytes"), "contract", ".txt");
        const url = await presign(saved.path, { expiresIn: 60, contentType: "text/plain", contentDisposition: 'attachment; filename="a.txt"' });
        const response = await fetch(new URL(url));
        expect(response.status).toBe(200);
        expect(await response.text()).toBe("presigned bytes");
        expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
        expect(response.headers.get("content-disposition")).toBe('attachment; filename="a.txt"');
      });
    }
  });
}
