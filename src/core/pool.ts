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
import { checkOut, convolve2d, convolveRows } from './convolve.js';
import { typeError } from './errors.js';
import { planConvolution, type ConvolvePlan } from './options.js';
import { factorsFor } from './separable.js';
import { canShareMemory, isShared, SharedScratch } from './shared-scratch.js';
import { splitRows } from './split.js';
import type { ConvolveAsyncOptions, ConvolveOptions, Image, Kernel, PixelData } from './types.js';
import { checkImage, checkKernel, integer, isPlainObject, type KernelMatrix } from './validate.js';
import { choosePath, type Path } from './wasm.js';

/**
 * Message to a worker: a whole call, or with `rows` output rows `first` to `end` of one, on
 * `path`, written into `out` (the whole output, in shared memory).
 */
export interface TaskRequest {
  id: number;
  image: Image;
  kernel: Kernel;
  options?: ConvolveOptions;
  rows?: { first: number; end: number; path: Path; out: Float32Array };
}
/** Message from a worker: a result (none for `rows` tasks, which write in place) or a serialised error. */
export type TaskResponse =
  | { id: number; image?: Image<Float32Array>; error?: undefined }
  | { id: number; error: { name: string; message: string }; image?: undefined };

/** A started worker, as the pool sees it. */
export interface WorkerPort {
  post(request: TaskRequest, transfer: ArrayBuffer[]): void;
  terminate(): void;
  /** Called with true when a task is sent, false when the worker goes idle (Node: ref/unref). */
  busy?(busy: boolean): void;
}

/** What a platform provides. */
export interface Platform {
  /** What a worker is called in error messages: "worker thread", "Web Worker". */
  readonly noun: string;
  /** Starts a worker that answers each TaskRequest with `answer`'s result. */
  start(onMessage: (response: TaskResponse) => void, onLost: (why: string) => void): WorkerPort;
  /** How many workers are worth running: the cores. */
  cores(): number;
}

/** The worker side: runs one request and says what to post back and what to transfer. */
export function answer(request: TaskRequest): { response: TaskResponse; transfer: ArrayBuffer[] } {
  try {
    const { rows } = request;
    if (rows) {
      convolveRows(request.image, request.kernel, request.options, rows.path, rows.first, rows.end, rows.out);
      return { response: { id: request.id }, transfer: [] };
    }
    const image = convolve2d(request.image, request.kernel, request.options);
    return { response: { id: request.id, image }, transfer: [image.data.buffer as ArrayBuffer] };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { response: { id: request.id, error: { name: e.name, message: e.message } }, transfer: [] };
  }
}

interface Task {
  request: TaskRequest;
  transfer: ArrayBuffer[];
  resolve(image: Image<Float32Array> | undefined): void;
  reject(error: Error): void;
}

interface Slot { port: WorkerPort; task?: Task }

/**
 * Below this many multiply-adds a call runs as one task: splitting costs a gather and a copy of
 * the image on the calling thread plus a message per piece, about a millisecond's worth of taps.
 */
const SPLIT_MIN_WORK = 1 << 22;

/** Output rows per worker at least, so a row range is worth a message. */
const MIN_PIECE_ROWS = 16;

export class ConvolvePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private readonly scratch = new SharedScratch();
  /** Most workers the pool may hold: the largest useful `threads` any call asked for. */
  private limit = 1;

  constructor(private readonly platform: Platform) {}

  /** The live workers (for tests that need to kill one mid-task). */
  ports(): WorkerPort[] {
    return this.slots.map((s) => s.port);
  }

  /** `convolve2dAsync`: see its documentation in the platform entry. */
  async convolve(image: Image, kernel: Kernel, options?: ConvolveAsyncOptions): Promise<Image<Float32Array>> {
    if (options !== undefined && !isPlainObject(options)) throw typeError('options', 'an object', options);
    const { threads: rawThreads, out: rawOut, ...rest } = (options ?? {}) as ConvolveAsyncOptions;
    const cores = this.platform.cores();
    let threads = cores;
    if (rawThreads !== undefined) {
      if (typeof rawThreads !== 'number') throw typeError('options.threads', 'a positive integer', rawThreads);
      threads = integer(rawThreads, 'options.threads', 1, 1024);
    }
    const img = checkImage(image);
    const k = checkKernel(kernel);
    const plan = planConvolution(rest, img.height, img.width, k.height, k.width);
    const length = plan.outH * plan.outW * img.channels;
    const out = rawOut === undefined ? undefined : checkOut(rawOut, length, img);
    // More workers than cores only add start-up cost and halo copies: the pool stops at the cores.
    const usable = Math.min(threads, cores);
    this.limit = Math.max(this.limit, usable);
    // A plain copy of the kernel: the caller's may be frozen or an exotic array-like.
    const plainKernel = { width: k.width, height: k.height, data: k.data };
    const big = length * k.data.length >= SPLIT_MIN_WORK && plan.outH >= 2;
    if (big && canShareMemory()) return this.convolveShared(img, k, plan, rest, out, usable);
    if (usable === 1 || !big) {
      // Messages copy a view's whole ArrayBuffer: a view into a larger buffer goes as its own copy.
      const { data } = img;
      const own = data.byteLength === data.buffer.byteLength ? data : data.slice();
      const transfer = own === data ? [] : [own.buffer as ArrayBuffer];
      const result = (await this.run({ width: img.width, height: img.height, channels: img.channels, data: own }, plainKernel, rest, transfer))!;
      if (out === undefined) return result;
      out.set(result.data);
      return { ...result, data: out };
    }
    const { pieces } = splitRows(img, plainKernel, rest, usable);
    const data = out ?? new Float32Array(length);
    await Promise.all(pieces.map(async (piece) => {
      // The gathered rows are ours, so they move to the worker instead of being copied.
      const part = (await this.run(piece.image, plainKernel, piece.options, [piece.image.data.buffer as ArrayBuffer]))!;
      data.set(part.data, piece.row * plan.outW * img.channels);
    }));
    return { width: plan.outW, height: plan.outH, channels: img.channels, data };
  }

  /**
   * A big call in shared memory: the image is copied once into a reused SharedArrayBuffer (or
   * read in place if it is in one), the path is chosen here for the whole image (so every piece
   * takes the same one), and each worker writes its rows into one shared output.
   */
  private async convolveShared(img: Image, k: KernelMatrix, plan: ConvolvePlan, options: ConvolveOptions,
    out: Float32Array | undefined, threads: number): Promise<Image<Float32Array>> {
    const { width, height, channels } = img;
    const length = plan.outH * plan.outW * channels;
    const path = choosePath(img, k, plan, factorsFor(k, plan));
    const inPlace = isShared(img.data);
    const outInPlace = out !== undefined && isShared(out);
    const scratch = this.scratch.acquire(inPlace ? 0 : img.data.byteLength, outInPlace ? 0 : length * 4);
    let data: PixelData = img.data;
    if (!inPlace) {
      const Ctor = img.data.constructor as new (buffer: SharedArrayBuffer, offset: number, length: number) => PixelData;
      data = new Ctor(scratch.input, 0, img.data.length);
      data.set(img.data);
    }
    const shared = outInPlace ? out : new Float32Array(scratch.output, 0, length);
    const image = { width, height, channels, data };
    const kernel = { width: k.width, height: k.height, data: k.data };
    const count = Math.max(1, Math.min(threads, Math.floor(plan.outH / MIN_PIECE_ROWS)));
    const settled = await Promise.allSettled(Array.from({ length: count }, (_, p) => {
      const first = Math.floor((plan.outH * p) / count), end = Math.floor((plan.outH * (p + 1)) / count);
      return this.run(image, kernel, options, [], { first, end, path, out: shared });
    }));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    // A failed call's buffers are dropped, not reused: its other workers may still be writing.
    if (failed) throw failed.reason;
    const result = outInPlace ? out : out ?? new Float32Array(length);
    if (!outInPlace) result.set(shared);
    this.scratch.release(scratch);
    return { width: plan.outW, height: plan.outH, channels, data: result };
  }

  /** Stops every worker; running and queued calls reject; a later call starts new workers. */
  terminate(why: string): void {
    for (const slot of this.slots.splice(0)) {
      slot.port.terminate();
      slot.task?.reject(new Error(`conv2d-wasm: ${why} stopped the ${this.platform.noun} during convolve2dAsync`));
    }
    for (const task of this.queue.splice(0)) task.reject(new Error(`conv2d-wasm: ${why} was called before this convolve2dAsync ran`));
  }

  private run(image: Image, kernel: Kernel, options: ConvolveOptions, transfer: ArrayBuffer[],
    rows?: TaskRequest['rows']): Promise<Image<Float32Array> | undefined> {
    return new Promise((resolve, reject) => {
      const request: TaskRequest = { id: this.nextId++, image, kernel, options };
      if (rows) request.rows = rows;
      this.queue.push({ request, transfer, resolve, reject });
      this.dispatch();
    });
  }

  private start(): Slot {
    const slot = {} as Slot;
    const onMessage = (msg: TaskResponse) => {
      const task = slot.task;
      if (!task || task.request.id !== msg.id) return;
      slot.task = undefined;
      if (msg.error === undefined) task.resolve(msg.image);
      else {
        const E = msg.error.name === 'TypeError' ? TypeError : msg.error.name === 'RangeError' ? RangeError : Error;
        task.reject(new E(msg.error.message));
      }
      this.dispatch();
    };
    const onLost = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return; // already handled (an error is often followed by an exit)
      this.slots.splice(i, 1);
      slot.port.terminate();
      slot.task?.reject(new Error(`conv2d-wasm: a ${this.platform.noun} ${why} during convolve2dAsync`));
      slot.task = undefined;
      this.dispatch(); // queued tasks go to the other workers, or to a new one
    };
    slot.port = this.platform.start(onMessage, onLost);
    this.slots.push(slot);
    return slot;
  }

  /** Hands queued tasks to idle workers, starting workers up to the limit. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.task);
      if (!slot && this.slots.length < this.limit) {
        try {
          slot = this.start();
        } catch (error) {
          for (const task of this.queue.splice(0)) task.reject(error as Error);
          return;
        }
      }
      if (!slot) break;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.port.busy?.(true);
      slot.port.post(task.request, task.transfer);
    }
    for (const s of this.slots) if (!s.task) s.port.busy?.(false);
  }
}
