/**
 * `convolve2d`, the library's main function: check, plan, run in WebAssembly.
 */
import { rangeError, typeError } from '../errors.js';
import { prepare } from './prepare.js';
import { factorsFor } from './separable.js';
import type { ConvolveOptions, Image, Kernel } from '../types.js';
import { fresh } from '../wasm/instance.js';
import { addressOf } from '../wasm/linear.js';
import { convolveWasm } from '../wasm/paths.js';

/**
 * Convolves (or correlates) every channel of `image` with `kernel`.
 *
 * out[i, j] = Σ K'[m, n] · P[i·sy + m·dy, j·sx + n·dx], where P is the image padded as
 * `numpy.pad(img, ((top, bottom), (left, right)), mode=border)` and K' is the kernel rotated
 * 180° (convolution, the default) or as given (correlation). Sums are float32.
 *
 * @throws {TypeError} an argument of the wrong kind, naming it (`options.stride`, `kernel[2]`).
 * @throws {RangeError} a bad value (NaN, Infinity, negative padding, an empty output...).
 * @example
 * const edges = convolve2d(gray, kernels.sobelX, { padding: 'same', border: 'reflect' });
 */
export function convolve2d(image: Image, kernel: Kernel, options?: ConvolveOptions): Image<Float32Array> {
  const { image: img, kernel: k, plan } = prepare(image, kernel, options);
  const length = plan.outH * plan.outW * img.channels;
  const out: unknown = (options as { out?: unknown } | undefined)?.out;
  const data = out === undefined ? new Float32Array(length) : checkOut(out, length, img);
  const factors = factorsFor(k, plan);
  convolveWasm(img, k, plan, { data, channels: img.channels }, factors);
  return { width: plan.outW, height: plan.outH, channels: img.channels, data: fresh(data) };
}

/**
 * The caller's `options.out`, checked: an array of `type` (Float32Array unless told) and of the
 * output's length, apart from the input.
 */
export function checkOut<T extends Float32Array | Uint8Array = Float32Array>(given: unknown, length: number, image: Image,
  name = 'options.out', type: new (length: number) => T = Float32Array as unknown as new (length: number) => T): T {
  if (!(given instanceof type)) throw typeError(name, `a ${type.name}`, given);
  const out = fresh(given); // an allocImage image's data, detached by growth since it was read: viewed again
  if (out.length !== length) throw rangeError(name, `a ${type.name} of length ${length} (outH × outW × channels)`, out);
  if (overlaps(out, image.data)) throw rangeError(name, 'an array that does not overlap image.data', out);
  addressOf(out, name); // an allocImage image's data: pinned, to be viewed again after growth
  return out;
}

/** Whether two arrays share any byte. */
export function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/**
 * Output arrays named `names`, pairwise apart: results written into one array would overwrite each
 * other. Sorted by address, each array need only be compared with the furthest-reaching one
 * before it (a bank may hold 100,000 arrays: comparing every pair would take minutes).
 */
export function checkApart(arrays: readonly ArrayBufferView[], names: readonly string[]): void {
  const buffers = new Map<ArrayBufferLike, number>();
  // Addresses across buffers: a buffer's number in the high part, the byte offset in the low.
  const at = (i: number, end = 0): number => {
    const { buffer, byteOffset, byteLength } = arrays[i];
    if (!buffers.has(buffer)) buffers.set(buffer, buffers.size);
    return buffers.get(buffer)! * 2 ** 32 + byteOffset + end * byteLength;
  };
  let reach = -1;
  for (const i of arrays.map((_, i) => i).sort((i, j) => at(i) - at(j))) {
    if (reach >= 0 && overlaps(arrays[reach], arrays[i])) {
      throw rangeError(names[i], `an array that does not overlap ${names[reach]}`, arrays[i]);
    }
    if (reach < 0 || at(i, 1) > at(reach, 1)) reach = i;
  }
}
