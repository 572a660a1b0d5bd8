/**
 * The browser entry of conv2d-wasm (package.json's "browser" condition): the platform-free core,
 * PNG through the one codec on fflate's zlib, `convolve2dAsync` on a pool of Web Workers, and converters
 * for ImageData, canvases, ImageBitmaps and Blobs. Nothing here imports Node APIs; the WASM is
 * embedded in the JavaScript, so there is no file to serve or copy. Call `await init()` once
 * before the synchronous functions.
 * @example
 * import { init, fromBlob, toGrayscale, convolve2d, kernels, toImageData } from 'conv2d-wasm';
 * await init();
 * const gray = toGrayscale(await fromBlob(file));
 * ctx.putImageData(toImageData(convolve2d(gray, kernels.edge, { padding: 'same' })), 0, 0);
 */
export * from '../core/index.js';
export { decodePng, encodePng } from './png.js';
export type { DecodeOptions } from '../core/png/decode.js';
export type { EncodeOptions } from '../core/png/encode.js';
export { convolve2dAsync, terminateWorkers } from './async.js';
export { fromBlob, fromCanvas, fromImageData, fromImageSource, toBlob, toImageData } from './canvas.js';
export type { ImageDataLike } from './canvas.js';
