/**
 * `gradient`'s magnitude and direction, computed in WebAssembly (assembly/gradient.ts) on each band
 * of dx and dy while the bank (bank.ts) still holds it in linear memory, then copied out.
 */
import type { BankHook } from './bank.js';
import { writeBand } from './instance.js';

/** π/180 as float32, cv2.phase's factor from degrees to radians. */
const RADIANS = Math.fround(Math.PI / 180);

/**
 * A bank hook writing √(dx² + dy²) (`l2`) or |dx| + |dy| into `magnitude`, and cv2.phase's angle
 * into `direction` when given. `rowValues` is outW · channels.
 */
export function gradientHook(magnitude: Float32Array, direction: Float32Array | undefined, l2: boolean,
  degrees: boolean, rowValues: number): BankHook {
  return {
    bytesPerValue: direction ? 8 : 4,
    run(k, first, count, [gx, gy], scratch) {
      const n = count * rowValues;
      const dirPtr = direction ? scratch + n * 4 : 0;
      k.gradientMaps(gx, gy, n, l2, scratch, dirPtr, degrees ? 1 : RADIANS);
      writeBand(k, { data: magnitude, channels: 1 }, scratch, n, first * rowValues);
      if (direction) writeBand(k, { data: direction, channels: 1 }, dirPtr, n, first * rowValues);
    },
  };
}
