/**
 * The PNG encoder, for Node and browsers alike: gray, gray + alpha, RGB or RGBA at 8 bits (Uint8Array
 * or Uint8ClampedArray data) or 16 (Uint16Array, written big-endian as the spec says), each row
 * filtered with one fixed filter (no five-way trial per row), the whole deflated by the platform's
 * zlib. Start at `encodePng`; `filterRow` is the per-row work.
 *
 * The defaults come from bench/png.mjs (bench/RESULTS.md), on convolved 8-bit gray photos: filter
 * "up" at level 6 (run-length deflate in Node) encodes in 0.4–0.6× sharp's default time into
 * 0.56–0.75× its bytes; "paeth" saves another 5–7% of bytes and costs 2× the time in JavaScript,
 * "none" and "sub" lose bytes on smooth images.
 */
import { rangeError, typeError } from '../errors.js';
import type { Image } from '../types.js';
import { checkImage, integer, oneOf, optionsObject } from '../validate.js';
import { PNG_COLOR_TYPES, PNG_FILTERS, PNG_SIGNATURE, type PngFilter } from '../vocabulary.js';
import { crc32 } from './check.js';
import { paeth } from './predict.js';
import type { PngZlib } from './zlib.js';

/** Options of `encodePng` and `writePng`. */
export interface EncodeOptions {
  /** zlib level, 0 (stored, fastest) … 9 (smallest); default 6. */
  compressionLevel?: number;
  /** The one filter applied to every row (PNG spec §9.2); default "up". */
  filter?: PngFilter;
}

export const DEFAULT_LEVEL = 6;
export const DEFAULT_FILTER: PngFilter = 'up';

/** Checked encode options: level and filter-type byte. */
export interface EncodeSettings {
  level: number;
  filterType: number;
}

/** Checks `encodePng`'s options, naming the bad one. */
export function encodeSettings(options: unknown, name = 'options'): EncodeSettings {
  const o = optionsObject(options, name, ['compressionLevel', 'filter']);
  const level = o.compressionLevel === undefined ? DEFAULT_LEVEL : integer(o.compressionLevel, `${name}.compressionLevel`, 0, 9);
  const filter = o.filter === undefined ? DEFAULT_FILTER : oneOf(o.filter, `${name}.filter`, PNG_FILTERS);
  return { level, filterType: PNG_FILTERS.indexOf(filter) };
}

/**
 * Writes one filtered row: `out[o]` = the filter type, then `n` bytes predicted from the row
 * `src[s, s + n)` and the row above `prev[p, p + n)` (null for the first row, which the spec
 * treats as zeros). `bpp` is bytes per pixel.
 * @example
 * filterRow(2, data, y * rowBytes, y ? data : null, (y - 1) * rowBytes, rowBytes, 1, out, y * (rowBytes + 1));
 */
export function filterRow(
  type: number, src: Uint8Array, s: number, prev: Uint8Array | null, p: number, n: number, bpp: number,
  out: Uint8Array, o: number,
): void {
  out[o++] = type;
  const first = Math.min(bpp, n);
  switch (type) {
    case 0:
      out.set(src.subarray(s, s + n), o);
      return;
    case 1:
      for (let x = 0; x < first; x++) out[o + x] = src[s + x];
      for (let x = bpp; x < n; x++) out[o + x] = src[s + x] - src[s + x - bpp];
      return;
    case 2:
      if (!prev) out.set(src.subarray(s, s + n), o);
      else for (let x = 0; x < n; x++) out[o + x] = src[s + x] - prev[p + x];
      return;
    case 3:
      if (!prev) {
        for (let x = 0; x < first; x++) out[o + x] = src[s + x];
        for (let x = bpp; x < n; x++) out[o + x] = src[s + x] - (src[s + x - bpp] >> 1);
        return;
      }
      for (let x = 0; x < first; x++) out[o + x] = src[s + x] - (prev[p + x] >> 1);
      for (let x = bpp; x < n; x++) out[o + x] = src[s + x] - ((src[s + x - bpp] + prev[p + x]) >> 1);
      return;
    default:
      if (!prev) {
        // Above and upper-left are 0: Paeth predicts the left byte.
        for (let x = 0; x < first; x++) out[o + x] = src[s + x];
        for (let x = bpp; x < n; x++) out[o + x] = src[s + x] - src[s + x - bpp];
        return;
      }
      for (let x = 0; x < first; x++) out[o + x] = src[s + x] - prev[p + x];
      for (let x = bpp; x < n; x++) out[o + x] = src[s + x] - paeth(src[s + x - bpp], prev[p + x], prev[p + x - bpp]);
  }
}

/**
 * Filters a block of rows: `rows` rows of `n` bytes from `src` (the row above the first: `above`,
 * or zeros when null) into `out` at `outAt`, each its type byte and then its filtered bytes.
 * `filterRows` does it in JavaScript; src/core/wasm/png-rows.ts's `filterRowsWasm` in WebAssembly.
 */
export type RowsFilter = (type: number, src: Uint8Array, above: Uint8Array | null, rows: number, n: number, bpp: number,
  out: Uint8Array, outAt: number) => void;

/**
 * `RowsFilter` in JavaScript, a row at a time with `filterRow`.
 * @example
 * filterRows(2, rows, null, height, width, 1, out, 0);
 */
export const filterRows: RowsFilter = (type, src, above, rows, n, bpp, out, outAt) => {
  for (let y = 0; y < rows; y++) {
    const prev = y > 0 ? src : above;
    filterRow(type, src, y * n, prev, y > 0 ? (y - 1) * n : 0, n, bpp, out, outAt + y * (n + 1));
  }
};

function writeUint32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 255;
  bytes[at + 2] = (value >>> 8) & 255;
  bytes[at + 3] = value & 255;
}

/**
 * One chunk: length, type, data, CRC of type + data (`crc`: check.ts's `crc32`, or a platform's
 * native one).
 * @example
 * pngChunk('IEND', new Uint8Array(0)); // 12 bytes
 */
export function pngChunk(type: string, data: Uint8Array, crc: (bytes: Uint8Array, start: number, end: number) => number = crc32): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  writeUint32(out, 0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  writeUint32(out, 8 + data.length, crc(out, 4, 8 + data.length));
  return out;
}

/**
 * The signature and IHDR of a non-interlaced image of 1–4 channels, 8 or 16 bits a sample.
 * @example
 * pngHead(640, 480, 1); // 33 bytes
 */
export function pngHead(width: number, height: number, channels: 1 | 2 | 3 | 4, bitDepth: 8 | 16 = 8): Uint8Array {
  const header = new Uint8Array(13);
  writeUint32(header, 0, width);
  writeUint32(header, 4, height);
  header.set([bitDepth, PNG_COLOR_TYPES[channels], 0, 0, 0], 8);
  const ihdr = pngChunk('IHDR', header);
  const out = new Uint8Array(PNG_SIGNATURE.length + ihdr.length);
  out.set(PNG_SIGNATURE);
  out.set(ihdr, PNG_SIGNATURE.length);
  return out;
}

/** The IEND chunk that closes every file. */
export const PNG_END = pngChunk('IEND', new Uint8Array(0));

/** Checks that an image can be written as 8-bit PNG. */
export function checkEncodable(image: unknown): Image<Uint8Array | Uint8ClampedArray> {
  const img = checkImage(image);
  if (!(img.data instanceof Uint8Array) && !(img.data instanceof Uint8ClampedArray)) {
    throw typeError('image.data', 'a Uint8Array or Uint8ClampedArray (convert with toUint8 first)', img.data);
  }
  return img as Image<Uint8Array | Uint8ClampedArray>;
}

/** The samples of a Uint16Array as big-endian bytes, the order a 16-bit PNG stores them in. */
function bigEndianBytes(data: Uint16Array): Uint8Array {
  const out = new Uint8Array(data.length * 2);
  for (let i = 0, o = 0; i < data.length; i++, o += 2) {
    out[o] = data[i] >>> 8;
    out[o + 1] = data[i] & 255;
  }
  return out;
}

/**
 * Encodes an image of 1–4 channels as PNG (colour types 0, 4, 2, 6; not interlaced) with the given
 * zlib (and `filter`: JavaScript's `filterRows` unless the platform has a faster one): 8 bits a
 * sample for Uint8Array or Uint8ClampedArray data, 16 for Uint16Array. The entries bind the zlib;
 * use theirs.
 * @example
 * const bytes = encodePng({ width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) }, { filter: 'paeth' }, zlib);
 */
export function encodePng(image: Image, options: EncodeOptions | undefined, zlib: PngZlib, filter: RowsFilter = filterRows): Uint8Array {
  const { width, height, channels, data } = checkImage(image);
  const deep = data instanceof Uint16Array;
  if (!deep && !(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) {
    throw typeError('image.data', 'a Uint8Array, Uint8ClampedArray or Uint16Array (convert with toUint8 or toUint16 first)', data);
  }
  const { level, filterType } = encodeSettings(options);
  const bpp = deep ? channels * 2 : channels; // bytes per pixel, for the filters
  const rowBytes = width * bpp;
  if (height * (rowBytes + 1) > zlib.maxBytes) {
    throw rangeError('image', `at most ${zlib.maxBytes} bytes of filtered rows`, `${width} × ${height} × ${channels}`);
  }
  const src = deep ? bigEndianBytes(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const filtered = new Uint8Array(height * (rowBytes + 1));
  filter(filterType, src, null, height, rowBytes, bpp, filtered, 0);
  const idat = pngChunk('IDAT', zlib.deflate(filtered, level));
  const head = pngHead(width, height, channels, deep ? 16 : 8);
  const out = new Uint8Array(head.length + idat.length + PNG_END.length);
  out.set(head);
  out.set(idat, head.length);
  out.set(PNG_END, head.length + idat.length);
  return out;
}
