import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileRangeStream, READ_CHUNK_BYTES } from "../../../lib/private-files/src/storage/file-stream";

// The download body reads the file only when the consumer asks: that is the
// backpressure that keeps memory constant whatever the file's size.

let dir: string;
let file: string;
const CHUNKS = 5;
const data = randomBytes(CHUNKS * READ_CHUNK_BYTES);

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pf-stream-"));
  file = path.join(dir, "data.bin");
  await fs.writeFile(file, data);
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A real file handle whose reads are counted. */
async function countedHandle() {
  const handle = await fs.open(file, "r");
  const counter = { reads: 0, releases: 0 };
  const counted = Object.assign(Object.create(handle) as fs.FileHandle, {
    read: (...args: Parameters<fs.FileHandle["read"]>) => {
      counter.reads++;
      return handle.read(...args);
    },
  });
  const release = async () => {
    counter.releases++;
    await handle.close().catch(() => undefined);
  };
  return { counted, counter, release };
}

const tick = () => new Promise((r) => setTimeout(r, 30));

describe("fileRangeStream", () => {
  it("reads nothing until the consumer asks, then one chunk per read", async () => {
    const { counted, counter, release } = await countedHandle();
    const reader = fileRangeStream(counted, 0, data.length - 1, release).getReader();
    await tick();
    expect(counter.reads).toBe(0);

    const first = await reader.read();
    await tick();
    expect(first.value?.length).toBe(READ_CHUNK_BYTES);
    expect(counter.reads).toBe(1);

    await reader.read();
    await tick();
    expect(counter.reads).toBe(2);
    await reader.cancel();
    expect(counter.releases).toBe(1);
  });

  it("reads the whole range in chunk-sized reads and releases the file once at the end", async () => {
    const { counted, counter, release } = await countedHandle();
    const reader = fileRangeStream(counted, 0, data.length - 1, release).getReader();
    const parts: Uint8Array[] = [];
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) parts.push(chunk.value);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    expect(counter.reads).toBe(CHUNKS);
    expect(counter.releases).toBe(1);
  });
});
