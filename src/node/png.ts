/**
 * PNG in and out for Node: decode and encode bytes with pngjs, read and write files.
 *
 * Every decode runs the platform-free structural check in `../core/png/check.ts` first, because
 * pngjs alone accepts some malformed files (and reports others with misleading messages), then
 * refuses oversized headers before inflating, then hands pngjs only the bytes up to IEND.
 * Writes go to a temp file in the target's directory and are renamed into place, so a reader never
 * sees a half-written PNG.
 */
import { constants as bufferConstants } from 'node:buffer';
import { inflateSync } from 'node:zlib';
import pngjs from 'pngjs';
import { checkPng, inflatedLength } from '../core/png/check.js';
import { checkPixels, pixelLimit } from '../core/limits.js';
import { typeError } from '../core/errors.js';
import { checkImage, optionsObject } from '../core/validate.js';
import type { Image } from '../core/types.js';
import { PNG_COLOR_TYPES, hasPngSignature } from '../core/vocabulary.js';
import { readFileBounded, writeFileAtomic } from './files.js';
import { checkDepth, toDepth16 } from '../core/pixels/depth.js';

/** Options of `decodePng` and `readPng`. */
export interface DecodeOptions {
  /**
   * Largest width × height accepted (default 268402689 = 16383², as in sharp). `false` disables the
   * limit; `true` means the default.
   */
  limitInputPixels?: number | boolean;
  /**
   * 8 (default): 8-bit samples, 16-bit files rescaled as pngjs does. 16: Uint16Array samples,
   * 16-bit files as stored and 8-bit ones times 257 (255 → 65535).
   */
  depth?: 8 | 16;
}


function limitOf(options: unknown): { limit: number; depth: 8 | 16 } {
  const o = optionsObject(options, 'options', ['limitInputPixels', 'depth']);
  return { limit: pixelLimit(o.limitInputPixels), depth: checkDepth(o.depth) };
}

/** A Uint8Array that owns exactly its bytes: pngjs may return views into Node's shared pool. */
function ownBytes(buf: Uint8Array): Uint8Array {
  return buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength
    ? new Uint8Array(buf.buffer, 0, buf.byteLength)
    : new Uint8Array(buf);
}

function reason(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Inflates the IDAT stream to check it is whole and exactly the right size. pngjs' sync reader
 * cannot be trusted with this: for a non-interlaced image it returns uninitialised memory, without
 * an error, when the stream is empty, cut short or not zlib at all.
 */
function checkPixelStream(idat: Uint8Array[], expected: number): void {
  let length: number;
  const stream = Buffer.concat(idat);
  try {
    // One byte of headroom tells "too much data" apart from "exactly enough".
    const { buffer, engine } = inflateSync(stream, { maxOutputLength: expected + 1, info: true }) as unknown as
      { buffer: Buffer; engine: { bytesWritten: number } };
    length = buffer.length;
    // Node's inflate stops at the end of the zlib stream and ignores what follows; pngjs then
    // decodes small images and fails on larger ones. Bytes after the stream are an error, as in
    // the platform-free codec, so both decoders agree.
    if (length === expected && engine.bytesWritten < stream.length) {
      throw new Error(`Invalid PNG: ${stream.length - engine.bytesWritten} bytes after the end of the zlib stream in IDAT`);
    }
  } catch (cause) {
    if (cause instanceof Error && cause.message.startsWith('Invalid PNG')) throw cause;
    if ((cause as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`Invalid PNG: bad zlib data in IDAT (${reason(cause)})`, { cause });
    }
    length = Infinity;
  }
  if (length > expected) throw new Error(`Invalid PNG: IDAT data inflates to more than ${expected} bytes`);
  if (length < expected) throw new Error(`Invalid PNG: IDAT data inflates to ${length} bytes, expected ${expected}`);
}

function decode(bytes: Uint8Array, { limit, depth }: { limit: number; depth: 8 | 16 }): Image<Uint8Array | Uint16Array> {
  const info = checkPng(bytes);
  const { width, height } = info;
  // Checked before inflating: a 100-byte file may claim 100000 × 100000 pixels.
  checkPixels('PNG', width, height, limit);
  const expectedRaw = inflatedLength(info);
  const expected = width * height * 4;
  if (Math.max(expectedRaw, expected) > bufferConstants.MAX_LENGTH) {
    throw new RangeError(`PNG of ${width} × ${height} pixels is too large to decode into one buffer`);
  }
  checkPixelStream(info.idat, expectedRaw);
  let png: { width: number; height: number; data: Buffer | Uint16Array };
  try {
    // Only the bytes up to IEND: the sync reader rejects anything after it, which the spec allows.
    // skipRescale keeps 16-bit samples (a Uint16Array); 8-bit files still come as bytes.
    png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, info.byteLength), { skipRescale: depth === 16 });
  } catch (cause) {
    throw new Error(`Invalid PNG: cannot decode pixel data (${reason(cause)})`, { cause });
  }
  if (png.width !== width || png.height !== height || png.data?.length !== expected) {
    throw new Error(`Invalid PNG: decoded ${png.data?.length} bytes of pixels, expected ${expected}`);
  }
  if (png.data instanceof Uint16Array) return { width, height, channels: 4, data: png.data };
  const image: Image<Uint8Array> = { width, height, channels: 4, data: ownBytes(png.data) };
  return depth === 16 ? toDepth16(image) : image;
}

/**
 * Decodes PNG bytes to 8-bit RGBA, as pngjs does by default: 16-bit samples are rescaled to 8 bits,
 * palettes expanded, tRNS turned into alpha. Bytes after IEND are ignored.
 * Throws `Error('Invalid PNG: …')` for a malformed file, and a RangeError naming
 * `options.limitInputPixels` for one with too many pixels.
 * @example
 * const image = decodePng(await fetch(url).then((r) => r.arrayBuffer()));
 * // { width, height, channels: 4, data: Uint8Array [r, g, b, a, …] }
 */
export function decodePng(bytes: Uint8Array | ArrayBuffer, options: DecodeOptions & { depth: 16 }): Image<Uint16Array>;
export function decodePng(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions): Image<Uint8Array>;
export function decodePng(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions): Image<Uint8Array | Uint16Array> {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw typeError('bytes', 'a Uint8Array or ArrayBuffer', bytes);
  }
  return decode(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes, limitOf(options));
}

/**
 * Encodes an image of 1–4 channels as PNG: gray, gray + alpha, RGB or RGBA (colour types 0, 4, 2,
 * 6), 8 bits per sample for Uint8Array data and 16 for Uint16Array. Convert Float32Array images
 * with `toUint8` or `toUint16` first.
 * @example
 * const bytes = encodePng({ width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) });
 * const deep = encodePng({ width: 2, height: 1, channels: 1, data: new Uint16Array([0, 65535]) });
 */
export function encodePng(image: Image): Uint8Array {
  const { width, height, channels, data } = checkImage(image);
  if (data instanceof Uint16Array) return encode16(width, height, channels, data);
  if (!(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) {
    throw typeError('image.data', 'a Uint8Array, Uint8ClampedArray or Uint16Array (convert with toUint8 or toUint16 first)', data);
  }
  const colorType = PNG_COLOR_TYPES[channels];
  // Input and output colour types are equal, so pngjs packs the bytes as they are, without converting.
  const png = { width, height, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
  const bytes = pngjs.PNG.sync.write(png as unknown as pngjs.PNG, {
    colorType,
    inputColorType: colorType,
    inputHasAlpha: channels === 2 || channels === 4,
    bitDepth: 8,
  });
  return ownBytes(bytes);
}

/** 16 bits per sample: pngjs reads each element of a Uint16Array as one sample and writes it big-endian. */
function encode16(width: number, height: number, channels: 1 | 2 | 3 | 4, data: Uint16Array): Uint8Array {
  const colorType = PNG_COLOR_TYPES[channels];
  const png = { width, height, data };
  return ownBytes(pngjs.PNG.sync.write(png as unknown as pngjs.PNG, {
    colorType, inputColorType: colorType, inputHasAlpha: channels === 2 || channels === 4, bitDepth: 16,
  }));
}

function checkPath(path: unknown): asserts path is string {
  if (typeof path !== 'string') throw typeError('path', 'a file path string', path);
}

/**
 * Reads and decodes a PNG file (synchronously; awaiting the result also works). Errors from a
 * corrupt file name it: `photo.png: Invalid PNG: bad CRC in IDAT chunk`.
 * @example
 * const { width, height, data } = readPng('photo.png');
 */
export function readPng(path: string, options: DecodeOptions & { depth: 16 }): Image<Uint16Array>;
export function readPng(path: string, options?: DecodeOptions): Image<Uint8Array>;
export function readPng(path: string, options?: DecodeOptions): Image<Uint8Array | Uint16Array> {
  checkPath(path);
  const settings = limitOf(options);
  try {
    const bytes = readFileBounded(path, PNG_HEAD, (head) => pngSizeBound(head, settings.limit));
    return decode(bytes, settings);
  } catch (cause) {
    // System errors (ENOENT, EACCES...) keep their code for the caller; ours already name the file.
    if ((cause as { code?: unknown }).code !== undefined || (cause as Error).message.startsWith(`${path}: `)) throw cause;
    const message = `${path}: ${(cause as Error).message}`;
    throw cause instanceof RangeError ? new RangeError(message, { cause }) : new Error(message, { cause });
  }
}

/** Signature (8) + IHDR's length and type (8) + its fields (13): what `pngSizeBound` reads. */
export const PNG_HEAD = 29;

/**
 * The most bytes a PNG file with this head may have, after refusing it by its head: not a PNG,
 * or a header over the limits. The pixel data of a W × H image is at most 8 bytes a pixel plus a
 * filter byte a row (16-bit RGBA); deflate, chunking and metadata are allowed as much again and
 * 64 MiB, so only a file far larger than its header could explain is refused unread.
 */
export function pngSizeBound(head: Uint8Array, limit: number): number {
  if (!hasPngSignature(head)) throw new Error('Invalid PNG: bad signature (not a PNG file, or one damaged by a text-mode transfer)');
  if (head.length < PNG_HEAD) return head.length; // the decoder names what is missing
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const type = String.fromCharCode(...head.subarray(12, 16));
  if (type !== 'IHDR' || view.getUint32(8) !== 13) throw new Error(`Invalid PNG: first chunk is ${JSON.stringify(type)}, expected IHDR of 13 bytes`);
  const width = view.getUint32(16), height = view.getUint32(20);
  checkPixels('PNG', width, height, limit);
  return 2 * (width * height * 8 + height) + (64 << 20);
}

/**
 * Encodes an image and writes it atomically (synchronously): to a temp file in the same directory,
 * flushed to disk, then renamed over `path`. On failure the temp file is removed and an existing
 * file at `path` is left as it was.
 * @example
 * writePng('edges.png', toUint8(convolve2d(gray, kernels.edge), { map: 'abs' }));
 */
export function writePng(path: string, image: Image): void {
  checkPath(path);
  writeFileAtomic(path, encodePng(image), 'PNG'); // encoded first, so a bad image changes nothing
}
