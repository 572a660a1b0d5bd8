/**
 * The opening every entry point shares: check the image, check the kernel, plan the call. Every
 * function that convolves (convolve2d, its row ranges, convolveToUint8, convolve2dAsync, the
 * splitter and the reference) starts here, so all of them check the same things in the same
 * order and name the same arguments in their errors.
 */
import type { Image } from '../types.js';
import { checkImage, checkKernel, type KernelMatrix } from '../validate.js';
import { planConvolution, type ConvolvePlan } from './options.js';

/** A call's checked arguments: the image as given, the kernel as float64 numbers, and the plan. */
export interface Prepared {
  image: Image;
  kernel: KernelMatrix;
  plan: ConvolvePlan;
}

/**
 * Checks `image`, `kernel` and `options` (TypeError / RangeError naming the argument) and plans
 * the convolution; `extraKeys` are option names the caller handles itself.
 * @example
 * const { image: img, kernel: k, plan } = prepare(image, kernels.sobelX, { padding: 'same' });
 */
export function prepare(image: unknown, kernel: unknown, options: unknown, extraKeys: readonly string[] = []): Prepared {
  const img = checkImage(image);
  const k = checkKernel(kernel);
  const plan = planConvolution(options, img.height, img.width, k.height, k.width, extraKeys);
  return { image: img, kernel: k, plan };
}
