/**
 * PNG in and out for Node: the one codec (src/core/png/) on `node:zlib`, and files.
 *
 * Node's zlib is native: `inflateSync` with `maxOutputLength` inflates the IDAT stream once, and
 * stops one byte past what the header allows, so a zlib bomb costs no more than an honest file.
 * Writes go to a temp file in the target's directory and are renamed into place, so a reader never
 * sees a half-written PNG.
 */
import { constants as bufferConstants } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { constants as zlibConstants, createDeflate, deflateRawSync, deflateSync, inflateSync } from 'node:zlib';
import type { DeflateSegment, IdatDeflaterFactory } from '../core/png/stream.js';
import { crc32 } from '../core/png/check.js';
import { checkPixels } from '../core/limits.js';
import { typeError } from '../core/errors.js';
import { pixelLimit } from '../core/limits.js';
import { decodePng as decode, type DecodeOptions } from '../core/png/decode.js';
import { encodePng as encode, type EncodeOptions } from '../core/png/encode.js';
import type { PngZlib } from '../core/png/zlib.js';
import { filterRowsWasm } from '../core/wasm/filter.js';
import type { Image } from '../core/types.js';
import { hasPngSignature } from '../core/vocabulary.js';
import { checkDepth } from '../core/pixels/depth.js';
import { optionsObject } from '../core/validate.js';
import { namingFile, readFileBounded, writeAtomically } from './files.js';

export type { DecodeOptions, EncodeOptions };

function reason(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Inflates the IDAT stream to exactly `expected` bytes, or throws. Output beyond `expected + 1`
 * bytes is never made (one byte of headroom tells "too much data" apart from "exactly enough").
 */
function inflateIdat(idat: readonly Uint8Array[], expected: number): Uint8Array {
  const stream = idat.length === 1 ? idat[0] : Buffer.concat(idat);
  let buffer: Buffer;
  let read: number;
  try {
    // One output chunk of the exact size: no list of 16 KB pieces to join at the end.
    const result = inflateSync(stream, { maxOutputLength: expected + 1, chunkSize: Math.max(64, expected + 1), info: true }) as unknown as
      { buffer: Buffer; engine: { bytesWritten: number } };
    buffer = result.buffer;
    read = result.engine.bytesWritten;
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`Invalid PNG: IDAT data inflates to more than ${expected} bytes`);
    }
    throw new Error(`Invalid PNG: bad zlib data in IDAT (${reason(cause)})`, { cause });
  }
  if (buffer.length > expected) throw new Error(`Invalid PNG: IDAT data inflates to more than ${expected} bytes`);
  if (buffer.length < expected) throw new Error(`Invalid PNG: IDAT data inflates to ${buffer.length} bytes, expected ${expected}`);
  // Node's inflate stops at the end of the zlib stream and ignores what follows; that is an error,
  // as in the fflate zlib, so both platforms agree.
  if (read < stream.length) {
    throw new Error(`Invalid PNG: ${stream.length - read} bytes after the end of the zlib stream in IDAT`);
  }
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

/** zlib's own CRC-32 (Node 20.15 and later), many times faster than a table in JavaScript. */
const nativeCrc = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
const nativeCrc32 = nativeCrc &&
  ((bytes: Uint8Array, start: number, end: number, previous = 0) => nativeCrc(bytes.subarray(start, end), previous));

/**
 * The PNG codec's zlib in Node. Levels 1–6 deflate with `Z_RLE` (runs only, no string matching):
 * on filtered rows of convolved photos it is 1.5–3× faster than the default strategy, and its
 * files are still 0.56–0.75× the size of sharp's (bench/png.mjs, bench/RESULTS.md); the level
 * makes no difference to it. Levels 7–9 use zlib's default strategy at that level, for files about
 * 20% smaller again at about twice the time. Level 0 stores.
 */
export const nodeZlib: PngZlib = {
  maxBytes: bufferConstants.MAX_LENGTH,
  inflate: inflateIdat,
  crc32: nativeCrc32 ?? crc32,
  deflate: (data, level) => {
    const out = deflateSync(data, { level, strategy: strategyFor(level) });
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  },
};

function strategyFor(level: number): number {
  return level >= 1 && level <= 6 ? zlibConstants.Z_RLE : zlibConstants.Z_DEFAULT_STRATEGY;
}

/**
 * One piece of a streamed IDAT (./file.ts): raw deflate ending in a sync flush, same strategy as
 * `nodeZlib.deflate`.
 * @example
 * const piece = nodeDeflateSegment(filteredRows, 6);
 */
export const nodeDeflateSegment: DeflateSegment = (data, level) => {
  const out = deflateRawSync(data, { level, strategy: strategyFor(level), finishFlush: zlibConstants.Z_SYNC_FLUSH });
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
};

/**
 * The IDAT stream of a streamed PNG (./file.ts) on Node's zlib, on its thread pool: deflating one
 * segment overlaps filtering and convolving the next, and zlib writes the header and the Adler-32
 * itself. Same level and strategy as `nodeZlib.deflate`.
 * @example
 * const writer = new PngRowWriter(width, height, 1, settings, nodeIdatDeflater, write, nodeZlib.crc32);
 */
export const nodeIdatDeflater: IdatDeflaterFactory = (level, onData, onEnd) => {
  const zlib = createDeflate({ level, strategy: strategyFor(level), chunkSize: 1 << 16 });
  let failed = false;
  const fail = (failure: Error) => {
    if (failed) return;
    failed = true;
    zlib.destroy();
    onEnd(failure);
  };
  zlib.on('data', (chunk: Buffer) => {
    if (failed) return;
    try {
      onData(chunk);
    } catch (failure) {
      fail(failure as Error);
    }
  });
  zlib.on('error', fail);
  zlib.on('end', () => {
    if (!failed) onEnd();
  });
  return {
    push: (data) => {
      if (!failed) zlib.write(data);
    },
    end: () => {
      if (!failed) zlib.end();
    },
    abort: () => {
      failed = true;
      zlib.destroy();
    },
    drained: () => (failed || !zlib.writableNeedDrain ? Promise.resolve() : new Promise<void>((resolve) => {
      const go = () => {
        zlib.off('drain', go);
        zlib.off('close', go);
        resolve();
      };
      zlib.on('drain', go);
      zlib.on('close', go);
    })),
  };
};

/**
 * Decodes PNG bytes to 8-bit RGBA: 16-bit samples are rescaled to 8 bits, palettes expanded, tRNS
 * turned into alpha, exactly as pngjs does. Bytes after IEND are ignored. `{ depth: 16 }` gives
 * 16-bit RGBA (Uint16Array): 16-bit files as stored, 8-bit ones times 257 (255 → 65535).
 * Throws `Error('Invalid PNG: …')` for a malformed file, and a RangeError naming
 * `options.limitInputPixels` for one with too many pixels.
 * @example
 * const image = decodePng(await fetch(url).then((r) => r.arrayBuffer()));
 * // { width, height, channels: 4, data: Uint8Array [r, g, b, a, …] }
 */
export function decodePng(bytes: Uint8Array | ArrayBuffer, options: DecodeOptions & { depth: 16 }): Image<Uint16Array>;
export function decodePng(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions): Image<Uint8Array>;
export function decodePng(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions): Image<Uint8Array | Uint16Array> {
  return decode(bytes, options, nodeZlib);
}

/**
 * Encodes an image of 1–4 channels as PNG: gray, gray + alpha, RGB or RGBA (colour types 0, 4, 2,
 * 6), 8 bits per sample for Uint8Array data and 16 for Uint16Array. Convert Float32Array images
 * with `toUint8` or `toUint16` first. Options:
 * `compressionLevel` 0–9 (default 6: fast run-length deflate; 7–9 smaller and slower), `filter`
 * (default "up", one filter for every row).
 * @example
 * const bytes = encodePng({ width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) });
 * const deep = encodePng({ width: 2, height: 1, channels: 1, data: new Uint16Array([0, 65535]) });
 */
export function encodePng(image: Image, options?: EncodeOptions): Uint8Array {
  // Node instantiates the module synchronously: the filters run in WebAssembly (browsers keep the
  // JavaScript ones, so encoding needs no `init()` there).
  return encode(image, options, nodeZlib, filterRowsWasm);
}

export function checkPath(path: unknown, name = 'path'): asserts path is string {
  if (typeof path !== 'string') throw typeError(name, 'a file path string', path);
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
  // A bad option is the caller's mistake, not the file's: thrown before reading, without the path.
  const o = optionsObject(options, 'options', ['limitInputPixels', 'depth']);
  const limit = pixelLimit(o.limitInputPixels);
  checkDepth(o.depth);
  return namingFile(path, () => decodePng(readFileBounded(path, PNG_HEAD, (head) => pngSizeBound(head, limit)), options));
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
 * flushed to disk, then renamed over `path`. `options` as `encodePng`'s. On failure the temp file is removed and an existing
 * file at `path` is left as it was.
 * @example
 * writePng('edges.png', toUint8(convolve2d(gray, kernels.edge), { map: 'abs' }));
 */
export function writePng(path: string, image: Image, options?: EncodeOptions): void {
  checkPath(path);
  const bytes = encodePng(image, options); // before touching the disk, so a bad image changes nothing
  writeAtomically(path, (fd) => writeFileSync(fd, bytes), 'cannot write PNG');
}
