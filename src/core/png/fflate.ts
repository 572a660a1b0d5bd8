/**
 * zlib for the PNG codec on fflate, for browsers and workers, where `node:zlib` does not exist and
 * pngjs (140 KB gzip with its Node shims) does not belong. `fflateZlib` is what src/browser/png.ts
 * hands the codec.
 *
 * Node's zlib is the yardstick, so this rejects what it rejects: the zlib header is checked here,
 * and the Adler-32 right after the deflate data too (fflate does not check it; Node's zlib does).
 */
import { Inflate, inflateSync, zlibSync } from 'fflate';
import { crc32 } from './check.js';
import type { PngZlib } from './zlib.js';

function invalid(reason: string, cause?: unknown): Error {
  return new Error(`Invalid PNG: ${reason}`, cause === undefined ? undefined : { cause });
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

/**
 * Adler-32 (RFC 1950 section 8.2), the checksum that ends a zlib stream; pass the previous value
 * to continue it over the next piece.
 * @example
 * adler32(new TextEncoder().encode('Wikipedia')); // 0x11e60398
 */
export function adler32(bytes: Uint8Array, previous = 1): number {
  let a = previous & 0xffff;
  let b = previous >>> 16;
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
function inflateIdat(parts: readonly Uint8Array[], expected: number): Uint8Array {
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

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}


/**
 * The PNG codec's zlib on fflate. Typed arrays above 2^31 − 1 bytes cannot be allocated in every
 * engine, hence `maxBytes`.
 * @example
 * decodePng(bytes, undefined, fflateZlib);
 */
export const fflateZlib: PngZlib = {
  maxBytes: 2 ** 31 - 1,
  inflate: inflateIdat,
  crc32,
  deflate: (data, level) => zlibSync(data, { level: level as 0 }),
};
