/**
 * `convolve2dAsync` for browsers: the shared pool of src/core/workers/pool.ts on module Web Workers, so
 * the page stays responsive and large jobs use every core, with no need for SharedArrayBuffer
 * and so for cross-origin isolation headers (where the page has them, the pool shares memory).
 *
 * Where the worker code comes from. The usual
 * `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` works in a plain page
 * and in Vite (which bundles the worker), but not through esbuild with its default settings: its
 * browser output is an IIFE where `import.meta.url` is undefined, so the URL throws, and with
 * `--format=esm` the URL points next to the bundle, where no worker file was copied. So workers
 * start from a Blob URL of the worker's text, which loads the same in plain pages, esbuild and
 * Vite bundles and inside other workers, with no file to copy. `workerSource()` gives that text:
 * in apps bundled from dist/browser/index.js, worker.ts's bundle (the core's convolution code,
 * about 18 KB, 7 KB gzip, embedded by the build; the WASM is the page's copy), and in the
 * self-contained dist/browser/conv2d-wasm.js, that file's own code (worker-source.self.ts), so
 * there the core ships once. The cost: a page whose Content-Security-Policy sets worker-src (or
 * script-src) must allow `blob:`.
 */
import { ConvolvePool } from '../core/workers/pool.js';
import type { Platform, TaskResponse } from '../core/workers/protocol.js';
import type { ConvolveAsyncOptions, Image, Kernel } from '../core/types.js';
import { workerSource } from './worker-source.generated.js';

let sourceUrl: string | undefined;

function workerUrl(): string {
  sourceUrl ??= URL.createObjectURL(new Blob([workerSource()], { type: 'text/javascript' }));
  return sourceUrl;
}

function cores(): number {
  const n = typeof navigator === 'undefined' ? undefined : navigator.hardwareConcurrency;
  return Number.isInteger(n) && n! > 0 ? Math.min(n!, 1024) : 4;
}

const webWorkers: Platform = {
  noun: 'Web Worker',
  cores,
  start(onMessage, onLost) {
    if (typeof Worker === 'undefined') {
      throw new Error('conv2d-wasm: Web Workers are not available here; use convolve2d instead of convolve2dAsync');
    }
    const worker = new Worker(workerUrl(), { type: 'module', name: 'conv2d-wasm' });
    worker.onmessage = ({ data }: MessageEvent<TaskResponse>) => onMessage(data);
    worker.onerror = (event) => {
      event.preventDefault();
      onLost(`failed (${event.message || 'it could not start; a Content-Security-Policy without worker-src blob: does this'})`);
    };
    worker.onmessageerror = () => onLost('sent a message that could not be read');
    return {
      post: (request, transfer) => worker.postMessage(request, transfer),
      terminate: () => worker.terminate(),
    };
  },
};

const pool = new ConvolvePool(webWorkers);

/**
 * `convolve2d` off the page's thread: same arguments, same result (bit for bit), as a Promise.
 * `options.threads` (default: `navigator.hardwareConcurrency`; more than that counts as that)
 * caps how many Web Workers share one call; small images always run as one piece. Arguments are
 * checked before anything is sent, so bad ones reject with the same TypeError/RangeError as
 * convolve2d. The caller's arrays are copied, never detached; on a cross-origin-isolated page,
 * large calls run in shared memory as in Node (SharedArrayBuffer images and outs in place).
 * @example
 * const out = await convolve2dAsync(gray, kernels.gaussian(2), { padding: 'same', threads: 4 });
 */
export function convolve2dAsync(image: Image, kernel: Kernel, options?: ConvolveAsyncOptions): Promise<Image<Float32Array>> {
  return pool.convolve(image, kernel, options);
}

/**
 * Stops every Web Worker of the pool, for a page that is done with convolutions. Calls still
 * running reject; a later call starts new workers.
 * @example
 * window.addEventListener('pagehide', terminateWorkers);
 */
export function terminateWorkers(): void {
  pool.terminate('terminateWorkers()');
}
