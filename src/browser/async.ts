/**
 * `convolve2dAsync` for browsers: `convolve2d` on a pool of module Web Workers, so the page stays
 * responsive and large jobs use every core, with no SharedArrayBuffer and so no cross-origin
 * isolation headers.
 *
 * A call is checked here first (bad arguments reject with convolve2d's own errors), then run as
 * one task, or, when big enough to pay for the copies, split by output rows with `splitRows` into
 * one piece per thread. Pieces travel as transferred ArrayBuffers and stack bit-identically to the
 * one-piece result. Workers start lazily, are shared by all calls and are replaced when one dies.
 *
 * Where the worker code comes from. The usual
 * `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` works in a plain page
 * and in Vite (which bundles the worker), but not through esbuild with its default settings: its
 * browser output is an IIFE where `import.meta.url` is undefined, so the URL throws, and with
 * `--format=esm` the URL points next to the bundle, where no worker file was copied. So the build
 * bundles worker.ts into one self-contained module (core + WASM, about 24 KB, 10 KB gzip) and
 * embeds its text here; workers start from a Blob URL of it, which loads the same in plain pages,
 * esbuild and Vite bundles and inside other workers, with no file to copy. The cost: a page whose
 * Content-Security-Policy sets worker-src (or script-src) must allow `blob:`.
 */
import { checkOut } from '../core/convolve.js';
import { typeError } from '../core/errors.js';
import { planConvolution } from '../core/options.js';
import { splitRows } from '../core/split.js';
import type { ConvolveAsyncOptions, ConvolveOptions, Image, Kernel } from '../core/types.js';
import { checkImage, checkKernel, integer, isPlainObject } from '../core/validate.js';
import { WORKER_SOURCE } from './worker-source.generated.js';

/** Message to a worker. */
export interface WorkerRequest { id: number; image: Image; kernel: Kernel; options?: ConvolveOptions }
/** Message from a worker: a result or a serialised error. */
export type WorkerResponse =
  | { id: number; image: Image<Float32Array>; error?: undefined }
  | { id: number; error: { name: string; message: string }; image?: undefined };

interface Task {
  request: WorkerRequest;
  transfer: Transferable[];
  resolve(image: Image<Float32Array>): void;
  reject(error: Error): void;
}

interface PoolWorker { worker: Worker; task?: Task }

/**
 * Below this many multiply-adds a call runs as one task: splitting costs a gather and a copy of
 * the image on the page plus a message per piece, about a millisecond's worth of taps.
 */
const SPLIT_MIN_WORK = 1 << 22;

const workers: PoolWorker[] = [];
const queue: Task[] = [];
let nextId = 1;
/** Most workers the pool may hold: the largest `threads` any call asked for. */
let limit = 1;
let sourceUrl: string | undefined;

function workerUrl(): string {
  sourceUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  return sourceUrl;
}

function startWorker(): PoolWorker {
  if (typeof Worker === 'undefined') {
    throw new Error('conv2d-wasm: Web Workers are not available here; use convolve2d instead of convolve2dAsync');
  }
  const entry: PoolWorker = { worker: new Worker(workerUrl(), { type: 'module', name: 'conv2d-wasm' }) };
  const { worker } = entry;
  worker.onmessage = ({ data: msg }: MessageEvent<WorkerResponse>) => {
    const task = entry.task;
    if (!task || task.request.id !== msg.id) return;
    entry.task = undefined;
    if (msg.image) task.resolve(msg.image);
    else {
      const E = msg.error.name === 'TypeError' ? TypeError : msg.error.name === 'RangeError' ? RangeError : Error;
      task.reject(new E(msg.error.message));
    }
    dispatch();
  };
  const lost = (why: string) => {
    const i = workers.indexOf(entry);
    if (i < 0) return;
    workers.splice(i, 1);
    worker.terminate();
    entry.task?.reject(new Error(`conv2d-wasm: a Web Worker ${why} during convolve2dAsync`));
    entry.task = undefined;
    dispatch(); // queued tasks go to the other workers, or to a new one
  };
  worker.onerror = (event) => {
    event.preventDefault();
    lost(`failed (${event.message || 'it could not start; a Content-Security-Policy without worker-src blob: does this'})`);
  };
  worker.onmessageerror = () => lost('sent a message that could not be read');
  workers.push(entry);
  return entry;
}

/** Hands queued tasks to idle workers, starting workers up to `limit`. */
function dispatch(): void {
  while (queue.length > 0) {
    let entry = workers.find((w) => !w.task);
    if (!entry && workers.length < limit) {
      try {
        entry = startWorker();
      } catch (error) {
        for (const task of queue.splice(0)) task.reject(error as Error);
        return;
      }
    }
    if (!entry) break;
    const task = queue.shift()!;
    entry.task = task;
    entry.worker.postMessage(task.request, task.transfer);
  }
}

function run(image: Image, kernel: Kernel, options: ConvolveOptions, transfer: Transferable[]): Promise<Image<Float32Array>> {
  return new Promise((resolve, reject) => {
    queue.push({ request: { id: nextId++, image, kernel, options }, transfer, resolve, reject });
    dispatch();
  });
}

function defaultThreads(): number {
  const cores = typeof navigator === 'undefined' ? undefined : navigator.hardwareConcurrency;
  return Number.isInteger(cores) && cores! > 0 ? Math.min(cores!, 1024) : 4;
}

function threadCount(value: unknown): number {
  if (value === undefined) return defaultThreads();
  if (typeof value !== 'number') throw typeError('options.threads', 'a positive integer', value);
  return integer(value, 'options.threads', 1, 1024);
}

/**
 * `convolve2d` off the page's thread: same arguments, same result (bit for bit), as a Promise.
 * `options.threads` (default: `navigator.hardwareConcurrency`; more than that counts as that)
 * caps how many Web Workers share one call; small images always run as one piece. Arguments are checked before anything is sent,
 * so bad ones reject with the same TypeError/RangeError as convolve2d. The caller's arrays are
 * copied, never detached.
 * @example
 * const out = await convolve2dAsync(gray, kernels.gaussian(2), { padding: 'same', threads: 4 });
 */
export async function convolve2dAsync(image: Image, kernel: Kernel, options?: ConvolveAsyncOptions): Promise<Image<Float32Array>> {
  if (options !== undefined && !isPlainObject(options)) throw typeError('options', 'an object', options);
  const { threads: rawThreads, out: rawOut, ...rest } = (options ?? {}) as ConvolveAsyncOptions;
  const threads = threadCount(rawThreads);
  const img = checkImage(image);
  const k = checkKernel(kernel);
  const plan = planConvolution(rest, img.height, img.width, k.height, k.width);
  const length = plan.outH * plan.outW * img.channels;
  const out = rawOut === undefined ? undefined : checkOut(rawOut, length, img);
  // More workers than cores only add start-up cost and halo copies: the pool stops at the cores.
  const usable = Math.min(threads, defaultThreads());
  limit = Math.max(limit, usable);
  // A plain copy of the kernel: the caller's may be frozen or an exotic array-like.
  const plainKernel = { width: k.width, height: k.height, data: k.data };
  if (usable === 1 || length * k.data.length < SPLIT_MIN_WORK || plan.outH < 2) {
    // postMessage copies a view's whole ArrayBuffer: a view into a larger buffer goes as its own copy.
    const { data } = img;
    const own = data.byteLength === data.buffer.byteLength ? data : data.slice();
    const transfer = own === data ? [] : [own.buffer as ArrayBuffer];
    const result = await run({ width: img.width, height: img.height, channels: img.channels, data: own }, plainKernel, rest, transfer);
    if (out === undefined) return result;
    out.set(result.data);
    return { ...result, data: out };
  }
  const { pieces } = splitRows(img, plainKernel, rest, usable);
  const data = out ?? new Float32Array(length);
  await Promise.all(pieces.map(async (piece) => {
    // The gathered rows are ours, so they move to the worker instead of being copied.
    const part = await run(piece.image, plainKernel, piece.options, [piece.image.data.buffer as ArrayBuffer]);
    data.set(part.data, piece.row * plan.outW * img.channels);
  }));
  return { width: plan.outW, height: plan.outH, channels: img.channels, data };
}

/**
 * Stops every Web Worker of the pool, for a page that is done with convolutions. Calls still
 * running reject; a later call starts new workers.
 * @example
 * window.addEventListener('pagehide', terminateWorkers);
 */
export function terminateWorkers(): void {
  for (const entry of workers.splice(0)) {
    entry.worker.terminate();
    entry.task?.reject(new Error('conv2d-wasm: terminateWorkers() stopped the Web Worker during convolve2dAsync'));
  }
  for (const task of queue.splice(0)) task.reject(new Error('conv2d-wasm: terminateWorkers() was called before this convolve2dAsync ran'));
}

/** How many Web Workers the pool holds now (for tests). Not part of the public API. */
export function poolSize(): number {
  return workers.length;
}
