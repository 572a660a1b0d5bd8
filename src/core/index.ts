/**
 * The platform-free core: everything here runs in Node, browsers and workers alike.
 * Its wings: convolve/ (what a convolution is, the reference), pixels/ (gray, bytes, the 8-bit
 * pipeline), wasm/ (the only code that touches WebAssembly memory), png/, workers/. Read in this
 * order: types.ts → validate.ts → convolve/prepare.ts → convolve/convolve.ts → wasm/paths.ts.
 * docs/ARCHITECTURE.md has the map.
 */
export type {
  BorderMode, ConvolveAsyncOptions, ConvolveOptions, GrayscaleOptions, GrayWeights, Image, Kernel, KernelData,
  KernelRows, Padding, PaddingSides, PixelData, Uint8Map, Uint8Options,
} from './types.js';
export { convolve2d } from './convolve/convolve.js';
export { toGrayscale } from './pixels/grayscale.js';
export { toUint8, toUint16 } from './pixels/uint8.js';
export { convolveToUint8, convolveToUint16 } from './pixels/pipeline.js';
export type { PipelineOptions } from './pixels/pipeline.js';
export { kernels } from './convolve/kernels.js';
export type { FixedKernelName } from './convolve/kernels.js';
export { init } from './wasm/instance.js';
export { allocImage } from './alloc.js';
export type { LinearImage, LinearType } from './wasm/linear.js';
export { BORDERS, MAPS, METHODS, MODES, PNG_FILTERS } from './vocabulary.js';
export type { Method, PngFilter } from './vocabulary.js';
export { canny } from './edges/canny.js';
export type { CannyOptions } from './edges/canny.js';
export { gradient } from './edges/gradient.js';
export type { Gradient, GradientOptions } from './edges/gradient.js';
export { convolveBank } from './convolve/bank.js';
export type { BankOptions } from './convolve/bank.js';
