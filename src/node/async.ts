/**
 * `convolve2dAsync` for Node: `convolve2d` on worker threads, so the calling thread stays free
 * and large jobs use every core.
 *
 * A call is checked here first (so bad arguments reject with convolve2d's own errors), then run
 * as one task, or, when it is big enough to pay for the copies, split by output rows with
 * `splitRows` into one piece per thread; pieces stack bit-identically to the one-piece result.
 * Workers start lazily, are shared by all calls, are unref'd while idle so they never keep a
 * process alive, and are replaced when one dies (its tasks reject with a clear Error).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkOut } from '../core/convolve.js';
import { typeError } from '../core/errors.js';
import { splitRows } from '../core/split.js';
import type { ConvolveAsyncOptions, ConvolveOptions, Image, Kernel } from '../core/types.js';
import { planConvolution } from '../core/options.js';
import { checkImage, checkKernel, integer, isPlainObject } from '../core/validate.js';

/** Message to a worker. */
export interface AsyncRequest { id: number; image: Image; kernel: Kernel; options?: ConvolveOptions }
/** Message from a worker: a result or a serialised error. */
export type AsyncResponse =
  | { id: number; image: Image<Float32Array>; error?: undefined }
  | { id: number; error: { name: string; message: string }; image?: undefined };

interface Task {
  request: AsyncRequest;
  transfer: ArrayBuffer[];
  resolve(image: Image<Float32Array>): void;
  reject(error: Error): void;
}

interface PoolWorker { worker: Worker; task?: Task }

/**
 * Below this many multiply-adds a call runs as one task: splitting costs a gather and a copy of
 * the image on this thread plus a message per piece, about a millisecond's worth of taps.
 */
const SPLIT_MIN_WORK = 1 << 22;

const workers: PoolWorker[] = [];
const queue: Task[] = [];
let nextId = 1;

function startWorker(): PoolWorker {
  const entry: PoolWorker = { worker: new Worker(new URL('./worker.js', import.meta.url)) };
  const { worker } = entry;
  worker.on('message', (msg: AsyncResponse) => {
    const task = entry.task;
    if (!task || task.request.id !== msg.id) return;
    entry.task = undefined;
    if (msg.image) task.resolve(msg.image);
    else {
      const E = msg.error.name === 'TypeError' ? TypeError : msg.error.name === 'RangeError' ? RangeError : Error;
      task.reject(new E(msg.error.message));
    }
    dispatch();
  });
  const lost = (why: string) => {
    const i = workers.indexOf(entry);
    if (i < 0) return; // already handled ('error' is followed by 'exit')
    workers.splice(i, 1);
    entry.task?.reject(new Error(`conv2d-wasm: a worker thread ${why} during convolve2dAsync`));
    entry.task = undefined;
    dispatch(); // queued tasks go to the other workers, or to a new one
  };
  worker.on('error', (e) => lost(`failed (${e.message})`));
  worker.on('exit', (code) => lost(`exited with code ${code}`));
  workers.push(entry);
  return entry;
}

/** Hands queued tasks to idle workers, starting workers up to `limit`. */
let limit = 1;
function dispatch(): void {
  while (queue.length > 0) {
    let entry = workers.find((w) => !w.task);
    if (!entry && workers.length < limit) entry = startWorker();
    if (!entry) break;
    const task = queue.shift()!;
    entry.task = task;
    entry.worker.ref();
    entry.worker.postMessage(task.request, task.transfer);
  }
  for (const w of workers) if (!w.task) w.worker.unref();
}

/** The pool's live workers (for tests that need to kill one mid-task). Not part of the public API. */
export function poolWorkers(): Worker[] {
  return workers.map((w) => w.worker);
}

function run(image: Image, kernel: Kernel, options: ConvolveOptions, transfer: ArrayBuffer[]): Promise<Image<Float32Array>> {
  return new Promise((resolve, reject) => {
    queue.push({ request: { id: nextId++, image, kernel, options }, transfer, resolve, reject });
    dispatch();
  });
}

function threadCount(value: unknown): number {
  if (value === undefined) return availableParallelism();
  if (typeof value !== 'number') throw typeError('options.threads', 'a positive integer', value);
  return integer(value, 'options.threads', 1, 1024);
}

/**
 * `convolve2d` off the calling thread: same arguments, same result (bit for bit), as a Promise.
 * `options.threads` (default: the available cores; more than the cores counts as the cores) caps
 * how many worker threads share one call; small images always run as one piece. Arguments are checked before anything is sent, so bad
 * ones reject with the same TypeError/RangeError as convolve2d.
 * @example
 * const out = await convolve2dAsync(gray, kernels.gaussian(2), { padding: 'same', threads: 2 });
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
  // More threads than cores only adds start-up cost and halo copies: the pool stops at the cores.
  const usable = Math.min(threads, availableParallelism());
  limit = Math.max(limit, usable);
  // A plain copy of the kernel: the caller's may be frozen or an exotic array-like.
  const plainKernel = { width: k.width, height: k.height, data: k.data };
  if (usable === 1 || length * k.data.length < SPLIT_MIN_WORK || plan.outH < 2) {
    // Structured clone copies a view's whole ArrayBuffer: send a view into a larger buffer as a copy.
    const { data } = img;
    const own = data.byteLength === data.buffer.byteLength ? data : data.slice();
    const result = await run({ width: img.width, height: img.height, channels: img.channels, data: own }, plainKernel, rest,
      own === data ? [] : [own.buffer as ArrayBuffer]);
    if (out === undefined) return result;
    out.set(result.data);
    return { ...result, data: out };
  }
  const { pieces } = splitRows(img, plainKernel, rest, usable);
  const data = out ?? new Float32Array(length);
  await Promise.all(pieces.map(async (piece) => {
    const part = await run(piece.image, plainKernel, piece.options, [piece.image.data.buffer as ArrayBuffer]);
    data.set(part.data, piece.row * plan.outW * img.channels);
  }));
  return { width: plan.outW, height: plan.outH, channels: img.channels, data };
}
