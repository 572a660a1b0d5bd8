/**
 * `convolve2d`, the library's main function: check, plan, run in WebAssembly.
 */
import { planConvolution } from './options.js';
import type { ConvolveOptions, Image, Kernel } from './types.js';
import { checkImage, checkKernel } from './validate.js';
import { convolveWasm } from './wasm.js';

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
  const img = checkImage(image);
  const k = checkKernel(kernel);
  const plan = planConvolution(options, img.height, img.width, k.height, k.width);
  const data = new Float32Array(plan.outH * plan.outW * img.channels);
  convolveWasm(img, k, plan, data);
  return { width: plan.outW, height: plan.outH, channels: img.channels, data };
}
