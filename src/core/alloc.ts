/**
 * `allocImage`: images whose pixels live in the library's WebAssembly memory. The arguments are
 * checked here; the memory itself is wasm/linear.ts's.
 */
import { MAX_SIDE, channelCount, integer, oneOf } from './validate.js';
import { linearImage, type LinearData, type LinearImage, type LinearType } from './wasm/linear.js';

const TYPES = { float32: Float32Array, uint8: Uint8Array, uint16: Uint16Array };

/**
 * An image whose pixels live in the library's WebAssembly memory, zero-filled. Every function
 * takes it, and takes its `data` as an `out` array, with no copy into or out of linear memory:
 * for chains of calls on the same images, where those copies are most of a small kernel's time
 * (README, Speed). Rules: read `img.data` again after any call before you touch the pixels (a
 * call may grow memory, which detaches older views: an old view reads as length 0; passed back to
 * the library it is viewed again); `free()` it when done (it is not garbage-collected); never
 * free it while an async call that reads it is pending.
 * @throws {TypeError} an argument of the wrong kind, naming it.
 * @throws {RangeError} a bad size or type, or more memory than a wasm32 module can address.
 * @example
 * const img = allocImage(1024, 1024);           // float32, one channel
 * img.data.set(pixels);
 * const out = allocImage(1024, 1024);
 * convolve2d(img, kernels.sobelX, { padding: 'same', out: out.data });
 * const edges = out.data;                        // read after the call
 * img.free(); out.free();
 */
export function allocImage<T extends LinearType = 'float32'>(width: number, height: number, channels: 1 | 2 | 3 | 4 = 1,
  type: T = 'float32' as T): LinearImage<LinearData[T]> {
  integer(width, 'width', 1, MAX_SIDE);
  integer(height, 'height', 1, MAX_SIDE);
  const Type = TYPES[oneOf(type, 'type', Object.keys(TYPES) as LinearType[])];
  type Make = new (buffer: ArrayBuffer, offset: number, length: number) => LinearData[T];
  return linearImage(width, height, channelCount(channels, 'channels'), Type as unknown as Make);
}
