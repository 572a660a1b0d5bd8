/**
 * The PNG decoder, for Node and browsers alike: `checkPng` walks the chunks (CRCs, order, limits
 * against IHDR), the platform's zlib inflates the IDAT stream once, in bounded pieces, stopping
 * at the first byte past what the header allows, and each row is unfiltered (./rows.ts) and
 * expanded straight into the RGBA output as soon as it is whole: the inflated stream is never held.
 * Start at `decodePng`; the expanders are `makeExpander` (8-bit output) and `makeExpander16`.
 *
 * The pixels are pngjs's, byte for byte (tests/png.test.mjs checks every PngSuite file and the
 * fuzzer mutated ones): 1/2/4-bit gray scaled by floor(v·255/max + 0.5), 16-bit samples likewise
 * from 0..65535 (pngjs's `scaleDepth`); palettes expanded with tRNS alpha; a gray or RGB tRNS key,
 * compared with the samples before scaling, makes the whole pixel 0,0,0,0 (pngjs's
 * `replaceTransparentColor`); gAMA is read but not applied; Adam7 passes are de-interlaced.
 * With `depth: 16` the output is 16-bit RGBA: 16-bit files as stored (pngjs's `skipRescale`),
 * every other file its 8-bit RGBA times 257.
 */
import { decodeArgs } from '../decode-args.js';
import { checkPixels } from '../limits.js';
import type { Image } from '../types.js';
import { SAMPLES, checkPng, inflatedLength, type PngHeader, type PngInfo } from './check.js';
import { eachRow, rowUnfilterer, unfilterRows, type RowsHandler, type RowsUnfilter } from './rows.js';
import type { PngZlib } from './zlib.js';

/** Options of `decodePng` and `readPng`. */
export interface DecodeOptions {
  /**
   * Largest width × height accepted (default 268402689 = 16383², as in sharp). `false` disables the
   * limit; `true` means the default.
   */
  limitInputPixels?: number | boolean;
  /**
   * 8 (default): 8-bit samples, 16-bit files rescaled as pngjs does. 16: Uint16Array samples,
   * 16-bit files as stored and all others times 257 (255 → 65535).
   */
  depth?: 8 | 16;
}

function invalid(reason: string): Error {
  return new Error(`Invalid PNG: ${reason}`);
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

/** The ancillary data the pixels need, read from a file `checkPng` has accepted. */
export interface Extras {
  /** PLTE as RGBA entries, tRNS alpha applied (255 where tRNS is short or absent). */
  palette?: Uint8Array;
  /** The gray or RGB tRNS key, as the 16-bit values the chunk stores. */
  transColor?: number[];
}

/**
 * The palette and transparency of a checked file from its PLTE and tRNS chunks' data.
 * @example
 * extrasOf(3, [{ type: 'PLTE', data: plte }, { type: 'tRNS', data: trns }]);
 */
export function extrasOf(colorType: number, chunks: readonly { type: string; data: Uint8Array }[]): Extras {
  const extras: Extras = {};
  let trns: Uint8Array | undefined;
  for (const { type, data } of chunks) {
    if (type === 'PLTE') {
      const entries = data.length / 3;
      const palette = new Uint8Array(entries * 4).fill(255);
      for (let i = 0; i < entries; i++) palette.set(data.subarray(i * 3, i * 3 + 3), i * 4);
      extras.palette = palette;
    } else if (type === 'tRNS') {
      trns = data;
    }
  }
  if (trns) {
    if (colorType === 3) {
      for (let i = 0; i < trns.length; i++) extras.palette![i * 4 + 3] = trns[i];
    } else {
      // checkPng has made sure the length is 2 (gray) or 6 (RGB).
      extras.transColor = [];
      for (let i = 0; i < trns.length; i += 2) extras.transColor.push((trns[i] << 8) | trns[i + 1]);
    }
  }
  return extras;
}

/** Reads PLTE, tRNS and the length of gAMA from the chunks of a checked file. */
export function readExtras(bytes: Uint8Array, info: PngInfo): Extras {
  const chunks: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < info.byteLength;) {
    const length = readUint32(bytes, at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    if (type === 'PLTE' || type === 'tRNS') chunks.push({ type, data: bytes.subarray(at + 8, at + 8 + length) });
    else if (type === 'gAMA' && length < 4) {
      // pngjs reads four bytes from any gAMA chunk and fails on a shorter one.
      throw invalid(`gAMA chunk has length ${length}, expected 4`);
    }
    at += 12 + length;
  }
  return extrasOf(info.colorType, chunks);
}

/** A platform's faster row work for the decoder; JavaScript's is used for what it leaves out. */
export interface PngRowsPlatform {
  unfilter?: RowsUnfilter;
  rgbaRows?: RgbaRows;
  /** The output array for `length` samples, when the caller lends one (Node's `options.out`); checked there. */
  output?: (length: number) => Uint8Array | Uint16Array;
}

/** Turns `w` unfiltered pixels at `src[s…]` into RGBA at `dst[d…]` (8-bit, or 16-bit for `makeExpander16`'s). */
export type Expander = (src: Uint8Array, s: number, w: number, dst: Uint8Array, d: number) => void;

const scaleTables = new Map<number, Uint8Array>();

/** pngjs's scaleDepth as a table: v ↦ floor(v·255/max + 0.5) for a bit depth below or above 8. */
function scaleTable(depth: number): Uint8Array {
  let table = scaleTables.get(depth);
  if (!table) {
    const max = 2 ** depth - 1;
    table = new Uint8Array(max + 1);
    for (let v = 0; v <= max; v++) table[v] = Math.floor((v * 255) / max + 0.5);
    scaleTables.set(depth, table);
  }
  return table;
}

/** Whether a Uint32 written to memory puts its low byte first, as on every mainstream CPU. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** One RGBA pixel as the Uint32 whose bytes in memory are r, g, b, a. */
function rgba(r: number, g: number, b: number, a: number): number {
  return LITTLE_ENDIAN ? (r | (g << 8) | (b << 16) | (a << 24)) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
}

/** The palette's RGBA entries as Uint32 pixels, so a palette row is one store per pixel. */
function packPalette(palette: Uint8Array): Uint32Array {
  const colors = new Uint32Array(palette.length >> 2);
  for (let i = 0; i < colors.length; i++) colors[i] = rgba(palette[i * 4], palette[i * 4 + 1], palette[i * 4 + 2], palette[i * 4 + 3]);
  return colors;
}

const wordViews = new WeakMap<ArrayBufferLike, Uint32Array>();
const halfWordViews = new WeakMap<ArrayBufferLike, Uint16Array>();

/** A cached view of the whole buffer under `dst`, as `Type`. */
function viewOf<T extends Uint16Array | Uint32Array>(dst: Uint8Array, cache: WeakMap<ArrayBufferLike, T>, Type: new (buffer: ArrayBufferLike, at: number, length: number) => T): T {
  let view = cache.get(dst.buffer);
  if (!view) {
    view = new Type(dst.buffer, 0, Math.floor(dst.buffer.byteLength / (Type as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT));
    cache.set(dst.buffer, view);
  }
  return view;
}

/**
 * A Uint32 view of the whole buffer under `dst`, so that a pixel is one store: word
 * (dst.byteOffset + d) / 4. The decoder's RGBA rows start at multiples of 4 bytes in buffers it
 * allocated itself, so the division is exact.
 */
const words = (dst: Uint8Array): Uint32Array => viewOf(dst, wordViews, Uint32Array);

/** A Uint16 view of the whole buffer under `dst` (as `words`): 16-bit RGBA rows start at multiples of 8 bytes. */
const halfWords = (dst: Uint8Array): Uint16Array => viewOf(dst, halfWordViews, Uint16Array);

function paletteIndexError(index: number): Error {
  return invalid(`cannot decode pixel data (index ${index} not in palette)`);
}

/**
 * The row expander for one file: a tight loop for each common 8-bit layout, and one general loop
 * (any depth, tRNS keys) that reads samples at the file's bit depth and maps them as pngjs does.
 */
export function makeExpander({ bitDepth: depth, colorType }: PngHeader, { palette, transColor }: Extras): Expander {
  if (colorType === 3 && depth === 8) {
    const entries = palette!.length >> 2;
    const colors = packPalette(palette!);
    return (src, s, w, dst, d) => {
      const out = words(dst);
      for (let x = 0, o = (dst.byteOffset + d) >> 2; x < w; x++, o++) {
        const i = src[s + x];
        if (i >= entries) throw paletteIndexError(i);
        out[o] = colors[i];
      }
    };
  }
  if (depth === 8 && !transColor) {
    switch (colorType) {
      case 6:
        return (src, s, w, dst, d) => dst.set(src.subarray(s, s + w * 4), d);
      case 2:
        return (src, s, w, dst, d) => {
          const out = words(dst);
          for (let o = (dst.byteOffset + d) >> 2, end = s + w * 3; s < end; s += 3, o++) {
            out[o] = rgba(src[s], src[s + 1], src[s + 2], 255);
          }
        };
      case 0:
        return (src, s, w, dst, d) => {
          const out = words(dst);
          for (let o = (dst.byteOffset + d) >> 2, end = s + w; s < end; s++, o++) {
            const v = src[s];
            out[o] = rgba(v, v, v, 255);
          }
        };
      case 4:
        return (src, s, w, dst, d) => {
          const out = words(dst);
          for (let o = (dst.byteOffset + d) >> 2, end = s + w * 2; s < end; s += 2, o++) {
            const v = src[s];
            out[o] = rgba(v, v, v, src[s + 1]);
          }
        };
    }
  }
  const samples = SAMPLES[colorType];
  if (depth === 16 && !transColor) {
    // 16-bit samples through a 64 Ki-entry table, one store a pixel: several times the general
    // loop's speed on large 16-bit files.
    const scale = scaleTable(16);
    const gray = colorType === 0 || colorType === 4;
    const alpha = colorType === 4 ? 2 : colorType === 6 ? 6 : -1;
    return (src, s, w, dst, d) => {
      const out = words(dst);
      for (let o = (dst.byteOffset + d) >> 2, end = s + w * samples * 2; s < end; s += samples * 2, o++) {
        const r = scale[(src[s] << 8) | src[s + 1]];
        const g = gray ? r : scale[(src[s + 2] << 8) | src[s + 3]];
        const b = gray ? r : scale[(src[s + 4] << 8) | src[s + 5]];
        out[o] = rgba(r, g, b, alpha < 0 ? 255 : scale[(src[s + alpha] << 8) | src[s + alpha + 1]]);
      }
    };
  }
  const max = 2 ** depth - 1;
  const scale = depth === 8 ? undefined : scaleTable(depth);
  const gray = colorType === 0 || colorType === 4;
  const entries = palette ? palette.length >> 2 : 0;
  const px = [0, 0, 0, 0];
  return (src, s, w, dst, d) => {
    let bit = 0; // bit offset within the row, for depths below 8
    for (let x = 0; x < w; x++, d += 4) {
      for (let k = 0; k < samples; k++) {
        if (depth === 8) px[k] = src[s + x * samples + k];
        else if (depth === 16) {
          const at = s + (x * samples + k) * 2;
          px[k] = (src[at] << 8) | src[at + 1];
        } else {
          px[k] = (src[s + (bit >> 3)] >> (8 - depth - (bit & 7))) & max;
          bit += depth;
        }
      }
      if (colorType === 3) {
        const i = px[0];
        if (i >= entries) throw paletteIndexError(i);
        dst.set(palette!.subarray(i * 4, i * 4 + 4), d);
        continue;
      }
      const r = px[0];
      const g = gray ? r : px[1];
      const b = gray ? r : px[2];
      const a = colorType === 4 ? px[1] : colorType === 6 ? px[3] : max;
      if (transColor && r === transColor[0] && (gray || (g === transColor[1] && b === transColor[2]))) {
        dst[d] = dst[d + 1] = dst[d + 2] = dst[d + 3] = 0;
      } else if (scale) {
        dst[d] = scale[r];
        dst[d + 1] = scale[g];
        dst[d + 2] = scale[b];
        dst[d + 3] = scale[a];
      } else {
        dst[d] = r;
        dst[d + 1] = g;
        dst[d + 2] = b;
        dst[d + 3] = a;
      }
    }
  };
}

/**
 * The row expander for 16-bit output: each pixel becomes four native Uint16 samples (8 bytes at
 * `dst[d…]`). A 16-bit file's samples as stored: gray fills r, g and b, a missing alpha is 65535,
 * and a tRNS key makes the pixel 0,0,0,0, as pngjs does with `skipRescale`. Any other file's
 * pixels are its 8-bit RGBA (`makeExpander`) times 257, one row at a time.
 */
export function makeExpander16(header: PngHeader, extras: Extras): Expander {
  const { colorType } = header;
  const { transColor } = extras;
  if (header.bitDepth !== 16) {
    const expand8 = makeExpander(header, extras);
    let line = new Uint8Array(0);
    return (src, s, w, dst, d) => {
      if (line.length < w * 4) line = new Uint8Array(w * 4);
      expand8(src, s, w, line, 0);
      const out = halfWords(dst);
      for (let i = 0, o = (dst.byteOffset + d) >> 1, n = w * 4; i < n; i++, o++) out[o] = line[i] * 257;
    };
  }
  const samples = SAMPLES[colorType];
  const gray = colorType === 0 || colorType === 4;
  return (src, s, w, dst, d) => {
    const out = halfWords(dst);
    for (let x = 0, o = (dst.byteOffset + d) >> 1; x < w; x++, o += 4, s += samples * 2) {
      const r = (src[s] << 8) | src[s + 1];
      const g = gray ? r : (src[s + 2] << 8) | src[s + 3];
      const b = gray ? r : (src[s + 4] << 8) | src[s + 5];
      const a = colorType === 4 ? (src[s + 2] << 8) | src[s + 3] : colorType === 6 ? (src[s + 6] << 8) | src[s + 7] : 65535;
      if (transColor && r === transColor[0] && (gray || (g === transColor[1] && b === transColor[2]))) {
        out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
      } else {
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
        out[o + 3] = a;
      }
    }
  };
}

/**
 * A platform's own expansion of whole blocks of 8-bit gray (channels 1), gray + alpha (2) or RGB
 * (3) rows to RGBA, as `makeExpander`'s loops do it: `rows` rows of `w` pixels whose bytes start
 * at `block[at]`, `stride` bytes apart, to `dst` from `d`, rows adjacent. Node's runs in
 * WebAssembly (src/core/wasm/png-rows.ts).
 */
export type RgbaRows = (block: Uint8Array, at: number, stride: number, rows: number, w: number, channels: 1 | 2 | 3,
  dst: Uint8Array, d: number) => void;

/**
 * The channels `RgbaRows` takes for this file's rows, or 0 if it cannot expand them: it does plain
 * 8-bit gray, gray + alpha and RGB without a tRNS key.
 */
export function rgbaChannels({ bitDepth, colorType }: PngHeader, { transColor }: Extras): 0 | 1 | 2 | 3 {
  if (bitDepth !== 8 || transColor) return 0;
  return colorType === 0 ? 1 : colorType === 4 ? 2 : colorType === 2 ? 3 : 0;
}

/**
 * The `RowsHandler` that expands each block of unfiltered rows into its place in a whole image
 * `out` (width × height pixels of `pixelBytes` bytes: 4, or 8 for 16-bit samples): a plain file's
 * rows (and Adam7 pass 7's, whose pixels are adjacent) straight into place; other Adam7 pass rows
 * into a line first, then scattered, pass pixel (x, y) going to image pixel (x0 + x·dx, y0 + y·dy).
 * With `fast` (and the channels it takes) a plain file's blocks go through it whole.
 * @example
 * const push = rowUnfilterer(header, imageRows(header, makeExpander(header, extras), out, 4));
 */
export function imageRows(header: PngHeader, expand: Expander, out: Uint8Array, pixelBytes: 4 | 8,
  fast?: { rows: RgbaRows; channels: 1 | 2 | 3 }): RowsHandler {
  const { width } = header;
  const line = new Uint8Array(width * pixelBytes);
  const lineWords = new Uint32Array(line.buffer);
  const k = pixelBytes >> 2; // Uint32 words a pixel
  const byRow = eachRow(header, (row, { x0, y0, dx, dy, width: w }, y) => {
    const at = ((y0 + y * dy) * width + x0) * pixelBytes;
    if (dx === 1) {
      expand(row, 1, w, out, at);
      return;
    }
    expand(row, 1, w, line, 0);
    const dst = words(out);
    const step = dx * k;
    for (let i = 0, o = (out.byteOffset + at) >> 2, end = w * k; i < end; i += k, o += step) {
      dst[o] = lineWords[i];
      if (k === 2) dst[o + 1] = lineWords[i + 1];
    }
  });
  if (!fast || header.interlace) return byRow;
  const stride = width * fast.channels + 1;
  return (block, at, rows, _pass, y) => fast.rows(block, at + 1, stride, rows, width, fast.channels, out, y * width * 4);
}

/**
 * Decodes PNG bytes to 8-bit RGBA with the given zlib: 16-bit samples are rescaled to 8 bits,
 * palettes expanded, tRNS turned into alpha, exactly as pngjs does. Bytes after IEND are ignored.
 * `options.depth: 16` gives 16-bit RGBA instead (16-bit files as stored, others times 257).
 * Throws `Error('Invalid PNG: …')` for a malformed file, and a RangeError naming
 * `options.limitInputPixels` for one with too many pixels, before anything is inflated. The entries
 * (src/node/png.ts, src/browser/png.ts) bind the zlib, and Node its WebAssembly row work; use theirs.
 *
 * The stream is inflated in bounded pieces and each row expanded into the output as soon as it is
 * whole, so the peak is the output plus a few rows and one piece of the inflater.
 * @example
 * const image = decodePng(bytes, undefined, nodeZlib);
 * // { width, height, channels: 4, data: Uint8Array [r, g, b, a, …] }
 */
export function decodePng(bytes: Uint8Array | ArrayBuffer, options: DecodeOptions & { depth: 16 }, zlib: PngZlib,
  platform?: PngRowsPlatform): Image<Uint16Array>;
export function decodePng(bytes: Uint8Array | ArrayBuffer, options: DecodeOptions | undefined, zlib: PngZlib,
  platform?: PngRowsPlatform): Image<Uint8Array | Uint16Array>;
export function decodePng(bytes: Uint8Array | ArrayBuffer, options: DecodeOptions | undefined, zlib: PngZlib,
  platform: PngRowsPlatform = {}): Image<Uint8Array | Uint16Array> {
  const { bytes: input, limit, depth } = decodeArgs(bytes, options);
  const info = checkPng(input, zlib.crc32);
  const { width, height } = info;
  // Checked before inflating: a 100-byte file may claim 100000 × 100000 pixels.
  checkPixels('PNG', width, height, limit);
  const pixelBytes = depth === 16 ? 8 : 4;
  // Only the output is one buffer now; the inflated stream never is.
  if (width * height * pixelBytes > zlib.maxBytes) {
    throw new RangeError(`PNG of ${width} × ${height} pixels is too large to decode into one buffer`);
  }
  const extras = readExtras(input, info);
  const data = platform.output?.(width * height * 4) ?? (depth === 16 ? new Uint16Array(width * height * 4) : new Uint8Array(width * height * 4));
  const expand = depth === 16 ? makeExpander16(info, extras) : makeExpander(info, extras);
  const channels = depth === 16 || !platform.rgbaRows ? 0 : rgbaChannels(info, extras);
  const fast = channels ? { rows: platform.rgbaRows!, channels } : undefined;
  const push = rowUnfilterer(info, imageRows(info, expand, new Uint8Array(data.buffer), pixelBytes, fast),
    platform.unfilter ?? unfilterRows);
  // A bad row (unknown filter type, palette index out of range) is thrown only once the whole
  // stream has inflated soundly: a damaged stream stays the first error reported, as when the
  // stream was inflated whole before any row was read. Rows after a bad one are skipped.
  let failed = false;
  let rowError: unknown;
  zlib.inflateStream(info.idat, inflatedLength(info), (piece) => {
    if (failed) return;
    try {
      push(piece);
    } catch (error) {
      failed = true;
      rowError = error;
    }
  });
  if (failed) throw rowError;
  return { width, height, channels: 4, data };
}
