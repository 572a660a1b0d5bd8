/**
 * `convolve2dAsync` for Node: the shared pool of src/core/workers/pool.ts on worker threads. Idle
 * workers are unref'd, so the pool never keeps a process alive.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ConvolvePool } from '../core/workers/pool.js';
import type { Platform, WorkerPort } from '../core/workers/protocol.js';
import type { ConvolveAsyncOptions, Image, Kernel } from '../core/types.js';

interface ThreadPort extends WorkerPort { worker: Worker }

const threads: Platform = {
  noun: 'worker thread',
  cores: () => availableParallelism(),
  start(onMessage, onLost): ThreadPort {
    const worker = new Worker(new URL('./worker.js', import.meta.url));
    worker.on('message', onMessage);
    worker.on('error', (e) => onLost(`failed (${e.message})`));
    worker.on('exit', (code) => onLost(`exited with code ${code}`));
    return {
      worker,
      post: (request, transfer) => worker.postMessage(request, transfer),
      terminate: () => void worker.terminate(),
      busy: (busy) => (busy ? worker.ref() : worker.unref()),
    };
  },
};

const pool = new ConvolvePool(threads);

/** The pool's live workers (for tests that need to kill one mid-task). Not part of the public API. */
export function poolWorkers(): Worker[] {
  return pool.ports().map((port) => (port as ThreadPort).worker);
}

/**
 * `convolve2d` on worker threads: same arguments, same result (bit for bit), as a Promise.
 * `options.threads` (default: the available cores; more than the cores counts as the cores) caps
 * how many threads share one call; small images always run as one piece. Large calls run in
 * shared memory: the image is copied once into a reused SharedArrayBuffer, or read in place if
 * its `data` already lives in one (then don't change it until the promise settles), and an
 * `options.out` in a SharedArrayBuffer is written in place. Arguments are checked before
 * anything is sent, so bad ones reject with the same TypeError/RangeError as convolve2d.
 * @example
 * const out = await convolve2dAsync(gray, kernels.gaussian(2), { padding: 'same', threads: 2 });
 */
export function convolve2dAsync(image: Image, kernel: Kernel, options?: ConvolveAsyncOptions): Promise<Image<Float32Array>> {
  return pool.convolve(image, kernel, options);
}
