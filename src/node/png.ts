/**
 * PNG in and out for Node: the one codec (src/core/png/) on `node:zlib`, and files.
 *
 * Node's zlib is native: `inflateStream` drives it synchronously in bounded pieces, which the
 * decoder unfilters and expands as they come, and stops one byte past what the header allows, so
 * a zlib bomb costs no more than an honest file and a large image no more than its output.
 * Writes go to a temp file in the target's directory and are renamed into place, so a reader never
 * sees a half-written PNG.
 */
import { constants as bufferConstants } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { constants as zlibConstants, createDeflate, deflateSync } from 'node:zlib';
import { fflateRowInflater, type IdatDeflaterFactory, type RowInflater, type RowInflaterFactory } from '../core/png/stream.js';
import { crc32 } from '../core/png/check.js';
import { checkPixels } from '../core/limits.js';
import { rangeError, typeError } from '../core/errors.js';
import { pixelLimit } from '../core/limits.js';
import { decodePng as decode, type DecodeOptions, type PngRowsPlatform } from '../core/png/decode.js';
import { encodePng as encode, type EncodeOptions } from '../core/png/encode.js';
import { fflateZlib } from '../core/png/fflate.js';
import { INFLATE_PIECE, type PngZlib } from '../core/png/zlib.js';
import { filterRowsWasm, rgbaRowsWasm, unfilterRowsWasm } from '../core/wasm/png-rows.js';
import type { Image } from '../core/types.js';
import { addressIn } from '../core/wasm/instance.js';
import { hasPngSignature } from '../core/vocabulary.js';
import { checkDepth } from '../core/pixels/depth.js';
import { optionsObject } from '../core/validate.js';
import { namingFile, readFileBounded, writeAtomically } from './files.js';

export type { DecodeOptions, EncodeOptions };

/** The native zlib engine under a `zlib.Inflate`, as Node's own synchronous functions drive it. */
interface NativeEngine {
  /** Inflates `in[inOff, inOff + inLen)` into `out[outOff, outOff + outLen)`; the room left is then in the state. */
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  /** Called, synchronously from `writeSync`, with zlib's message when the stream is bad. */
  onerror: (message: string, errno: number) => void;
  close(): void;
}

/**
 * A native zlib engine driven synchronously, or undefined if this Node's `zlib.Inflate` /
 * `zlib.Deflate` does not have the shape relied on. Why the underscore fields: Node has no public
 * API that inflates or deflates synchronously in pieces. `inflateSync` makes the whole output at
 * once (256 MiB to 2 GiB for a large flat image), and `_processChunk` without a callback, which
 * looks like one, closes the engine after a single call in every Node release. `_handle.writeSync`
 * and `_writeState` are what Node's `processChunkSync` itself drives (unchanged since Node 10), so
 * this is that loop with the output going to the caller a piece at a time instead of into one buffer.
 */
function nativeEngine(stream: zlib.Inflate | zlib.Deflate): { engine: NativeEngine; state: Uint32Array } | undefined {
  const inner = stream as unknown as { _handle?: Partial<NativeEngine>; _writeState?: unknown };
  const engine = inner._handle;
  const state = inner._writeState;
  if (typeof engine?.writeSync !== 'function' || typeof engine.close !== 'function' || !(state instanceof Uint32Array) || state.length < 2) {
    stream.close();
    return undefined;
  }
  return { engine: engine as NativeEngine, state };
}

/** One native stream driven synchronously: `feed` gives it input, `close` frees zlib's memory. */
interface SyncStream {
  /**
   * Gives `part` to zlib with `flush` and hands each piece of output on as it is made, through one
   * reused buffer (`onData` copies what it keeps), at most `room()` bytes a piece. Returns the
   * input bytes zlib took: all of them, unless its stream ended. Throws what `onData` throws, or
   * zlib's failure.
   */
  feed(part: Uint8Array, flush: number, room: () => number, onData: (piece: Uint8Array) => void): number;
  close(): void;
}

/** Drives `native` synchronously with `pieceBytes` of output a piece; `failed` words zlib's message as the error to throw. */
function syncStream(native: { engine: NativeEngine; state: Uint32Array }, pieceBytes: number, failed: (message: string) => Error): SyncStream {
  const { engine, state } = native;
  let failure: string | undefined;
  // Replaces Node's handler, which would destroy the stream and emit 'error' on a later tick.
  engine.onerror = (message) => {
    failure = message;
  };
  const out = Buffer.allocUnsafe(pieceBytes);
  let closed = false;
  return {
    feed(part, flush, room, onData) {
      let inOff = 0;
      let inLen = part.length;
      for (;;) {
        const space = Math.min(out.length, room());
        engine.writeSync(flush, part, inOff, inLen, out, 0, space);
        if (failure !== undefined) throw failed(failure);
        const [outLeft, inLeft] = state;
        inOff += inLen - inLeft;
        inLen = inLeft;
        if (space > outLeft) onData(out.subarray(0, space - outLeft));
        // Room left means zlib has taken all the input it will: all of it, or up to the stream's end.
        if (outLeft > 0) return inOff;
      }
    },
    close: () => {
      if (!closed) engine.close();
      closed = true;
    },
  };
}

/**
 * An inflater of one zlib stream of `expected` bytes on Node's native zlib, run synchronously:
 * each piece handed on is at most `INFLATE_PIECE` bytes, and never more than one byte past
 * `expected` in all (that byte tells "too much data" apart from "exactly enough"), so a zlib bomb
 * stops there. Its verdicts and their order are those of `inflateSync` with `maxOutputLength:
 * expected + 1`: zlib's own errors (header, damaged or cut data, Adler-32), then too much or too
 * little output, then bytes after the end of the stream. zlib's memory is freed when `end` returns
 * or anything throws. Undefined if the native engine is not there as expected.
 */
function nativeInflater(expected: number, onData: (piece: Uint8Array) => void): RowInflater | undefined {
  const native = nativeEngine(new zlib.Inflate());
  if (!native) return undefined;
  const stream = syncStream(native, Math.min(INFLATE_PIECE, expected + 1), (message) => new Error(`Invalid PNG: bad zlib data in IDAT (${message})`));
  let total = 0;
  let read = 0;
  let given = 0;
  const room = () => expected + 1 - total;
  const take = (piece: Uint8Array) => {
    total += piece.length;
    if (total > expected) throw new Error(`Invalid PNG: IDAT data inflates to more than ${expected} bytes`);
    onData(piece);
  };
  const step = (part: Uint8Array, flush: number) => {
    given += part.length;
    try {
      read += stream.feed(part, flush, room, take);
    } catch (error) {
      stream.close();
      throw error;
    }
  };
  return {
    push: (part) => step(part, zlibConstants.Z_NO_FLUSH),
    end: () => {
      // An empty Z_FINISH: zlib calls a stream that ends early "unexpected end of file" only when told it is finished.
      step(new Uint8Array(0), zlibConstants.Z_FINISH);
      stream.close();
      if (total < expected) throw new Error(`Invalid PNG: IDAT data inflates to ${total} bytes, expected ${expected}`);
      // zlib stops at the end of its stream and ignores what follows; that is an error here, as in
      // the fflate zlib, so both platforms agree.
      if (read < given) throw new Error(`Invalid PNG: ${given - read} bytes after the end of the zlib stream in IDAT`);
    },
    abort: () => stream.close(),
  };
}

/**
 * `PngZlib.inflateStream` on Node's native zlib (`nativeInflater`). Falls back to fflate's
 * inflater (supported API) if the native engine is not there as expected.
 *
 * There is no one-shot path for small images: measured against `inflateSync` into one buffer
 * (2026-12-05, RGB photo crops, median of 5), this costs about 5 µs more a stream below 3 KB of
 * pixel data (12 against 7 µs at 16 × 16), the same from 12 KB (64 × 64) to 200 KB, and is faster
 * beyond (2.3 against 3.3 ms at 512 × 512: one 64 KiB buffer reused instead of fresh pages).
 */
function inflateStream(idat: readonly Uint8Array[], expected: number, onData: (piece: Uint8Array) => void): void {
  const inflater = nativeInflater(expected, onData);
  if (!inflater) {
    fflateZlib.inflateStream(idat, expected, onData);
    return;
  }
  for (const part of idat) inflater.push(part);
  inflater.end();
}

/**
 * The row reader's inflater (src/core/png/stream.ts) on Node's native zlib, on the calling thread
 * (`nativeInflater`); fflate's if the native engine is not there.
 */
export const nodeSyncRowInflater: RowInflaterFactory = (expected, onData, onEnd) => {
  const inflater = nativeInflater(expected, onData);
  if (!inflater) return fflateRowInflater(expected, onData, onEnd);
  return {
    ...inflater,
    end: () => {
      inflater.end();
      onEnd();
    },
  };
};

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
  inflateStream,
  crc32: nativeCrc32 ?? crc32,
  deflate: (data, level) => {
    const out = deflateSync(data, deflateOptions(level));
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  },
};

/**
 * zlib's settings for a level. memLevel 9 (zlib's default is 8) doubles the symbol buffer, so
 * blocks are flushed half as often: 9–10% less CPU on a 1.3 MP gray photo with run-length deflate,
 * for 0.3% more bytes (measured beside 8, 1, windowBits 9).
 */
function deflateOptions(level: number): { level: number; strategy: number; memLevel: number } {
  return { level, strategy: level >= 1 && level <= 6 ? zlibConstants.Z_RLE : zlibConstants.Z_DEFAULT_STRATEGY, memLevel: 9 };
}

/**
 * The IDAT stream of a streamed PNG (./file.ts) on Node's zlib, on its thread pool: deflating one
 * segment overlaps filtering and convolving the next, and zlib writes the header and the Adler-32
 * itself. Same level and strategy as `nodeZlib.deflate`.
 * @example
 * const writer = new PngRowWriter(width, height, 1, settings, nodeIdatDeflater, write, nodeZlib.crc32);
 */
export const nodeIdatDeflater: IdatDeflaterFactory = (level, onData, onEnd) => {
  // 256 KiB of output a callback: each callback is a hand-off to the thread pool and back, tens of
  // microseconds of this thread (src/node/file.ts's inflater measured the same).
  const zlib = createDeflate({ ...deflateOptions(level), chunkSize: 1 << 18 });
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
 * The IDAT stream of a streamed PNG on Node's zlib on the calling thread (`nodeIdatDeflater`'s
 * settings): for a thread that has a core to itself, where handing each segment to the thread
 * pool and back costs more than it overlaps (./batch/ with a worker per core). Each piece of output
 * (at most 256 KiB) becomes an IDAT chunk. Falls back to `nodeIdatDeflater` if the native engine is
 * not there as expected.
 */
export const nodeSyncIdatDeflater: IdatDeflaterFactory = (level, onData, onEnd) => {
  const native = nativeEngine(new zlib.Deflate(deflateOptions(level)));
  if (!native) return nodeIdatDeflater(level, onData, onEnd);
  const stream = syncStream(native, 1 << 18, (message) => new Error(`cannot deflate (${message})`));
  const all = () => Infinity;
  return {
    push: (data) => {
      stream.feed(data, zlibConstants.Z_NO_FLUSH, all, onData);
    },
    end: () => {
      try {
        stream.feed(new Uint8Array(0), zlibConstants.Z_FINISH, all, onData);
      } catch (failure) {
        onEnd(failure as Error);
        return;
      } finally {
        stream.close();
      }
      onEnd();
    },
    abort: () => stream.close(),
    synchronous: true,
  };
};

/** `decodePng`'s and `readPng`'s options in Node: the decoders' own, and an array to decode into. */
export interface PngDecodeOptions extends DecodeOptions {
  /**
   * The array to decode into (width × height × 4 samples: a Uint8Array, or a Uint16Array with
   * `depth: 16`); the result's `data` is this array. Reusing one array for images of one size
   * saves a new array's first touch, page by page, on every call. Not a view of the module's
   * memory (`allocImage`). After an error it may hold part of an image.
   */
  out?: Uint8Array | Uint16Array;
}

const DECODE_KEYS = ['limitInputPixels', 'depth', 'out'];

/**
 * Checks Node's decoding options; returns the core's and the platform's row work, with the
 * caller's `out` as the output once the header gives its length.
 */
function decodeSetup(options: unknown): { core: DecodeOptions; platform: PngRowsPlatform } {
  const o = optionsObject(options, 'options', DECODE_KEYS) as PngDecodeOptions;
  // Before `out`, whose type depends on it: a bad depth is named as such.
  const depth = checkDepth(o.depth);
  const platform: PngRowsPlatform = { unfilter: unfilterRowsWasm, rgbaRows: rgbaRowsWasm };
  const { out } = o;
  if (out !== undefined) {
    const wide = depth === 16;
    const Type = wide ? Uint16Array : Uint8Array;
    if (!(out instanceof Type)) throw typeError('options.out', `a ${Type.name}${wide ? ' (depth 16)' : ''}`, out);
    // The row work may grow linear memory, which would detach a view of it in mid-decode.
    if (addressIn(out) >= 0) throw rangeError('options.out', 'an array of its own, not a view of WebAssembly memory (allocImage)', out);
    platform.output = (length) => {
      if (out.length !== length) throw rangeError('options.out', `${length} samples (width × height × 4)`, out);
      return out;
    };
  }
  return { core: { limitInputPixels: o.limitInputPixels, depth: o.depth }, platform };
}

/**
 * Decodes PNG bytes to 8-bit RGBA: 16-bit samples are rescaled to 8 bits, palettes expanded, tRNS
 * turned into alpha, exactly as pngjs does. Bytes after IEND are ignored. `{ depth: 16 }` gives
 * 16-bit RGBA (Uint16Array): 16-bit files as stored, 8-bit ones times 257 (255 → 65535).
 * `{ out }` decodes into an array of yours (see `PngDecodeOptions`).
 * Throws `Error('Invalid PNG: …')` for a malformed file, and a RangeError naming
 * `options.limitInputPixels` for one with too many pixels, or `options.out` for an array of
 * another size.
 * @example
 * const image = decodePng(await fetch(url).then((r) => r.arrayBuffer()));
 * // { width, height, channels: 4, data: Uint8Array [r, g, b, a, …] }
 * const frame = decodePng(bytes, { out: image.data }); // the next image of that size, into the same array
 */
export function decodePng(bytes: Uint8Array | ArrayBuffer, options: PngDecodeOptions & { depth: 16; out?: Uint16Array }): Image<Uint16Array>;
export function decodePng(bytes: Uint8Array | ArrayBuffer, options?: PngDecodeOptions & { depth?: 8; out?: Uint8Array }): Image<Uint8Array>;
export function decodePng(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions): Image<Uint8Array | Uint16Array>;
export function decodePng(bytes: Uint8Array | ArrayBuffer, options?: PngDecodeOptions): Image<Uint8Array | Uint16Array> {
  // Node instantiates the module synchronously: rows are unfiltered and expanded in WebAssembly (as
  // they are filtered for encoding).
  const { core, platform } = decodeSetup(options);
  return decode(bytes, core, nodeZlib, platform);
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
 * Reads and decodes a PNG file (synchronously; awaiting the result also works), with
 * `decodePng`'s options (`out` too). Errors from a corrupt file name it: `photo.png: Invalid PNG:
 * bad CRC in IDAT chunk`.
 * @example
 * const { width, height, data } = readPng('photo.png');
 */
export function readPng(path: string, options: PngDecodeOptions & { depth: 16; out?: Uint16Array }): Image<Uint16Array>;
export function readPng(path: string, options?: PngDecodeOptions & { depth?: 8; out?: Uint8Array }): Image<Uint8Array>;
export function readPng(path: string, options?: DecodeOptions): Image<Uint8Array | Uint16Array>;
export function readPng(path: string, options?: PngDecodeOptions): Image<Uint8Array | Uint16Array> {
  checkPath(path);
  // A bad option is the caller's mistake, not the file's: thrown before reading, without the path.
  const { core, platform } = decodeSetup(options);
  const limit = pixelLimit(core.limitInputPixels);
  return namingFile(path, () => decode(readFileBounded(path, PNG_HEAD, (head) => pngSizeBound(head, limit)), core, nodeZlib, platform));
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
