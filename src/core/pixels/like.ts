/**
 * New pixel arrays, or views, of an input's sample type, as plain typed arrays: a Node Buffer (a
 * Uint8Array subclass, often a view of Node's shared pool) gives a Uint8Array. Not
 * `new data.constructor(…)`: on a Buffer that is the deprecated `Buffer()` constructor (DEP0005).
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

/**
 * A view of `length` elements of `data`'s pixel type on `buffer` from `byteOffset`.
 * @example
 * viewLike(new Uint16Array(2), new SharedArrayBuffer(8), 0, 4); // Uint16Array [0, 0, 0, 0] on shared memory
 */
export function viewLike(data: PixelData, buffer: ArrayBufferLike, byteOffset: number, length: number): PixelData {
  if (data instanceof Float32Array) return new Float32Array(buffer, byteOffset, length);
  if (data instanceof Uint16Array) return new Uint16Array(buffer, byteOffset, length);
  if (data instanceof Uint8ClampedArray) return new Uint8ClampedArray(buffer, byteOffset, length);
  return new Uint8Array(buffer, byteOffset, length);
}
