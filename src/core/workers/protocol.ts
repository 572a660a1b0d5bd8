/**
 * The wire protocol between the pool (src/core/workers/pool.ts) and its workers: the messages each
 * way, what a platform must provide to start a worker, and `answer`, the worker side's handler.
 * src/node/worker.ts and src/browser/serve.ts are thin shells around `answer`.
 *
 * The calling thread checks the arguments and plans the call; a worker gets the checked kernel and
 * the plan and only runs the WebAssembly, so its bundle carries no option checks (a browser
 * bundle embeds the worker's code as text: every byte of it is shipped twice).
 */
import type { ConvolvePlan } from '../convolve/options.js';
import { factorsFor } from '../convolve/separable.js';
import type { Image } from '../types.js';
import type { KernelMatrix } from '../validate.js';
import { convolveRowsWasm, convolveWasm, type Path } from '../wasm/paths.js';

/**
 * Message to a worker: a whole call, or with `rows` output rows `first` to `end` of one, on
 * `path`, written into `out` (the whole output, in shared memory). `kernel` and `plan` come from
 * `prepare` on the calling thread.
 */
export interface TaskRequest {
  id: number;
  image: Image;
  kernel: KernelMatrix;
  plan: ConvolvePlan;
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
    const { image, kernel, plan, rows } = request;
    const factors = factorsFor(kernel, plan);
    if (rows) {
      if (rows.path === 'separable' && factors === undefined) throw new Error('conv2d-wasm: the separable path needs a rank-1 kernel');
      convolveRowsWasm(image, kernel, plan, { data: rows.out, channels: image.channels }, rows.path,
        rows.path === 'separable' ? factors : undefined, { first: rows.first, end: rows.end });
      return { response: { id: request.id }, transfer: [] };
    }
    const data = new Float32Array(plan.outH * plan.outW * image.channels);
    convolveWasm(image, kernel, plan, { data, channels: image.channels }, factors);
    const result = { width: plan.outW, height: plan.outH, channels: image.channels, data };
    return { response: { id: request.id, image: result }, transfer: [data.buffer as ArrayBuffer] };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { response: { id: request.id, error: { name: e.name, message: e.message } }, transfer: [] };
  }
}
