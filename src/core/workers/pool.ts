/**
 * `convolve2dAsync` for any platform with workers: a shared pool that runs `convolve2d` off the
 * calling thread. src/node/async.ts (worker threads) and src/browser/async.ts (module Web
 * Workers) only say how to start a worker; everything else is here.
 *
 * A call is checked first (bad arguments reject with convolve2d's own errors). A small call runs
 * as one task, its image copied to a worker and its result transferred back. A big one, where
 * memory can be shared (Node; cross-origin-isolated pages), is copied once into a reused
 * SharedArrayBuffer (not at all when the image already lives in one), the path is chosen once,
 * and each worker computes a range of output rows straight into a shared output, which is copied
 * into the result (or not at all when `options.out` is itself shared). Without shared memory the
 * call is split with `splitRows`, pieces travelling as transferred buffers. Either way the pieces
 * stack bit-identically to convolve2d's result. Workers start lazily, up to the cores, are shared
 * by all calls, and are replaced when one dies (its task rejects with a clear Error).
 */
import { checkOut } from '../convolve/convolve.js';
import { typeError } from '../errors.js';
import { planConvolution, type ConvolvePlan } from '../convolve/options.js';
import { prepare } from '../convolve/prepare.js';
import { factorsFor } from '../convolve/separable.js';
import type { Platform, WorkerPort } from './protocol.js';
import { Scheduler } from './scheduler.js';
import { canShareMemory, isShared, SharedScratch } from './shared-scratch.js';
import { splitRows } from './split.js';
import type { ConvolveAsyncOptions, Image, Kernel, PixelData } from '../types.js';
import { integer, isPlainObject, type KernelMatrix } from '../validate.js';
import { fresh } from '../wasm/instance.js';
import { choosePath } from '../wasm/paths.js';
import { emptyLike, viewLike } from '../pixels/like.js';

/**
 * Below this many multiply-adds a call runs as one task: splitting costs a gather and a copy of
 * the image on the calling thread plus a message per piece, about a millisecond's worth of taps.
 */
const SPLIT_MIN_WORK = 1 << 22;

/** Output rows per worker at least, so a row range is worth a message. */
const MIN_PIECE_ROWS = 16;
/** `convolve2dAsync`'s engine: turns a call into tasks (one task, row ranges in shared memory, or split pieces). */
export class ConvolvePool {
  private readonly scratch = new SharedScratch();
  private readonly scheduler: Scheduler;

  constructor(platform: Platform) {
    this.scheduler = new Scheduler(platform);
  }

  /** The live workers (for tests that need to kill one mid-task). */
  ports(): WorkerPort[] {
    return this.scheduler.ports();
  }

  /** Stops every worker; running and queued calls reject; a later call starts new workers. */
  terminate(why: string): void {
    this.scheduler.terminate(why);
  }

  /** `convolve2dAsync`: see its documentation in the platform entry. */
  async convolve(image: Image, kernel: Kernel, options?: ConvolveAsyncOptions): Promise<Image<Float32Array>> {
    if (options !== undefined && !isPlainObject(options)) throw typeError('options', 'an object', options);
    const { threads: rawThreads, out: rawOut, ...rest } = (options ?? {}) as ConvolveAsyncOptions;
    const cores = this.scheduler.cores();
    let threads = cores;
    if (rawThreads !== undefined) {
      if (typeof rawThreads !== 'number') throw typeError('options.threads', 'a positive integer', rawThreads);
      threads = integer(rawThreads, 'options.threads', 1, 1024);
    }
    const { image: img, kernel: k, plan } = prepare(image, kernel, rest);
    const length = plan.outH * plan.outW * img.channels;
    const out = rawOut === undefined ? undefined : checkOut(rawOut, length, img);
    // More workers than cores only add start-up cost and halo copies: the pool stops at the cores.
    const usable = Math.min(threads, cores);
    this.scheduler.allow(usable);
    // The checked kernel (a Float64Array copy of the caller's) and the plan go to the workers.
    const big = length * k.data.length >= SPLIT_MIN_WORK && plan.outH >= 2;
    if (big && canShareMemory()) return this.convolveShared(img, k, plan, out, usable);
    if (usable === 1 || !big) {
      // The call's own copy of the pixels, taken now and moved to the worker: a queued call then
      // computes the image as it was when called, even if the caller changes or transfers it
      // before a worker is free (posting the caller's array would copy it anyway, later).
      // Not `img.data.slice()`: on a Node Buffer that is a view of the caller's memory (often
      // Node's shared pool), and transferring it would detach the caller's array and its neighbours.
      const own = emptyLike(img.data, img.data.length);
      own.set(img.data);
      const transfer = [own.buffer as ArrayBuffer];
      const result = (await this.scheduler.run({ width: img.width, height: img.height, channels: img.channels, data: own }, k, plan, transfer))!;
      if (out === undefined) return result;
      // An allocImage out may have been detached by growth while this call waited: view it again.
      const into = fresh(out);
      into.set(result.data);
      return { ...result, data: into };
    }
    const { pieces } = splitRows(img, k, rest, usable);
    const data = out ?? new Float32Array(length);
    await Promise.all(pieces.map(async (piece) => {
      // Each piece is its own call (its own explicit padding): planned here, as a worker plans nothing.
      const piecePlan = planConvolution(piece.options, piece.image.height, piece.image.width, k.height, k.width);
      // The gathered rows are ours, so they move to the worker instead of being copied.
      const part = (await this.scheduler.run(piece.image, k, piecePlan, [piece.image.data.buffer as ArrayBuffer]))!;
      fresh(data).set(part.data, piece.row * plan.outW * img.channels);
    }));
    return { width: plan.outW, height: plan.outH, channels: img.channels, data: fresh(data) };
  }

  /**
   * A big call in shared memory: the image is copied once into a reused SharedArrayBuffer (or
   * read in place if it is in one), the path is chosen here for the whole image (so every piece
   * takes the same one), and each worker writes its rows into one shared output.
   */
  private async convolveShared(img: Image, k: KernelMatrix, plan: ConvolvePlan,
    out: Float32Array | undefined, threads: number): Promise<Image<Float32Array>> {
    const { width, height, channels } = img;
    const length = plan.outH * plan.outW * channels;
    const path = choosePath(img, k, plan, factorsFor(k, plan));
    const inPlace = isShared(img.data);
    const outInPlace = out !== undefined && isShared(out);
    const scratch = this.scratch.acquire(inPlace ? 0 : img.data.byteLength, outInPlace ? 0 : length * 4);
    let data: PixelData = img.data;
    if (!inPlace) {
      data = viewLike(img.data, scratch.input, 0, img.data.length);
      data.set(img.data);
    }
    const shared = outInPlace ? out : new Float32Array(scratch.output, 0, length);
    const image = { width, height, channels, data };
    const count = Math.max(1, Math.min(threads, Math.floor(plan.outH / MIN_PIECE_ROWS)));
    const settled = await Promise.allSettled(Array.from({ length: count }, (_, p) => {
      const first = Math.floor((plan.outH * p) / count), end = Math.floor((plan.outH * (p + 1)) / count);
      return this.scheduler.run(image, k, plan, [], { first, end, path, out: shared });
    }));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    // A failed call's buffers are dropped, not reused: its other workers may still be writing.
    if (failed) throw failed.reason;
    const result = outInPlace ? out : out === undefined ? new Float32Array(length) : fresh(out);
    if (!outInPlace) result.set(shared);
    this.scratch.release(scratch);
    return { width: plan.outW, height: plan.outH, channels, data: result };
  }
}
