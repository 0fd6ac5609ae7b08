import { createCipheriv, createHash } from "node:crypto";
import { Readable } from "node:stream";

// A large test file that never exists on disk: AES-128-CTR's keystream, so any byte range
// can be made on its own (byte i is the same however the file is cut) at about 2 GB/s.

const KEY = Buffer.alloc(16, 7);
const CHUNK = 1024 * 1024;

/**
 * The pattern's bytes from `start` to `end` (exclusive), as a stream of 1 MiB chunks;
 * with `head`, the file's first bytes are those (a file type's leading bytes).
 */
export function patternStream(start: number, end: number, head: Uint8Array = new Uint8Array(0)): Readable {
  const iv = Buffer.alloc(16);
  // The counter block of `start`: CTR mode makes block n from the IV plus n.
  iv.writeBigUInt64BE(BigInt(Math.floor(start / 16)), 8);
  const cipher = createCipheriv("aes-128-ctr", KEY, iv);
  let skip = start % 16;
  let position = start;
  const zeros = Buffer.alloc(CHUNK + 16);
  return new Readable({
    read() {
      if (position >= end) {
        this.push(null);
        return;
      }
      const length = Math.min(CHUNK, end - position);
      let bytes = cipher.update(zeros.subarray(0, length + skip));
      if (skip > 0) {
        bytes = bytes.subarray(skip);
        skip = 0;
      }
      if (position < head.length) bytes.set(head.subarray(position, Math.min(head.length, position + length)), 0);
      position += length;
      this.push(bytes);
    },
  });
}

/** The sha256 (hex) of the pattern's first `size` bytes (with `head`, as patternStream). */
export async function patternSha256(size: number, head?: Uint8Array): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of patternStream(0, size, head)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** An MP4's leading bytes (`ftyp` at offset 4): what the demo's submissions check for a .mp4. */
export const MP4_HEAD = Buffer.from("000000186674797069736f6d0000020069736f6d69736f32", "hex");
