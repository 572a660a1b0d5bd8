/**
 * Structural PNG validation in plain TypeScript (no Node APIs, so browsers can share it).
 *
 * pngjs does not reject every malformed file, and its messages are often about the wrong thing, so
 * decoders call `checkPng` first: it walks the chunks as the PNG spec (ISO/IEC 15948, sections 5
 * and 11) lays them out and checks everything that can be checked without inflating the pixels.
 * Start reading at `checkPng`; the rules for one chunk are in `checkChunkOrder`.
 */
import { PNG_SIGNATURE, hasPngSignature } from '../vocabulary.js';

/** What `checkPng` learns from a valid file. */
export interface PngInfo {
  width: number;
  height: number;
  /** Bits per sample: 1, 2, 4, 8 or 16 (within what `colorType` allows). */
  bitDepth: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA. */
  colorType: number;
  /** 0 none, 1 Adam7. */
  interlace: number;
  /** Bytes from the signature up to and including the IEND chunk; anything after it is ignored. */
  byteLength: number;
  /** The data of each IDAT chunk, in order, as views into the input: together, one zlib stream. */
  idat: Uint8Array[];
}

/** The IHDR fields, as `checkPng` returns them and `inflatedLength` needs them. */
export type PngHeader = Pick<PngInfo, 'width' | 'height' | 'bitDepth' | 'colorType' | 'interlace'>;

export const MAX_UINT31 = 0x7fffffff;

/** Allowed bit depths per colour type (PNG spec table 11.1). */
const DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/** Samples per pixel for each colour type. */
export const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7 passes as [x0, y0, dx, dy] (PNG spec section 8.2). */
export const ADAM7: readonly (readonly [number, number, number, number])[] = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

let crcTable: Uint32Array | undefined;

/**
 * CRC-32 (ISO 3309, polynomial 0xEDB88320) over `bytes[start, end)`, as PNG chunks carry it.
 * The 1 KB table is built on first use. Pass the previous value to continue over the next piece.
 * @example
 * crc32(new TextEncoder().encode('123456789')); // 0xcbf43926, the standard check value
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, previous = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = start; i < end; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function invalid(reason: string): Error {
  return new Error(`Invalid PNG: ${reason}`);
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

/** A chunk type as text when it is four letters, else as hex, so messages stay printable. */
export function typeName(bytes: Uint8Array, at: number): string {
  const codes = Array.from(bytes.subarray(at, at + 4));
  const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return codes.every(isLetter)
    ? String.fromCharCode(...codes)
    : `0x${codes.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** What the walk has seen so far; `checkChunkOrder` reads and updates it. */
export interface WalkState {
  info?: PngHeader;
  /** Entries in PLTE; 0 until it is seen. */
  paletteEntries: number;
  hasTransparency: boolean;
  /** 'none' before the first IDAT, 'open' inside the run of IDATs, 'closed' after it. */
  idat: 'none' | 'open' | 'closed';
}

function parseHeader(bytes: Uint8Array, dataAt: number, length: number): PngHeader {
  if (length !== 13) throw invalid(`IHDR chunk has length ${length}, expected 13`);
  const width = readUint32(bytes, dataAt);
  const height = readUint32(bytes, dataAt + 4);
  const [bitDepth, colorType, compression, filter, interlace] = bytes.subarray(dataAt + 8, dataAt + 13);
  if (width < 1 || width > MAX_UINT31) throw invalid(`width ${width} is not in 1..2^31-1`);
  if (height < 1 || height > MAX_UINT31) throw invalid(`height ${height} is not in 1..2^31-1`);
  const depths = DEPTHS[colorType];
  if (!depths) throw invalid(`unknown colour type ${colorType}`);
  if (!depths.includes(bitDepth)) throw invalid(`bit depth ${bitDepth} is not allowed for colour type ${colorType}`);
  if (compression !== 0) throw invalid(`unknown compression method ${compression}`);
  if (filter !== 0) throw invalid(`unknown filter method ${filter}`);
  if (interlace > 1) throw invalid(`unknown interlace method ${interlace}`);
  return { width, height, bitDepth, colorType, interlace };
}

/** Checks where one chunk may appear and what it may hold, given the chunks before it. */
export function checkChunkOrder(state: WalkState, type: string, bytes: Uint8Array, dataAt: number, length: number): void {
  if (!state.info) {
    if (type !== 'IHDR') throw invalid(`first chunk is ${type}, expected IHDR`);
    state.info = parseHeader(bytes, dataAt, length);
    return;
  }
  const { colorType, bitDepth } = state.info;
  if (state.idat === 'open' && type !== 'IDAT') state.idat = 'closed';
  switch (type) {
    case 'IHDR':
      throw invalid('more than one IHDR chunk');
    case 'PLTE':
      if (state.paletteEntries > 0) throw invalid('more than one PLTE chunk');
      if (state.idat !== 'none') throw invalid('PLTE chunk after IDAT');
      if (colorType === 0 || colorType === 4) throw invalid(`PLTE chunk in a gray image (colour type ${colorType})`);
      if (length === 0 || length % 3 !== 0) throw invalid(`PLTE chunk length ${length} is not a positive multiple of 3`);
      // Colour types 2 and 6 may carry a suggested palette of up to 256 entries.
      if (length / 3 > (colorType === 3 ? 1 << bitDepth : 256)) {
        throw invalid(`PLTE chunk has ${length / 3} entries, more than colour type ${colorType} at bit depth ${bitDepth} allows`);
      }
      state.paletteEntries = length / 3;
      return;
    case 'tRNS':
      if (state.hasTransparency) throw invalid('more than one tRNS chunk');
      if (state.idat !== 'none') throw invalid('tRNS chunk after IDAT');
      if (colorType === 4 || colorType === 6) throw invalid(`tRNS chunk in an image with alpha (colour type ${colorType})`);
      if (colorType === 3) {
        if (state.paletteEntries === 0) throw invalid('tRNS chunk before PLTE');
        if (length > state.paletteEntries) {
          throw invalid(`tRNS chunk has ${length} entries, more than the ${state.paletteEntries} in PLTE`);
        }
      } else if (length !== (colorType === 0 ? 2 : 6)) {
        // pngjs reads the gray or RGB key without checking the length, so a short chunk would misread.
        throw invalid(`tRNS chunk has length ${length}, expected ${colorType === 0 ? 2 : 6}`);
      }
      state.hasTransparency = true;
      return;
    case 'IDAT':
      if (state.idat === 'closed') throw invalid('IDAT chunks are not consecutive');
      if (colorType === 3 && state.paletteEntries === 0) throw invalid('missing PLTE chunk before IDAT in a palette image');
      state.idat = 'open';
      return;
    case 'IEND':
      if (state.idat === 'none') throw invalid('no IDAT chunk');
      if (length !== 0) throw invalid(`IEND chunk has length ${length}, expected 0`);
      return;
    default:
      // Bit 5 of the first type byte clear = critical: a decoder must not skip what it does not know.
      if (!(bytes[dataAt - 4] & 0x20)) throw invalid(`unknown critical chunk ${type}`);
  }
}

/**
 * Checks the structure of a PNG file and returns its header and its length up to IEND.
 * Throws an `Error` whose message starts with `Invalid PNG: ` and says what is wrong.
 * Pixel data is not inflated: a decoder must still check that the zlib stream in `idat` is whole
 * and inflates to exactly `inflatedLength(info)` bytes. `crc` may be a platform's faster CRC-32.
 * @example
 * const { width, height, byteLength } = checkPng(bytes);
 * const png = bytes.subarray(0, byteLength); // drops anything after IEND
 */
export function checkPng(bytes: Uint8Array, crc: (bytes: Uint8Array, start: number, end: number) => number = crc32): PngInfo {
  if (!hasPngSignature(bytes)) {
    throw invalid('bad signature (not a PNG file, or one damaged by a text-mode transfer)');
  }
  const state: WalkState = { paletteEntries: 0, hasTransparency: false, idat: 'none' };
  const idat: Uint8Array[] = [];
  let at = PNG_SIGNATURE.length;
  for (;;) {
    // Chunk layout: length (4) | type (4) | data (length) | CRC of type + data (4).
    if (at + 8 > bytes.length) throw invalid(at === bytes.length ? 'missing IEND chunk' : `truncated chunk header at byte ${at}`);
    const length = readUint32(bytes, at);
    const type = typeName(bytes, at + 4);
    if (type.startsWith('0x')) throw invalid(`bad chunk type ${type} at byte ${at + 4}`);
    if (length > MAX_UINT31) throw invalid(`${type} chunk length ${length} exceeds 2^31-1`);
    const dataAt = at + 8;
    const end = dataAt + length + 4;
    if (end > bytes.length) throw invalid(`truncated ${type} chunk`);
    if (crc(bytes, at + 4, dataAt + length) !== readUint32(bytes, dataAt + length)) {
      throw invalid(`bad CRC in ${type} chunk`);
    }
    checkChunkOrder(state, type, bytes, dataAt, length);
    if (type === 'IDAT') idat.push(bytes.subarray(dataAt, dataAt + length));
    at = end;
    if (type === 'IEND') return { ...state.info!, byteLength: at, idat };
  }
}

/**
 * Bytes the inflated IDAT stream must hold: each row is a filter-type byte plus its packed samples,
 * and an interlaced image stores its seven Adam7 passes one after another (empty passes take none).
 * @example
 * inflatedLength({ width: 3, height: 2, bitDepth: 1, colorType: 0, interlace: 0 }); // 2 × (1 + 1) = 4
 */
export function inflatedLength({ width, height, bitDepth, colorType, interlace }: PngHeader): number {
  const bitsPerPixel = bitDepth * SAMPLES[colorType];
  const rowBytes = (w: number) => 1 + Math.ceil((w * bitsPerPixel) / 8);
  if (!interlace) return height * rowBytes(width);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w > 0 && h > 0) total += h * rowBytes(w);
  }
  return total;
}
