/**
 * The Node entry of conv2d-wasm: the platform-free core, plus PNG and JPEG files and worker threads.
 * @example
 * import { readPng, toGrayscale, convolve2d, kernels, toUint8, writePng } from 'conv2d-wasm';
 * const gray = toGrayscale(readPng('photo.png'));
 * writePng('edges.png', toUint8(convolve2d(gray, kernels.edge, { padding: 'same' })));
 */
export * from '../core/index.js';
export { decodePng, encodePng, readPng, writePng } from './png.js';
export { decodeJpeg, encodeJpeg, type JpegDecodeOptions, type JpegEncodeOptions } from './jpeg.js';
export { decodeImage, encodeImage, readImage, writeImage, IMAGE_FORMATS, type ImageDecodeOptions, type ImageEncodeOptions, type ImageFormat } from './image.js';
export type { DecodeOptions, EncodeOptions, PngDecodeOptions } from './png.js';
export { convolve2dAsync } from './async.js';
export { convolveFile, type FileOptions, type FileResult } from './file.js';
export { convolveFiles, type BatchEdges, type BatchItem, type BatchOptions, type BatchProgress, type BatchReport, type BatchResult, type BatchStatus, type BatchTotals } from './batch/index.js';
