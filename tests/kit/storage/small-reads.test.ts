import fsCallbacks from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { localFileStorage } from "next-private-files";
import { Descriptor } from "../../../lib/private-files/src/storage/descriptor";
import { createLocalStorage } from "../../../lib/private-files/src/storage/local";
import { readAll } from "../../support/streams";

// Local storage reads small answers with synchronous fstat/read/close once the file is
// open (syncReadMaxBytes, default 64 KiB): no trip to the thread pool per step. A
// descriptor with nothing in flight closes synchronously whatever the size. These tests
// show which way each read goes, that every descriptor is closed either way, and that a
// descriptor is never closed under a read in flight.

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "pf-small-reads-"));
  await fs.writeFile(path.join(root, "small.txt"), "x".repeat(4096));
  await fs.writeFile(path.join(root, "big.bin"), Buffer.alloc(200 * 1024, 7));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(root, { recursive: true, force: true });
});

/** Counts node:fs's asynchronous and synchronous reads, stats and closes from here on. */
function countCalls() {
  const calls = { read: 0, readSync: 0, fstat: 0, fstatSync: 0, close: 0, closeSync: 0 };
  for (const name of Object.keys(calls) as (keyof typeof calls)[]) {
    const original = fsCallbacks[name] as (...args: unknown[]) => unknown;
    vi.spyOn(fsCallbacks, name).mockImplementation(((...args: unknown[]) => {
      calls[name]++;
      return original.apply(fsCallbacks, args);
    }) as never);
  }
  return calls;
}

const isOpen = (fd: number) => {
  try {
    fsCallbacks.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
};

describe("local storage's small reads", () => {
  it("reads a small answer synchronously once the file is open, and closes it", async () => {
    const storage = localFileStorage({ root });
    const calls = countCalls();
    const opened = (await storage.open("small.txt"))!;
    const bytes = await opened.read!();
    expect(Buffer.from(bytes).toString()).toBe("x".repeat(4096));
    expect(calls).toMatchObject({ read: 0, fstat: 0, close: 0, fstatSync: 1, closeSync: 1 });
    expect(calls.readSync).toBeGreaterThanOrEqual(1);
  });

  it("reads asynchronously past syncReadMaxBytes, and everything with syncReadMaxBytes: 0", async () => {
    const calls = countCalls();
    const big = (await localFileStorage({ root }).open("big.bin"))!;
    expect((await big.read!()).byteLength).toBe(200 * 1024);
    expect(calls.readSync).toBe(0);
    expect(calls.read).toBeGreaterThanOrEqual(1);
    // Closed once, at once: nothing is in flight after the last read.
    expect(calls).toMatchObject({ close: 0, closeSync: 1 });

    const before = { ...calls };
    const small = (await createLocalStorage({ root, syncReadMaxBytes: 0 }, true).open("small.txt"))!;
    expect((await small.read!({ start: 0, end: 9 })).byteLength).toBe(10);
    expect(calls.readSync - before.readSync).toBe(0);
    expect(calls.fstatSync - before.fstatSync).toBe(0);
    expect(calls.fstat - before.fstat).toBe(1);
    expect(calls.read - before.read).toBe(1);
  });

  it("leaves no descriptor open after a read, a stream, a close without either, or a refused directory", async () => {
    const storage = localFileStorage({ root });
    const opened: number[] = [];
    const open = fsCallbacks.open as (...args: unknown[]) => void;
    vi.spyOn(fsCallbacks, "open").mockImplementation(((...args: unknown[]) => {
      const callback = args.pop() as (error: Error | null, fd?: number) => void;
      open.apply(fsCallbacks, [...args, (error: Error | null, fd?: number) => (fd !== undefined && opened.push(fd), callback(error, fd))]);
    }) as never);
    await (await storage.open("small.txt"))!.read!();
    await readAll((await storage.open("big.bin"))!.stream());
    await (await storage.open("small.txt"))!.close();
    await fs.mkdir(path.join(root, "folder"));
    expect(await storage.open("folder")).toBeNull();
    expect(opened).toHaveLength(4);
    expect(opened.filter(isOpen)).toEqual([]);
  });

  it("refuses a syncReadMaxBytes that is not a whole number of bytes", () => {
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => localFileStorage({ root, syncReadMaxBytes: bad })).toThrow(/syncReadMaxBytes/);
  });
});

describe("Descriptor", () => {
  it("closes once, and only after a read in flight has finished", async () => {
    const file = await Descriptor.open(path.join(root, "big.bin"), fsCallbacks.constants.O_RDONLY);
    const buffer = new Uint8Array(128 * 1024);
    const reading = file.read(buffer, 0, buffer.length, 0);
    const closing = file.close();
    // The close waits: the descriptor is still open while the read is pending.
    expect(isOpen(file.fd)).toBe(true);
    expect((await reading).bytesRead).toBe(buffer.length);
    await closing;
    expect(isOpen(file.fd)).toBe(false);
    await expect(file.close()).resolves.toBeUndefined();
  });

  it("with nothing in flight, closes at once, before its promise settles, and only once", async () => {
    const file = await Descriptor.open(path.join(root, "big.bin"), fsCallbacks.constants.O_RDONLY);
    const closing = file.close();
    expect(isOpen(file.fd)).toBe(false);
    await closing;
    // A second close must not close the number again (another file may have it by now).
    const other = await Descriptor.open(path.join(root, "big.bin"), fsCallbacks.constants.O_RDONLY);
    expect(other.fd).toBe(file.fd);
    await file.close();
    expect(isOpen(other.fd)).toBe(true);
    await other.close();
  });
});
