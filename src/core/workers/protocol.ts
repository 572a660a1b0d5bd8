/**
 * The wire protocol between the pool (src/core/workers/pool.ts) and its workers: the messages each
 * way, what a platform must provide to start a worker, and `answer`, the worker side's handler.
 * src/node/worker.ts and src/browser/worker.ts are thin shells around `answer`.
 */
import { convolve2d, convolveRows } from '../convolve/convolve.js';
import type { ConvolveOptions, Image, Kernel } from '../types.js';
import type { Path } from '../wasm/paths.js';

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
