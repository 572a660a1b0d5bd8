/**
 * PNG decode and encode in plain TypeScript on top of fflate, for browsers and workers, where
 * pngjs (140 KB gzip with its Node shims) does not belong. Start reading at `decodePng`.
 *
 * The decoder gives exactly what the Node entry (pngjs behind `checkPng`) gives, byte for byte:
 * 8-bit RGBA; 1/2/4-bit gray scaled by floor(v·255/max + 0.5), 16-bit samples likewise from
 * 0..65535 (pngjs's `scaleDepth`); palettes expanded with tRNS alpha; a gray or RGB tRNS key,
 * compared with the samples before scaling, makes the whole pixel 0,0,0,0 (pngjs's
 * `replaceTransparentColor`); gAMA is read but not applied; Adam7 passes are de-interlaced.
 * tests/png-codec.test.mjs checks this on all of PngSuite and on mutated files.
 *
 * It rejects what the Node entry rejects: `checkPng` first, then the zlib stream must be whole,
 * carry a matching Adler-32 right after the deflate data (fflate does not check it; Node's zlib
 * does) and inflate to exactly the size the header implies; then bad filter types and palette
 * indices past the palette throw.
 */
import { Inflate, inflateSync, zlibSync } from 'fflate';
import { typeError } from '../errors.js';
import { checkPixels, pixelLimit } from '../limits.js';
import { checkPng, crc32, inflatedLength, type PngInfo } from './check.js';
import type { Image } from '../types.js';
import { checkImage, optionsObject } from '../validate.js';
import { PNG_COLOR_TYPES, PNG_SIGNATURE } from '../vocabulary.js';

/** Options of `decodePng`. */
export interface DecodeOptions {
  /**
   * Largest width × height accepted (default 268402689 = 16383², as in sharp). `false` disables the
   * limit; `true` means the default.
   */
  limitInputPixels?: number | boolean;
}

/** Adam7 passes as [x0, y0, dx, dy] (PNG spec section 8.2). */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

/** Samples per pixel for each colour type. */
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };


/** Typed arrays above this many bytes cannot be allocated in every engine. */
const MAX_BYTES = 2 ** 31 - 1;

function invalid(reason: string, cause?: unknown): Error {
  return new Error(`Invalid PNG: ${reason}`, cause === undefined ? undefined : { cause });
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

/**
 * Adler-32 (RFC 1950 section 8.2), the checksum that ends a zlib stream.
 * @example
 * adler32(new TextEncoder().encode('Wikipedia')); // 0x11e60398
 */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length;) {
    // 5552 bytes is the most that can be summed before b can overflow 2^32 (zlib's NMAX).
    const end = Math.min(i + 5552, bytes.length);
    for (; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** The ancillary data the pixels need, read from a file `checkPng` has accepted. */
interface Extras {
  /** PLTE as RGBA entries, tRNS alpha applied (255 where tRNS is short or absent). */
  palette?: Uint8Array;
  /** The gray or RGB tRNS key, as the 16-bit values the chunk stores. */
  transColor?: number[];
}

function readExtras(bytes: Uint8Array, info: PngInfo): Extras {
  const extras: Extras = {};
  let trns: Uint8Array | undefined;
  for (let at = 8; at < info.byteLength;) {
    const length = readUint32(bytes, at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'PLTE') {
      const palette = new Uint8Array((length / 3) * 4).fill(255);
      for (let i = 0; i < length / 3; i++) palette.set(data.subarray(i * 3, i * 3 + 3), i * 4);
      extras.palette = palette;
    } else if (type === 'tRNS') {
      trns = data;
    } else if (type === 'gAMA' && length < 4) {
      // pngjs reads four bytes from any gAMA chunk and fails on a shorter one.
      throw invalid(`gAMA chunk has length ${length}, expected 4`);
    }
    at += 12 + length;
  }
  if (trns) {
    if (info.colorType === 3) {
      for (let i = 0; i < trns.length; i++) extras.palette![i * 4 + 3] = trns[i];
    } else {
      // checkPng has made sure the length is 2 (gray) or 6 (RGB).
      extras.transColor = [];
      for (let i = 0; i < trns.length; i += 2) extras.transColor.push((trns[i] << 8) | trns[i + 1]);
    }
  }
  return extras;
}

/** Input bytes handed to the inflater at a time, so that a decompression bomb stops early. */
const PUSH_BYTES = 1 << 16;

/** Thrown from the output callback to stop inflating once there is more than expected. */
const TOO_MUCH = new Error('more output than expected');

/**
 * How many bytes the deflate data at the start of `data` takes: the shortest prefix that inflates.
 * Slow (a binary search of whole inflations); used only if fflate's stream class changes shape.
 * @example
 * deflateLength(zlibStream.subarray(2)); // the Adler-32 starts 2 + this many bytes in
 */
export function deflateLength(data: Uint8Array): number {
  let lo = 0;
  let hi = data.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let whole = true;
    try {
      inflateSync(data.subarray(0, mid));
    } catch {
      whole = false;
    }
    if (whole) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Inflates the raw deflate data at the start of `data`, stopping with TOO_MUCH past `limit` bytes
 * of output. Returns the output and how many input bytes the deflate data took, which zlib needs
 * (the Adler-32 follows right there) but fflate's sync API does not report. Its stream class keeps
 * it in two private fields: `p`, the input not consumed yet, and `s.p`, the bits of p's first byte
 * already used. They are read when they have that shape; otherwise `deflateLength` finds it.
 * @example
 * const { output, used } = inflateRaw(zlibStream.subarray(2), expectedBytes);
 * const adlerAt = 2 + used;
 */
export function inflateRaw(data: Uint8Array, limit: number): { output: Uint8Array; used: number } {
  const parts: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > limit) throw TOO_MUCH;
    parts.push(chunk);
  });
  let at = 0;
  do {
    inflater.push(data.subarray(at, at + PUSH_BYTES), at + PUSH_BYTES >= data.length);
    at += PUSH_BYTES;
  } while (at < data.length);
  const output = parts.length === 1 ? parts[0] : concat(parts);
  const state = inflater as unknown as { p?: unknown; s?: { p?: unknown } };
  const rest = state.p;
  const bits = state.s?.p;
  const used = rest instanceof Uint8Array && typeof bits === 'number' && bits >= 0 && bits < 8
    ? data.length - rest.length + (bits > 0 ? 1 : 0)
    : deflateLength(data);
  return { output, used };
}

/**
 * Inflates the IDAT zlib stream (RFC 1950) into exactly `expected` bytes, or throws. Node's zlib,
 * which the Node entry runs first, is the yardstick: a bad header, deflate data cut short, a
 * wrong or missing Adler-32 right after the deflate data, or the wrong amount of pixel data are
 * errors there and so here; so are bytes after the Adler-32 (see below).
 */
function inflateIdat(parts: Uint8Array[], expected: number): Uint8Array {
  const stream = parts.length === 1 ? parts[0] : concat(parts);
  const bad = (reason: string, cause?: unknown) => invalid(`bad zlib data in IDAT (${reason})`, cause);
  if (stream.length < 2) throw bad('unexpected end of file');
  const cmf = stream[0];
  const flg = stream[1];
  if ((cmf & 15) !== 8 || ((cmf << 8) | flg) % 31 !== 0) throw bad('incorrect header check');
  if (cmf >> 4 > 7) throw bad('invalid window size');
  if (flg & 32) throw bad('a preset dictionary is not allowed');
  let inflated: { output: Uint8Array; used: number };
  try {
    inflated = inflateRaw(stream.subarray(2), expected);
  } catch (cause) {
    if (cause === TOO_MUCH) throw invalid(`IDAT data inflates to more than ${expected} bytes`);
    throw bad((cause as Error).message, cause);
  }
  const { output, used } = inflated;
  const end = 2 + used; // where the Adler-32 must be
  if (end + 4 > stream.length) throw bad('unexpected end of file');
  if (readUint32(stream, end) !== adler32(output)) throw bad('incorrect data check');
  if (output.length !== expected) throw invalid(`IDAT data inflates to ${output.length} bytes, expected ${expected}`);
  // Bytes after the Adler-32 are an error in both decoders (pngjs alone accepts them for some
  // images and fails on others; the Node decoder checks for them before pngjs runs).
  if (end + 4 < stream.length) {
    throw invalid(`${stream.length - end - 4} bytes after the end of the zlib stream in IDAT`);
  }
  return output;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Reverses the PNG filters of one pass in place: `rows` rows of 1 + `rowBytes` bytes from `start`,
 * each a filter-type byte then the filtered bytes. `bpp` is bytes per complete pixel (at least 1).
 */
function unfilter(raw: Uint8Array, start: number, rows: number, rowBytes: number, bpp: number): void {
  for (let y = 0; y < rows; y++) {
    const at = start + y * (rowBytes + 1);
    const type = raw[at];
    const row = at + 1;
    const up = row - (rowBytes + 1); // the previous row's bytes (unfiltered already)
    const hasUp = y > 0;
    switch (type) {
      case 0:
        break;
      case 1:
        for (let x = bpp; x < rowBytes; x++) raw[row + x] += raw[row + x - bpp];
        break;
      case 2:
        if (hasUp) for (let x = 0; x < rowBytes; x++) raw[row + x] += raw[up + x];
        break;
      case 3:
        for (let x = 0; x < rowBytes; x++) {
          const left = x >= bpp ? raw[row + x - bpp] : 0;
          const above = hasUp ? raw[up + x] : 0;
          raw[row + x] += (left + above) >> 1;
        }
        break;
      case 4:
        for (let x = 0; x < rowBytes; x++) {
          const a = x >= bpp ? raw[row + x - bpp] : 0;
          const b = hasUp ? raw[up + x] : 0;
          const c = x >= bpp && hasUp ? raw[up + x - bpp] : 0;
          // Paeth predictor (PNG spec section 9.4): the neighbour closest to a + b − c, ties a, b, c.
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          raw[row + x] += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
        break;
      default:
        throw invalid(`cannot decode pixel data (unknown filter type ${type} in row ${y})`);
    }
  }
}

/**
 * Writes one unfiltered pass into the RGBA output: pass pixel (x, y) is image pixel
 * (x0 + x·dx, y0 + y·dy). Samples are read at the file's bit depth, then mapped as pngjs maps them.
 */
function writePass(
  raw: Uint8Array, start: number, rowBytes: number, passW: number, passH: number,
  x0: number, y0: number, dx: number, dy: number,
  info: PngInfo, extras: Extras, out: Uint8Array,
): void {
  const { width, bitDepth: depth, colorType } = info;
  const samples = SAMPLES[colorType];
  const max = 2 ** depth - 1;
  // The same floating-point expression as pngjs's scaleDepth, tabulated; depth 8 maps to itself.
  const scale = depth === 8 ? undefined : new Uint8Array(max + 1).map((_, v) => Math.floor((v * 255) / max + 0.5));
  const { palette, transColor } = extras;
  const px = new Array<number>(4);
  for (let y = 0; y < passH; y++) {
    const row = start + y * (rowBytes + 1) + 1;
    let bit = 0; // bit offset within the row, for depths below 8
    for (let x = 0; x < passW; x++) {
      for (let s = 0; s < samples; s++) {
        if (depth === 8) px[s] = raw[row + x * samples + s];
        else if (depth === 16) px[s] = (raw[row + (x * samples + s) * 2] << 8) | raw[row + (x * samples + s) * 2 + 1];
        else {
          px[s] = (raw[row + (bit >> 3)] >> (8 - depth - (bit & 7))) & max;
          bit += depth;
        }
      }
      const o = ((y0 + y * dy) * width + x0 + x * dx) * 4;
      if (colorType === 3) {
        const index = px[0];
        if (index * 4 >= palette!.length) throw invalid(`cannot decode pixel data (index ${index} not in palette)`);
        out.set(palette!.subarray(index * 4, index * 4 + 4), o);
        continue;
      }
      const gray = colorType === 0 || colorType === 4;
      const r = px[0];
      const g = gray ? px[0] : px[1];
      const b = gray ? px[0] : px[2];
      const a = colorType === 4 ? px[1] : colorType === 6 ? px[3] : max;
      if (transColor && r === transColor[0] && (gray || (g === transColor[1] && b === transColor[2]))) {
        out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
      } else if (scale) {
        out[o] = scale[r];
        out[o + 1] = scale[g];
        out[o + 2] = scale[b];
        out[o + 3] = scale[a];
      } else {
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
        out[o + 3] = a;
      }
    }
  }
}

/**
 * Decodes PNG bytes to 8-bit RGBA, exactly as the Node entry (pngjs) does: 16-bit samples are
 * rescaled to 8 bits, palettes expanded, tRNS turned into alpha. Bytes after IEND are ignored.
 * Throws `Error('Invalid PNG: …')` for a malformed file, and a RangeError naming
 * `options.limitInputPixels` for one with too many pixels.
 * @example
 * const image = decodePng(new Uint8Array(await (await fetch('photo.png')).arrayBuffer()));
 * // { width, height, channels: 4, data: Uint8Array [r, g, b, a, …] }
 */
export function decodePng(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions): Image<Uint8Array> {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw typeError('bytes', 'a Uint8Array or ArrayBuffer', bytes);
  }
  const limit = pixelLimit(optionsObject(options, 'options', ['limitInputPixels']).limitInputPixels);
  const input = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  const info = checkPng(input);
  const { width, height, bitDepth, colorType, interlace } = info;
  // Checked before inflating: a 100-byte file may claim 100000 × 100000 pixels.
  checkPixels('PNG', width, height, limit);
  const expectedRaw = inflatedLength(info);
  if (Math.max(expectedRaw, width * height * 4) > MAX_BYTES) {
    throw new RangeError(`PNG of ${width} × ${height} pixels is too large to decode into one buffer`);
  }
  const extras = readExtras(input, info);
  const raw = inflateIdat(info.idat, expectedRaw);
  const out = new Uint8Array(width * height * 4);
  const bitsPerPixel = bitDepth * SAMPLES[colorType];
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const passes = interlace ? ADAM7 : [[0, 0, 1, 1]];
  let start = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const passW = Math.ceil((width - x0) / dx);
    const passH = Math.ceil((height - y0) / dy);
    if (passW <= 0 || passH <= 0) continue;
    const rowBytes = Math.ceil((passW * bitsPerPixel) / 8);
    unfilter(raw, start, passH, rowBytes, bpp);
    writePass(raw, start, rowBytes, passW, passH, x0, y0, dx, dy, info, extras, out);
    start += passH * (rowBytes + 1);
  }
  return { width, height, channels: 4, data: out };
}

function writeUint32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 255;
  bytes[at + 2] = (value >>> 8) & 255;
  bytes[at + 3] = value & 255;
}

/**
 * Filters each row with the type that gives the smallest sum of |bytes as signed| (the PNG
 * spec's suggested heuristic, as pngjs and libpng use), into `height` rows of 1 + rowBytes bytes.
 * One pass sums all five candidates; a second writes the winner.
 */
function filterRows(data: Uint8Array, height: number, rowBytes: number, bpp: number): Uint8Array {
  const out = new Uint8Array(height * (rowBytes + 1));
  const zero = new Uint8Array(rowBytes);
  const cost = (v: number) => (v < 128 ? v : 256 - v);
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * rowBytes, (y + 1) * rowBytes);
    const up = y > 0 ? data.subarray((y - 1) * rowBytes, y * rowBytes) : zero;
    let none = 0, sub = 0, upSum = 0, avg = 0, paeth = 0;
    for (let x = 0; x < rowBytes; x++) {
      const v = row[x];
      const a = x >= bpp ? row[x - bpp] : 0;
      const b = up[x];
      const c = x >= bpp ? up[x - bpp] : 0;
      const pa = Math.abs(b - c);
      const pb = Math.abs(a - c);
      const pc = Math.abs(a + b - 2 * c);
      none += cost(v);
      sub += cost((v - a) & 255);
      upSum += cost((v - b) & 255);
      avg += cost((v - ((a + b) >> 1)) & 255);
      paeth += cost((v - (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 255);
    }
    const sums = [none, sub, upSum, avg, paeth];
    const type = sums.indexOf(Math.min(...sums));
    const at = y * (rowBytes + 1);
    out[at] = type;
    const dst = out.subarray(at + 1, at + 1 + rowBytes);
    if (type === 0) dst.set(row);
    else {
      for (let x = 0; x < rowBytes; x++) {
        const a = x >= bpp ? row[x - bpp] : 0;
        const b = up[x];
        let predicted: number;
        if (type === 1) predicted = a;
        else if (type === 2) predicted = b;
        else if (type === 3) predicted = (a + b) >> 1;
        else {
          const c = x >= bpp ? up[x - bpp] : 0;
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
        dst[x] = row[x] - predicted;
      }
    }
  }
  return out;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  writeUint32(out, 0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  writeUint32(out, 8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/**
 * Encodes an 8-bit image of 1–4 channels as PNG: gray, gray + alpha, RGB or RGBA (colour types
 * 0, 4, 2, 6), 8 bits, not interlaced. Convert Uint16Array or Float32Array images with `toUint8`
 * first. The bytes differ from the Node entry's (another deflate), the pixels do not.
 * @example
 * const bytes = encodePng({ width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) });
 */
export function encodePng(image: Image): Uint8Array {
  const { width, height, channels, data } = checkImage(image);
  if (!(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) {
    throw typeError('image.data', 'a Uint8Array or Uint8ClampedArray (convert with toUint8 first)', data);
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const header = new Uint8Array(13);
  writeUint32(header, 0, width);
  writeUint32(header, 4, height);
  header.set([8, PNG_COLOR_TYPES[channels], 0, 0, 0], 8);
  const idat = zlibSync(filterRows(bytes, height, width * channels, channels), { level: 6 });
  const parts = [
    new Uint8Array(PNG_SIGNATURE),
    pngChunk('IHDR', header),
    pngChunk('IDAT', idat),
    pngChunk('IEND', new Uint8Array(0)),
  ];
  return concat(parts);
}
