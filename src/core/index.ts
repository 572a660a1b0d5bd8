/**
 * The platform-free core: everything here runs in Node, browsers and workers alike.
 * Read in this order: types.ts → validate.ts → options.ts → convolve.ts → wasm.ts.
 */
export type {
  BorderMode, ConvolveAsyncOptions, ConvolveOptions, GrayscaleOptions, GrayWeights, Image, Kernel, KernelData,
  KernelRows, Padding, PaddingSides, PixelData, Uint8Map, Uint8Options,
} from './types.js';
export { convolve2d } from './convolve.js';
export { toGrayscale } from './grayscale.js';
export { toUint8 } from './uint8.js';
export { convolveToUint8 } from './pipeline.js';
export type { PipelineOptions } from './pipeline.js';
export { kernels } from './kernels.js';
export type { FixedKernelName } from './kernels.js';
export { init } from './wasm.js';
