/**
 * `convolve2dAsync` for Node: the same computation as `convolve2d` on a worker thread, so the
 * calling thread stays free. A single lazily started worker serves all calls in order; it is
 * unref'd while idle so it never keeps a process alive, and replaced if it dies.
 */
import { Worker } from 'node:worker_threads';
import { planConvolution } from '../core/options.js';
import type { ConvolveAsyncOptions, Image, Kernel } from '../core/types.js';
import { checkImage, checkKernel } from '../core/validate.js';
import { checkOut } from '../core/convolve.js';

/** Message to the worker. */
export interface AsyncRequest { id: number; image: Image; kernel: Kernel; options?: ConvolveAsyncOptions }
/** Message from the worker: a result or a serialised error. */
export type AsyncResponse =
  | { id: number; image: Image<Float32Array>; error?: undefined }
  | { id: number; error: { name: string; message: string }; image?: undefined };

interface Pending { resolve(image: Image<Float32Array>): void; reject(error: Error): void }

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function failAll(error: Error): void {
  for (const p of pending.values()) p.reject(error);
  pending.clear();
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./worker.js', import.meta.url));
  w.on('message', (msg: AsyncResponse) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (pending.size === 0) w.unref();
    if (msg.image) p.resolve(msg.image);
    else {
      const E = msg.error.name === 'TypeError' ? TypeError : msg.error.name === 'RangeError' ? RangeError : Error;
      p.reject(new E(msg.error.message));
    }
  });
  const lost = (why: string) => {
    if (worker === w) worker = undefined;
    failAll(new Error(`conv2d-wasm: the worker thread ${why} during convolve2dAsync`));
  };
  w.on('error', (e) => lost(`failed (${e.message})`));
  w.on('exit', (code) => lost(`exited with code ${code}`));
  worker = w;
  return w;
}

/**
 * `convolve2d` off the calling thread: same arguments, same result, as a Promise. Arguments are
 * checked before anything is sent, so bad ones reject with the same TypeError/RangeError.
 * @example
 * const out = await convolve2dAsync(gray, kernels.gaussian(2), { padding: 'same' });
 */
export async function convolve2dAsync(image: Image, kernel: Kernel, options?: ConvolveAsyncOptions): Promise<Image<Float32Array>> {
  const img = checkImage(image);
  const k = checkKernel(kernel);
  const plan = planConvolution(options, img.height, img.width, k.height, k.width);
  // `out` stays here (a worker cannot write into the caller's array); the result is copied into it.
  const { out, ...rest } = options ?? {};
  if (out !== undefined) checkOut(out, plan.outH * plan.outW * img.channels, img);
  const w = getWorker();
  const id = nextId++;
  const result = new Promise<Image<Float32Array>>((resolve, reject) => pending.set(id, { resolve, reject }));
  w.ref();
  // A plain copy of the kernel: the caller's may be a frozen or exotic array-like.
  const kernelCopy = { width: k.width, height: k.height, data: k.data };
  w.postMessage({ id, image: { width: img.width, height: img.height, channels: img.channels, data: img.data }, kernel: kernelCopy, options: rest } satisfies AsyncRequest);
  if (out === undefined) return result;
  const done = await result;
  out.set(done.data);
  return { ...done, data: out };
}
