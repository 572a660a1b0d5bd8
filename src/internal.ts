/**
 * The one internal entry: what the tests and benchmarks must reach below the public API (the plain
 * TypeScript reference, path choice and cost model, argument checkers, memory probes, the pieces
 * of the worker pool and the batch run). Not part of the package's API: `package.json` does not
 * export it, and anything here may change in any release.
 */
export { referenceConvolve2d } from './core/convolve/reference.js';
export { referenceCanny } from './core/edges/reference.js';
export { planConvolution } from './core/convolve/options.js';
export { orientedKernel } from './core/convolve/oriented.js';
export { factorize, factorsFor } from './core/convolve/separable.js';
export { checkImage, checkKernel } from './core/validate.js';
export { checkApart } from './core/convolve/convolve.js';
export { choosePath, pathCosts, wasmMemoryBytes } from './core/wasm/paths.js';
export { linearImages } from './core/wasm/linear.js';
export { splitRows } from './core/workers/split.js';
export { SharedScratch } from './core/workers/shared-scratch.js';
export { checkPng, crc32, inflatedLength } from './core/png/check.js';
export * as pngFflate from './core/png/fflate.js';
export * as browserPng from './browser/png.js';
export { PngRowReader, PngRowWriter } from './core/png/stream.js';
export { filterRowsWasm } from './core/wasm/png-rows.js';
export { filterRows } from './core/png/encode.js';
export { unfilterRowsWasm } from './core/wasm/png-rows.js';
export { unfilterRows } from './core/png/rows.js';
export { encodeSettings } from './core/png/encode.js';
export { convolveFileWith, tuneStreaming } from './node/file.js';
export * as nodePng from './node/png.js';
export { poolWorkers } from './node/async.js';
export { removeTempFiles } from './node/batch/index.js';
export { barText, duration, progressText, summaryText } from './cli/progress.js';
