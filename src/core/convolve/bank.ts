/**
 * `convolveBank`: several kernels over one image and one set of options, in one pass over the
 * image (../wasm/bank.ts stages each band once for all of them).
 */
import { checkApart, checkOut } from './convolve.js';
import { rangeError, typeError } from '../errors.js';
import { planConvolution } from './options.js';
import { factorsFor } from './separable.js';
import type { ConvolveOptions, Image, Kernel } from '../types.js';
import { checkImage, checkKernel } from '../validate.js';
import { fresh } from '../wasm/instance.js';
import { choosePath } from '../wasm/paths.js';
import { convolveBankWasm, type BankEntry, type BankHook } from '../wasm/bank.js';

/** Options of `convolveBank`: those of `convolve2d`, with one output array per kernel for `out`. */
export interface BankOptions extends Omit<ConvolveOptions, 'out'> {
  /** One Float32Array per kernel to write its result into (each as convolve2d's `out`). */
  out?: readonly Float32Array[];
}

/**
 * Checks a bank and plans each kernel as convolve2d would (its own size, padding and path).
 * `extraKeys` are options the caller handles. `given` (for callers that check their own outputs)
 * replaces `options.out`: one checked array or undefined (a new array) per kernel.
 */
export function planBank(image: Image, kernels: readonly Kernel[], options: unknown, name = 'kernels',
  extraKeys: readonly string[] = [], given?: readonly (Float32Array | undefined)[]): { img: Image; entries: BankEntry[] } {
  const img = checkImage(image);
  if (!Array.isArray(kernels)) throw typeError(name, 'an array of kernels', kernels);
  if (kernels.length === 0) throw rangeError(name, 'at least one kernel', kernels);
  const outs: unknown = (options as { out?: unknown } | undefined)?.out;
  if (outs !== undefined && !Array.isArray(outs)) throw typeError('options.out', 'an array of Float32Array, one per kernel', outs);
  if (Array.isArray(outs) && outs.length !== kernels.length) {
    throw rangeError('options.out', `an array of ${kernels.length} Float32Array (one per kernel)`, outs);
  }
  const entries = kernels.map((kernel, i): BankEntry => {
    const k = checkKernel(kernel, `${name}[${i}]`);
    const plan = planConvolution(options, img.height, img.width, k.height, k.width, extraKeys);
    const length = plan.outH * plan.outW * img.channels;
    const data = given ? given[i] ?? new Float32Array(length)
      : Array.isArray(outs) ? checkOut(outs[i], length, img, `options.out[${i}]`) : new Float32Array(length);
    const factors = factorsFor(k, plan);
    return { kernel: k, plan, factors, path: choosePath(img, k, plan, factors), target: { data, channels: img.channels } };
  });
  checkApart(entries.map((e) => e.target.data), entries.map((_, i) => `options.out[${i}]`));
  return { img, entries };
}

/** Runs planned entries and wraps each result as an Image. */
export function runBank(img: Image, entries: BankEntry[], hook?: BankHook): Image<Float32Array>[] {
  convolveBankWasm(img, entries, hook);
  return entries.map((e) => ({ width: e.plan.outW, height: e.plan.outH, channels: img.channels, data: fresh(e.target.data as Float32Array) }));
}

/**
 * `convolve2d(image, kernels[i], options)` for every kernel, in one pass: each band of the padded
 * image is built once and read by every kernel. Result i equals convolve2d's for kernel i bit for
 * bit (each kernel takes the path convolve2d would take, and runs the same loops); kernels may
 * differ in size, and then in padding ("same") and output size.
 *
 * @throws {TypeError} an argument of the wrong kind, naming it (`kernels[1][0]`, `options.out[1]`).
 * @throws {RangeError} a bad value, as convolve2d's.
 * @example
 * const [gx, gy] = convolveBank(gray, [kernels.sobelX, kernels.sobelY], { padding: 'same', border: 'reflect' });
 */
export function convolveBank(image: Image, kernels: readonly Kernel[], options?: BankOptions): Image<Float32Array>[] {
  const { img, entries } = planBank(image, kernels, options);
  return runBank(img, entries);
}
