/**
 * New pixel arrays of an input's sample type, as plain typed arrays: a Node Buffer (a Uint8Array
 * subclass, often a view of Node's shared pool) gives a Uint8Array with memory of its own.
 */
import type { PixelData } from '../types.js';

/**
 * A new zeroed array of `data`'s pixel type.
 * @example
 * emptyLike(Buffer.from([1, 2]), 4); // Uint8Array [0, 0, 0, 0]
 */
export function emptyLike(data: PixelData, length: number): PixelData {
  if (data instanceof Float32Array) return new Float32Array(length);
  if (data instanceof Uint16Array) return new Uint16Array(length);
  if (data instanceof Uint8ClampedArray) return new Uint8ClampedArray(length);
  return new Uint8Array(length);
}
