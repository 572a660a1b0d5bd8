/**
 * zlib for the PNG codec on fflate, for browsers and workers, where `node:zlib` does not exist and
 * pngjs (140 KB gzip with its Node shims) does not belong. `fflateZlib` is what src/browser/png.ts
 * hands the codec; `fflateInflater` streams the IDAT data for it and for the row reader.
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

/**
 * Input bytes handed to fflate at a time. fflate inflates all it is given in one go, so this
 * bounds each output piece: at most about 1032 times it (deflate's largest ratio), 8 MiB, for a
 * zlib bomb or a flat image, some tens of KiB for a photo; and a bomb stops after one piece.
 */
const PUSH_BYTES = 1 << 13;

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
 * A zlib stream (RFC 1950) inflated by fflate as it arrives: returns the function that takes its
 * pieces, the last with `final`. The header is checked, the output counted against `expected` (it
 * stops at the first piece past it) and handed to `onData`, the Adler-32 kept up, and at the end
 * the four bytes after the deflate data compared with it. Node's zlib is the yardstick, so this
 * refuses what it refuses: a bad header, deflate data cut short, a wrong or missing Adler-32, the
 * wrong amount of data; and bytes after the Adler-32, as the Node decoder does too (pngjs alone
 * accepts them for some images). The whole-image decoder and the row reader (./stream.ts) both use
 * it. `whole`, if given, returns the whole stream: only needed to find the end of the deflate data
 * the slow way (`deflateLength`) should fflate's private fields change shape. A closure rather
 * than a class, so that its state minifies in the browser bundle.
 * @example
 * const push = fflateInflater(expected, (piece) => rows(piece));
 * push(part, false);
 * push(new Uint8Array(0), true); // throws if anything is wrong
 */
export function fflateInflater(expected: number, onData: (piece: Uint8Array) => void, whole?: () => Uint8Array): (data: Uint8Array, final: boolean) => void {
  let head: Uint8Array = new Uint8Array(0);
  let total = 0;
  let adler = 1;
  let failure: unknown;
  const bad = (reason: string, cause?: unknown) => invalid(`bad zlib data in IDAT (${reason})`, cause);
  const inflater = new Inflate((chunk) => {
    if (failure) return;
    total += chunk.length;
    if (total > expected) throw (failure = invalid(`IDAT data inflates to more than ${expected} bytes`));
    adler = adler32(chunk, adler);
    try {
      onData(chunk);
    } catch (error) {
      throw (failure = error);
    }
  });
  const finish = () => {
    // fflate keeps the input it has not consumed (`p`) and the bits of its first byte already used
    // (`s.p`): what follows the deflate data starts there.
    const state = inflater as unknown as { p?: unknown; s?: { p?: unknown } };
    const rest = state.p;
    const bits = state.s?.p;
    let tail: Uint8Array;
    if (rest instanceof Uint8Array && typeof bits === 'number' && bits >= 0 && bits < 8) tail = rest.subarray(bits > 0 ? 1 : 0);
    else if (whole) {
      const stream = whole();
      tail = stream.subarray(2 + deflateLength(stream.subarray(2)));
    } else throw bad('cannot find the end of the deflate data');
    if (tail.length < 4) throw bad('unexpected end of file');
    if (readUint32(tail, 0) !== adler) throw bad('incorrect data check');
    if (total !== expected) throw invalid(`IDAT data inflates to ${total} bytes, expected ${expected}`);
    if (tail.length > 4) throw invalid(`${tail.length - 4} bytes after the end of the zlib stream in IDAT`);
  };
  return (data, final) => {
    if (head.length < 2) {
      const take = Math.min(2 - head.length, data.length);
      head = concat([head, data.subarray(0, take)]);
      data = data.subarray(take);
      if (head.length === 2) {
        const [cmf, flg] = head;
        if ((cmf & 15) !== 8 || ((cmf << 8) | flg) % 31 !== 0) throw bad('incorrect header check');
        if (cmf >> 4 > 7) throw bad('invalid window size');
        if (flg & 32) throw bad('a preset dictionary is not allowed');
      } else if (!final) return;
      else throw bad('unexpected end of file');
    }
    try {
      inflater.push(data, final);
    } catch (cause) {
      if (failure && cause === failure) throw cause;
      throw bad((cause as Error).message, cause);
    }
    if (final) finish();
  };
}

/** `PngZlib.inflateStream` on fflate: the IDAT parts pushed `PUSH_BYTES` at a time. */
function inflateStream(parts: readonly Uint8Array[], expected: number, onData: (piece: Uint8Array) => void): void {
  const push = fflateInflater(expected, onData, () => concat(parts));
  for (const part of parts) {
    for (let at = 0; at < part.length; at += PUSH_BYTES) push(part.subarray(at, at + PUSH_BYTES), false);
  }
  push(new Uint8Array(0), true);
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
  inflateStream,
  crc32,
  deflate: (data, level) => zlibSync(data, { level: level as 0 }),
};
