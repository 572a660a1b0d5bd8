/**
 * The Web Worker source inside dist/browser/conv2d-wasm.js, the self-contained file:
 * scripts/build-browser.mjs bundles it there in place of worker-source.generated.ts, and builds
 * that file as one function,
 *
 *     const conv2dWasmLibrary = (conv2dWasmInWorker) => { ...the whole browser API...; return {...} };
 *     export const { init, convolve2d, ... } = conv2dWasmLibrary(false);
 *
 * so that a worker runs the very same code, from the function's own text (which
 * Function.prototype.toString gives back as written): the core and the WASM ship once, not twice.
 * No URL is involved, so it works wherever the file is served from (a CDN, an inline script).
 * Called with true, in a worker, the function answers the pool's tasks. Only that build includes
 * this module; the two names are declared by its wrapper.
 */
import { serveTasks } from './serve.js';

declare const conv2dWasmLibrary: (inWorker: boolean) => unknown;
declare const conv2dWasmInWorker: boolean;

if (conv2dWasmInWorker) serveTasks();

/** The worker module's text: the library function, called in worker mode. */
export function workerSource(): string {
  return `(${String(conv2dWasmLibrary)})(true);\n`;
}
