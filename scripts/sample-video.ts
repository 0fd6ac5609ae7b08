// A small MP4 made in code, so the demo ships no binary file and needs no ffmpeg.
//
// The video is H.264 with every macroblock coded as I_PCM: the encoder writes raw
// 4:2:0 samples into each macroblock, so "encoding" is copying bytes, with no
// transform, prediction or entropy coding to get wrong. Every frame is an IDR
// frame (a keyframe), so a player can seek to any frame. The price is size: about
// 115 KB per 320×240 frame, which suits the demo (a file large enough that seeking
// to its middle makes the browser ask for a byte range). Constrained Baseline
// profile, in a progressive MP4 with the index (`moov`) before the data, so a
// player can start from the first bytes.
//
// Browsers: Chrome, Edge, Safari and Firefox decode H.264; Debian's Chromium does
// too (it is built with FFmpeg's H.264 decoder; `canPlayType('video/mp4;
// codecs="avc1.42C028"')` says "probably"). A Chromium built without proprietary
// codecs would not play it.

const MB = 16;

/** Width, height (multiples of 16), frames per second and length of the sample video. */
export interface SampleVideoOptions {
  width: number;
  height: number;
  fps: number;
  seconds: number;
}

// About 4.6 MB: under the 5 MiB upload limit the tests run with, since the seed stores it through storeUpload.
export const SAMPLE_VIDEO: SampleVideoOptions = { width: 320, height: 240, fps: 8, seconds: 5 };

/** The codecs string of the video, for `<source type>` and `canPlayType`. */
export const SAMPLE_VIDEO_CODECS = 'video/mp4; codecs="avc1.42C028"';

const PROFILE = 66; // Baseline
const CONSTRAINTS = 0xc0; // constraint_set0 and constraint_set1: Constrained Baseline
const LEVEL = 40; // 4.0: up to 20 Mbit/s, enough for raw samples at this size

/** Writes an H.264 RBSP bit by bit (Exp-Golomb codes included). */
class BitWriter {
  private bytes: number[] = [];
  private current = 0;
  private used = 0;

  bit(value: number): void {
    this.current = (this.current << 1) | (value & 1);
    if (++this.used === 8) {
      this.bytes.push(this.current);
      this.current = 0;
      this.used = 0;
    }
  }

  bits(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) this.bit((value >>> i) & 1);
  }

  /** ue(v): unsigned Exp-Golomb. */
  ue(value: number): void {
    const code = value + 1;
    const length = 32 - Math.clz32(code);
    this.bits(0, length - 1);
    this.bits(code, length);
  }

  /** se(v): signed Exp-Golomb. */
  se(value: number): void {
    this.ue(value <= 0 ? -2 * value : 2 * value - 1);
  }

  get aligned(): boolean {
    return this.used === 0;
  }

  alignWithZeros(): void {
    while (!this.aligned) this.bit(0);
  }

  /** Whole bytes, written at a byte boundary. */
  raw(data: Uint8Array): void {
    if (!this.aligned) throw new Error("raw bytes need a byte boundary");
    for (const byte of data) this.bytes.push(byte);
  }

  /** rbsp_trailing_bits: a stop bit, then zeros to the byte boundary. */
  finish(): Uint8Array {
    this.bit(1);
    this.alignWithZeros();
    return Uint8Array.from(this.bytes);
  }
}

/** A NAL unit: its header byte, then the RBSP with emulation prevention bytes. */
function nal(refIdc: number, type: number, rbsp: Uint8Array): Uint8Array {
  const out: number[] = [(refIdc << 5) | type];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}

function sequenceParameterSet({ width, height }: SampleVideoOptions): Uint8Array {
  const w = new BitWriter();
  w.bits(PROFILE, 8);
  w.bits(CONSTRAINTS, 8);
  w.bits(LEVEL, 8);
  w.ue(0); // seq_parameter_set_id
  w.ue(0); // log2_max_frame_num_minus4
  w.ue(2); // pic_order_cnt_type 2: output order is decoding order
  w.ue(1); // max_num_ref_frames
  w.bit(0); // gaps_in_frame_num_value_allowed_flag
  w.ue(width / MB - 1);
  w.ue(height / MB - 1);
  w.bit(1); // frame_mbs_only_flag
  w.bit(1); // direct_8x8_inference_flag
  w.bit(0); // frame_cropping_flag
  w.bit(0); // vui_parameters_present_flag
  return nal(3, 7, w.finish());
}

function pictureParameterSet(): Uint8Array {
  const w = new BitWriter();
  w.ue(0); // pic_parameter_set_id
  w.ue(0); // seq_parameter_set_id
  w.bit(0); // entropy_coding_mode_flag: CAVLC
  w.bit(0); // bottom_field_pic_order_in_frame_present_flag
  w.ue(0); // num_slice_groups_minus1
  w.ue(0); // num_ref_idx_l0_default_active_minus1
  w.ue(0); // num_ref_idx_l1_default_active_minus1
  w.bit(0); // weighted_pred_flag
  w.bits(0, 2); // weighted_bipred_idc
  w.se(0); // pic_init_qp_minus26
  w.se(0); // pic_init_qs_minus26
  w.se(0); // chroma_qp_index_offset
  w.bit(1); // deblocking_filter_control_present_flag
  w.bit(0); // constrained_intra_pred_flag
  w.bit(0); // redundant_pic_cnt_present_flag
  return nal(3, 8, w.finish());
}

/** One frame as a single IDR slice of I_PCM macroblocks. `yuv` is the frame's 4:2:0 planes. */
function idrSlice(options: SampleVideoOptions, planes: Planes, idrPicId: number): Uint8Array {
  const { width, height } = options;
  const w = new BitWriter();
  w.ue(0); // first_mb_in_slice
  w.ue(7); // slice_type: I (every slice of the picture)
  w.ue(0); // pic_parameter_set_id
  w.bits(0, 4); // frame_num (log2_max_frame_num = 4)
  w.ue(idrPicId);
  w.bit(0); // no_output_of_prior_pics_flag
  w.bit(0); // long_term_reference_flag
  w.se(0); // slice_qp_delta
  w.ue(1); // disable_deblocking_filter_idc: off
  const block = new Uint8Array(MB * MB + 2 * (MB / 2) * (MB / 2));
  for (let mbY = 0; mbY < height / MB; mbY++) {
    for (let mbX = 0; mbX < width / MB; mbX++) {
      w.ue(25); // mb_type: I_PCM
      w.alignWithZeros(); // pcm_alignment_zero_bit
      let i = 0;
      for (let y = 0; y < MB; y++) for (let x = 0; x < MB; x++) block[i++] = planes.y[(mbY * MB + y) * width + mbX * MB + x]!;
      for (const chroma of [planes.u, planes.v]) {
        for (let y = 0; y < MB / 2; y++) for (let x = 0; x < MB / 2; x++) block[i++] = chroma[(mbY * 8 + y) * (width / 2) + mbX * 8 + x]!;
      }
      w.raw(block);
    }
  }
  return nal(3, 5, w.finish());
}

interface Planes {
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

/** BT.601 studio range, from RGB in 0..255. Samples stay within 16..240, never 0. */
function yuv(r: number, g: number, b: number): [number, number, number] {
  const y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255;
  const u = 128 + (-37.797 * r - 74.203 * g + 112 * b) / 255;
  const v = 128 + (112 * r - 93.786 * g - 18.214 * b) / 255;
  return [Math.round(y), Math.round(u), Math.round(v)];
}

/** A frame: a background whose colour moves around the hue circle, a white square crossing it, and a progress bar. */
function drawFrame({ width, height }: SampleVideoOptions, index: number, count: number): Planes {
  const t = index / count;
  const hue = t * 2 * Math.PI;
  const background = yuv(128 + 90 * Math.cos(hue), 128 + 90 * Math.cos(hue - (2 * Math.PI) / 3), 128 + 90 * Math.cos(hue + (2 * Math.PI) / 3));
  const white = yuv(250, 250, 250);
  const dark = yuv(30, 30, 30);
  const size = 48;
  const squareX = Math.round(t * (width - size));
  const squareY = Math.round((height - size) / 2);
  const barTop = height - 16;
  const colourAt = (x: number, y: number) => {
    if (y >= barTop) return x < Math.round((index + 1) / count * width) ? white : dark;
    if (x >= squareX && x < squareX + size && y >= squareY && y < squareY + size) return white;
    return background;
  };
  const planes: Planes = { y: new Uint8Array(width * height), u: new Uint8Array((width * height) / 4), v: new Uint8Array((width * height) / 4) };
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) planes.y[y * width + x] = colourAt(x, y)[0];
  for (let y = 0; y < height / 2; y++) {
    for (let x = 0; x < width / 2; x++) {
      const [, u, v] = colourAt(x * 2, y * 2);
      planes.u[y * (width / 2) + x] = u;
      planes.v[y * (width / 2) + x] = v;
    }
  }
  return planes;
}

// ---- MP4 (ISO BMFF) boxes ----

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function u8(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}
function u16(value: number): Uint8Array {
  return u8((value >>> 8) & 0xff, value & 0xff);
}
function u32(value: number): Uint8Array {
  return u8((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}
const ascii = (text: string) => new TextEncoder().encode(text);

function box(type: string, ...content: Uint8Array[]): Uint8Array {
  const body = concat(content);
  return concat([u32(body.length + 8), ascii(type), body]);
}

/** A FullBox: version and flags, then the content. */
function fullBox(type: string, version: number, flags: number, ...content: Uint8Array[]): Uint8Array {
  return box(type, u32((version << 24) | flags), ...content);
}

const MATRIX = concat([0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].map(u32));

function moov(options: SampleVideoOptions, sampleSizes: number[], chunkOffset: number, sps: Uint8Array, pps: Uint8Array): Uint8Array {
  const { width, height, fps } = options;
  const timescale = fps * 100;
  const duration = sampleSizes.length * 100;
  const durationMs = Math.round((sampleSizes.length / fps) * 1000);
  const avcC = box(
    "avcC",
    u8(1, PROFILE, CONSTRAINTS, LEVEL, 0xff, 0xe1), // version, profile, compatibility, level, 4-byte lengths, 1 SPS
    u16(sps.length),
    sps,
    u8(1),
    u16(pps.length),
    pps,
  );
  const avc1 = box(
    "avc1",
    new Uint8Array(6), // reserved
    u16(1), // data_reference_index
    new Uint8Array(16), // pre_defined, reserved
    u16(width),
    u16(height),
    u32(0x00480000), // 72 dpi
    u32(0x00480000),
    u32(0),
    u16(1), // frame_count
    new Uint8Array(32), // compressorname
    u16(0x0018), // depth
    u16(0xffff), // pre_defined = -1
    avcC,
  );
  const stbl = box(
    "stbl",
    fullBox("stsd", 0, 0, u32(1), avc1),
    fullBox("stts", 0, 0, u32(1), u32(sampleSizes.length), u32(100)),
    fullBox("stsc", 0, 0, u32(1), u32(1), u32(sampleSizes.length), u32(1)), // one chunk holds every sample
    fullBox("stsz", 0, 0, u32(0), u32(sampleSizes.length), ...sampleSizes.map(u32)),
    fullBox("stco", 0, 0, u32(1), u32(chunkOffset)),
    // No stss: every sample is a sync sample (an IDR frame).
  );
  const minf = box(
    "minf",
    fullBox("vmhd", 0, 1, new Uint8Array(8)),
    box("dinf", fullBox("dref", 0, 0, u32(1), fullBox("url ", 0, 1))),
    stbl,
  );
  const mdia = box(
    "mdia",
    fullBox("mdhd", 0, 0, u32(0), u32(0), u32(timescale), u32(duration), u16(0x55c4), u16(0)), // language "und"
    fullBox("hdlr", 0, 0, u32(0), ascii("vide"), new Uint8Array(12), ascii("VideoHandler\0")),
    minf,
  );
  const tkhd = fullBox("tkhd", 0, 3, u32(0), u32(0), u32(1), u32(0), u32(durationMs), new Uint8Array(8), u16(0), u16(0), u16(0), u16(0), MATRIX, u32(width << 16), u32(height << 16));
  const mvhd = fullBox("mvhd", 0, 0, u32(0), u32(0), u32(1000), u32(durationMs), u32(0x00010000), u16(0x0100), new Uint8Array(10), MATRIX, new Uint8Array(24), u32(2));
  return box("moov", mvhd, box("trak", tkhd, mdia));
}

/** The whole MP4 file. Deterministic: the same options give the same bytes. */
export function sampleVideo(options: SampleVideoOptions = SAMPLE_VIDEO): Uint8Array<ArrayBuffer> {
  const { width, height, fps, seconds } = options;
  if (width % MB !== 0 || height % MB !== 0) throw new RangeError("width and height must be multiples of 16");
  const count = Math.round(fps * seconds);
  const sps = sequenceParameterSet(options);
  const pps = pictureParameterSet();
  // Each sample: the slice NAL unit with its 4-byte length (avcC says lengthSizeMinusOne = 3).
  const samples = Array.from({ length: count }, (_, i) => {
    const slice = idrSlice(options, drawFrame(options, i, count), i % 2);
    return concat([u32(slice.length), slice]);
  });
  const sizes = samples.map((s) => s.length);
  const ftyp = box("ftyp", ascii("isom"), u32(0x200), ascii("isom"), ascii("iso2"), ascii("avc1"), ascii("mp41"));
  // moov's size does not depend on the offset it records: measure it once, then write the real offset.
  const moovSize = moov(options, sizes, 0, sps, pps).length;
  const mdatHeader = 8;
  const index = moov(options, sizes, ftyp.length + moovSize + mdatHeader, sps, pps);
  const data = concat(samples);
  return concat([ftyp, index, u32(data.length + mdatHeader), ascii("mdat"), data]);
}
