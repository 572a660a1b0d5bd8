/**
 * The Node entry of conv2d-wasm: the platform-free core, plus PNG files and worker threads.
 * @example
 * import { readPng, toGrayscale, convolve2d, kernels, toUint8, writePng } from 'conv2d-wasm';
 * const gray = toGrayscale(readPng('photo.png'));
 * writePng('edges.png', toUint8(convolve2d(gray, kernels.edge, { padding: 'same' })));
 */
export * from '../core/index.js';
export { decodePng, encodePng, readPng, writePng } from './png.js';
export type { DecodeOptions, EncodeOptions } from './png.js';
export { convolve2dAsync } from './async.js';
export { convolveFile, type FileOptions, type FileResult } from './file.js';
export { convolveFiles, type BatchEdges, type BatchItem, type BatchOptions, type BatchProgress, type BatchReport, type BatchResult, type BatchStatus, type BatchTotals } from './batch/index.js';
