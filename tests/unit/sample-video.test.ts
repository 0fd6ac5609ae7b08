import { describe, expect, it } from "vitest";
import { sampleVideo } from "@/scripts/sample-video";

// The demo's generated MP4 (scripts/sample-video.ts): its container structure.
// That a browser decodes, plays and seeks it is shown by tests/e2e.

interface Box {
  type: string;
  start: number;
  size: number;
}

function boxes(data: Uint8Array, start = 0, end = data.length): Box[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const found: Box[] = [];
  for (let offset = start; offset < end; ) {
    const size = view.getUint32(offset);
    expect(size).toBeGreaterThanOrEqual(8);
    found.push({ type: new TextDecoder().decode(data.subarray(offset + 4, offset + 8)), start: offset, size });
    offset += size;
  }
  return found;
}

function child(data: Uint8Array, parent: Box, type: string, headerBytes = 0): Box {
  const inner = boxes(data, parent.start + 8 + headerBytes, parent.start + parent.size);
  const box = inner.find((b) => b.type === type);
  if (!box) throw new Error(`no ${type} in ${parent.type}: ${inner.map((b) => b.type).join(", ")}`);
  return box;
}

const options = { width: 32, height: 48, fps: 4, seconds: 1.5 };
const video = sampleVideo(options);
const view = new DataView(video.buffer, video.byteOffset, video.byteLength);

describe("sample video", () => {
  it("is ftyp, moov, mdat: the index comes before the data", () => {
    expect(boxes(video).map((b) => b.type)).toEqual(["ftyp", "moov", "mdat"]);
  });

  it("indexes one sample per frame, each an IDR slice whose length prefix fits, all inside mdat", () => {
    const [, moov, mdat] = boxes(video);
    const stbl = child(video, child(video, child(video, child(video, moov!, "trak"), "mdia"), "minf"), "stbl");
    const stsz = child(video, stbl, "stsz");
    const count = view.getUint32(stsz.start + 16);
    expect(count).toBe(6);
    const stco = child(video, stbl, "stco");
    let offset = view.getUint32(stco.start + 16);
    expect(offset).toBe(mdat!.start + 8);
    for (let i = 0; i < count; i++) {
      const size = view.getUint32(stsz.start + 20 + 4 * i);
      expect(view.getUint32(offset)).toBe(size - 4);
      expect(video[offset + 4]! & 0x1f).toBe(5); // nal_unit_type: IDR slice
      // Emulation prevention: no start code can appear inside the NAL unit.
      const payload = Buffer.from(video.subarray(offset + 4, offset + size));
      for (const code of [[0, 0, 0], [0, 0, 1], [0, 0, 2]]) expect(payload.includes(Buffer.from(code))).toBe(false);
      offset += size;
    }
    expect(offset).toBe(mdat!.start + mdat!.size);
  });

  it("carries the SPS and PPS in avcC, Constrained Baseline", () => {
    const avc = Buffer.from(video).indexOf("avcC");
    expect(avc).toBeGreaterThan(0);
    expect([...video.subarray(avc + 4, avc + 8)]).toEqual([1, 66, 0xc0, 40]);
    const spsLength = view.getUint16(avc + 10);
    expect(video[avc + 12]! & 0x1f).toBe(7);
    expect(video[avc + 12 + spsLength + 3]! & 0x1f).toBe(8);
  });

  it("is deterministic, and the demo's is a few megabytes (seeking needs ranges) under the tests' 5 MiB upload limit", () => {
    expect(Buffer.from(sampleVideo(options)).equals(Buffer.from(video))).toBe(true);
    const size = sampleVideo().length;
    expect(size).toBeGreaterThan(4 * 1024 * 1024);
    expect(size).toBeLessThan(5 * 1024 * 1024);
  });

  it("refuses a size that is not whole macroblocks", () => {
    expect(() => sampleVideo({ ...options, width: 30 })).toThrow(RangeError);
  });
});
