/**
 * `gradient`'s magnitude and direction, computed in WebAssembly (assembly/gradient.ts) on each band
 * of dx and dy while the bank (bank.ts) still holds it in linear memory, then copied out.
 */
import type { BankHook } from './bank.js';
import type { Image } from '../types.js';
import { writeBand } from './instance.js';

/** π/180 as float32, cv2.phase's factor from degrees to radians. */
const RADIANS = Math.fround(Math.PI / 180);

/**
 * A bank hook writing √(dx² + dy²) (`l2`) or |dx| + |dy| into `magnitude`, and cv2.phase's angle
 * into `direction` when given. `rowValues` is outW · channels. With `pair` (gradient3Pair), dx, dy
 * and the magnitude come from one pass of assembly/gradient.ts `derivPair3` instead of the bank's
 * kernel loops and a magnitude pass.
 */
export function gradientHook(magnitude: Float32Array, direction: Float32Array | undefined, l2: boolean,
  degrees: boolean, rowValues: number, pair?: Pair3): BankHook {
  return {
    bytesPerValue: direction ? 8 : 4,
    fused: pair && ((k, plane, padW, count, outW, [gx, gy], scratch) =>
      k.derivPair3(plane, padW, pair.a, pair.b, count, outW, gx, gy, scratch, l2)),
    run(k, first, count, [gx, gy], scratch) {
      const n = count * rowValues;
      const dirPtr = direction ? scratch + n * 4 : 0;
      k.gradientMaps(gx, gy, n, l2, pair ? 0 : scratch, dirPtr, degrees ? 1 : RADIANS);
      writeBand(k, { data: magnitude, channels: 1 }, scratch, n, first * rowValues);
      if (direction) writeBand(k, { data: direction, channels: 1 }, dirPtr, n, first * rowValues);
    },
  };
}

/** The weights of a 3×3 derivative pair: cv2's Sobel (1, 2) or Scharr (3, 10), as [a b a] across. */
export interface Pair3 { a: number; b: number }

/**
 * Whether `derivPair3` gives the bank's bits: one channel (it writes planar rows) and a plane of
 * integers whose sums stay exact in float32 (assembly/gradient.ts says why): 8- or 16-bit pixels
 * and, for the constant border, an integer cval of at most 16 bits.
 */
export function pairExact(image: Image, border: string, cval: number): boolean {
  return image.channels === 1 && !(image.data instanceof Float32Array) && (border !== 'constant' || (Number.isInteger(cval) && Math.abs(cval) <= 0xffff));
}
