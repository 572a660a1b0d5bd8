/**
 * Batch jobs, the public API: `convolveFiles` filters many PNG and JPEG files on every core and reports
 * what became of each. The wing, in reading order: this file (arguments, the pool, the loop);
 * inputs.ts (`expand`: files, directories and glob patterns, walked lazily, and output naming);
 * run.ts (`Run.admit`: the checks that keep every input safe from every output; the report);
 * worker.ts (each image read, converted, convolved and written); types.ts (the public types).
 *
 * Memory stays flat however many inputs there are: directories are read as streams and never
 * listed whole, and at most 3 × jobs images are handed to the pool at a time (two running on
 * each of the `jobs` threads, and one more each queued so no thread waits). What grows with the
 * input count is the report (a few short strings per input) and the sets of paths that stop one
 * output from overwriting another input.
 */
import { availableParallelism } from 'node:os';
import type { Piscina } from 'piscina';
import { typeError, rangeError } from '../../core/errors.js';
import { pixelLimit } from '../../core/limits.js';
import { planConvolution } from '../../core/convolve/options.js';
import { factorize } from '../../core/convolve/separable.js';
import type { ConvolveOptions, Kernel } from '../../core/types.js';
import { checkKernel, integer, isPlainObject, oneOf, optionsObject } from '../../core/validate.js';
import { checkInputs, checkOutDirHoldsNoInput, defaultSuffix, expand, path, realPath, type Naming } from './inputs.js';
import { Run, removeStaleTempFiles, removeTempFiles } from './run.js';
import { dirname } from 'node:path';
import type { BatchEdges, BatchItem, BatchOptions, BatchReport } from './types.js';
import { canny, type CannyOptions } from '../../core/edges/canny.js';
import { gradient, type GradientOptions } from '../../core/edges/gradient.js';
import type { BatchTask, BatchTaskResult, BatchWorkerData } from './worker.js';
import { MAPS } from '../../core/vocabulary.js';
import { checkWeights } from '../../core/pixels/grayscale.js';
import { checkDepth } from '../../core/pixels/depth.js';

export type { BatchEdges, BatchItem, BatchOptions, BatchProgress, BatchReport, BatchResult, BatchStatus, BatchTotals } from './types.js';
export { removeTempFiles } from './run.js';

/**
 * Convolves every input image (PNG or JPEG, recognised by content) with `kernel` and writes the
 * results as 8-bit images, PNG unless an output's name ends in .jpg or .jpeg, on a pool of worker
 * threads. Outputs are named as the CLI names them: `photo.jpg` → `photo-edge.png` next to it
 * (the suffix is `-` and the kernel's name), or kept as they are under `outDir`.
 * `inputs` are file paths, directories (every `*.png`, `*.jpg`, `*.jpeg` below them, recursively;
 * names starting with `.` are left out) and glob patterns (`shots/**\/*.png`, used when no file
 * has that name), or `{ input, output }` pairs. Arguments are checked first (TypeError or
 * RangeError naming them); after that the promise always resolves: each input that fails
 * (unreadable, corrupt, too large, an output that would overwrite an input) is reported and the
 * run goes on. Outputs are written to a temp file and renamed, so none is ever half-written.
 * @example
 * const report = await convolveFiles(['photos/'], kernels.edge, { padding: 'same', border: 'reflect' }, {
 *   outDir: 'edges', jobs: 2, onProgress: (p) => console.log(`${p.done}/${p.total ?? '?'}`),
 * });
 * // report.totals: { inputs: 120, written: 119, skipped: 0, failed: 1, interrupted: 0, pixels: …, seconds: 3.2 }
 */
export async function convolveFiles(
  inputs: string | Iterable<string | BatchItem> | AsyncIterable<string | BatchItem>,
  kernel: Kernel,
  options?: ConvolveOptions,
  batch?: BatchOptions,
): Promise<BatchReport> {
  const list = checkInputs(inputs);
  const b = optionsObject(batch, 'batch', [
    'outDir', 'suffix', 'jobs', 'color', 'map', 'skipExisting', 'limitInputPixels', 'onProgress', 'signal', 'edges', 'quality', 'weights', 'depth',
  ]) as BatchOptions;
  if (b.limitInputPixels !== undefined) pixelLimit(b.limitInputPixels, 'batch.limitInputPixels');
  const convolution = checkConvolution(kernel, options, b.limitInputPixels);
  const jobs = b.jobs === undefined ? availableParallelism() : integer(b.jobs, 'batch.jobs', 1, 1024);
  // Without either, the CLI's naming: photo.png → photo-edge.png next to it.
  const named = b.outDir === undefined && b.suffix === undefined ? { ...b, suffix: defaultSuffix(convolution.kernel) } : b;
  const { naming, skipExisting, workerData } = checkFileOptions(named, list, convolution);
  if (b.weights !== undefined) {
    checkWeights(b.weights, 'batch.weights');
    workerData.weights = b.weights; // as given: the pipeline's fast path knows "bt601" by name
  }
  if (b.depth !== undefined) workerData.depth = checkDepth(b.depth, 'batch.depth');
  if (b.quality !== undefined) workerData.quality = integer(b.quality, 'batch.quality', 1, 100);
  if (b.edges !== undefined) {
    if (workerData.color) throw rangeError('batch.color', 'false with batch.edges (edges are found on the gray)', b.color);
    if (workerData.depth === 16) throw rangeError('batch.depth', '8 with batch.edges (edge maps are 8-bit)', b.depth);
    workerData.edges = checkEdges(b.edges);
  }
  if (b.onProgress !== undefined && typeof b.onProgress !== 'function') throw typeError('batch.onProgress', 'a function', b.onProgress);
  const signal = b.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw typeError('batch.signal', 'an AbortSignal', signal);

  const run = new Run(naming, skipExisting, b.onProgress);
  if (Array.isArray(list)) {
    run.noteExplicitInputs(list);
    if (b.onProgress) void run.count(list);
  }
  if (signal?.aborted) return run.report(true);

  const pool = await createBatchPool(jobs, workerData);
  const inFlight = new Map<Promise<void>, string>(); // task → its output
  let interrupted = false;
  let halt = () => {};
  const stop = new Promise<void>((resolveStop) => {
    halt = () => { run.stopped = true; resolveStop(); };
  });
  const onAbort = () => { interrupted = true; halt(); };
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort(); // aborted while the pool was loading
  run.onHalt = halt; // a throwing onProgress stops the run too
  let closing = false;
  const cleaned = new Set<string>(); // output directories cleared of stale temp files

  try {
    for await (const found of expand(list, naming)) {
      if (run.stopped) break;
      // Resuming: temp files that a killed run left in this output's directory go first.
      if (skipExisting && 'output' in found && !cleaned.has(dirname(found.output))) {
        cleaned.add(dirname(found.output));
        await removeStaleTempFiles(dirname(found.output));
      }
      const task = run.admit(found);
      if (!task) continue;
      const { entry, output } = task;
      const promise: Promise<void> = pool.run({ input: entry.input, output, zlibOnThread: zlibOnWorkers(jobs, inFlight.size + 1) }).then(
        (answer) => run.finish(entry, answer),
        async (error: unknown) => {
          // The worker thread died under this task (tasks return their errors, never throw).
          // When the pool is being shut down that is expected, and the entry stays "interrupted".
          if (closing) return;
          run.finish(entry, { ok: false, error: `the worker thread stopped (${(error as Error)?.message ?? String(error)})` });
          await removeTempFiles([output]);
        },
      ).finally(() => inFlight.delete(promise));
      inFlight.set(promise, output);
      while (inFlight.size >= (IMAGES_PER_THREAD + 1) * jobs && !run.stopped) await Promise.race([...inFlight.keys(), stop]);
    }
    if (!run.stopped) await Promise.race([Promise.all(inFlight.keys()), stop]);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    closing = true;
    run.stopped = true; // ends the counting walk too
    const abandoned = [...inFlight.values()];
    // destroy() stops every thread and waits until each has exited, so none can still be
    // creating a temp file when the ones left behind are removed below.
    await pool.destroy();
    if (abandoned.length > 0) await removeTempFiles(abandoned);
  }
  if (run.callbackError !== undefined) throw run.callbackError;
  return run.report(interrupted);
}

/**
 * Whether an image's zlib should run on its worker thread rather than on Node's thread pool, with
 * `busy` images (this one included) on a pool of `jobs` threads: yes once a worker per core is
 * busy, since every core then converts images and the thread pool only adds hand-offs
 * (convolveFileWith); until then (jobs 1, or the first image) the thread pool puts idle cores to work.
 * @example
 * zlibOnWorkers(2, 1) // false on 2 cores: one image, the other core inflates and deflates for it
 */
export function zlibOnWorkers(jobs: number, busy: number): boolean {
  return Math.min(jobs, busy) >= availableParallelism();
}

/**
 * Images each worker thread works on at once. With zlib on Node's thread pool a streamed image
 * spends about half its time waiting for it (inflating its input, deflating its output); a second
 * image in the same thread convolves meanwhile. Measured on 80 photos (2 cores, zlib on the pool,
 * before `zlibOnWorkers`): jobs 1 went from 29 to 37–38 images/s, jobs 2 from 34–35 to 38–39; 3
 * gained 1–5% more. With zlib on the workers the second image only fills the waits for file
 * reads; 1 against 2 has not been measured there.
 */
export const IMAGES_PER_THREAD = 2;

/**
 * A pool of `jobs` worker threads that each run worker.ts on IMAGES_PER_THREAD images at a time,
 * for the convolution `workerData`. Threads start on demand and leave after `idleTimeout` ms
 * unused (a local run keeps them for the whole run and destroys the pool at the end; a queue
 * worker, in ../../queue, keeps its pool between images).
 * @example
 * const pool = await createBatchPool(2, checkFileOptions({ outDir: 'out' }, [], checkConvolution(kernels.edge, {}, undefined)).workerData);
 * await pool.run({ input: 'a.png', output: 'out/a.png' }) // { ok: true, width: 640, height: 480, pixels: 307200 }
 */
export async function createBatchPool(jobs: number, workerData: BatchWorkerData, idleTimeout = 60_000): Promise<Piscina<BatchTask, BatchTaskResult>> {
  // Loaded on first use, so that importing the library does not pay for the pool.
  const { Piscina: Pool } = await import('piscina');
  return new Pool<BatchTask, BatchTaskResult>({
    filename: new URL('./worker.js', import.meta.url).href,
    minThreads: 0,
    maxThreads: jobs,
    concurrentTasksPerWorker: IMAGES_PER_THREAD,
    idleTimeout,
    workerData,
  });
}

/**
 * Checks the kernel and convolution options once, before any file is touched (also what a queue
 * worker does with the spec each job carries), with the limit the images will get.
 * @example
 * checkConvolution(kernels.edge, { padding: 'same' }, undefined) // { kernel: { width: 3, height: 3, data }, options: { padding: 'same' }, color: false, map: 'clamp' }
 */
export function checkConvolution(kernel: Kernel, options: ConvolveOptions | undefined, batchLimit: unknown): BatchWorkerData {
  const k = checkKernel(kernel);
  if (isPlainObject(options) && options.out !== undefined) {
    throw typeError('options.out', 'nothing (each image gets its own output in a batch)', options.out);
  }
  // Image-independent checks only: a 1×1 kernel on a 1×1 image never has an empty output.
  // With the limit the images will get: batch.limitInputPixels unless the options set their own.
  const limit = isPlainObject(options) && options.limitInputPixels !== undefined ? options.limitInputPixels : batchLimit;
  const plan = planConvolution({ ...(isPlainObject(options) ? options : {}), limitInputPixels: limit }, 1, 1, 1, 1);
  if (plan.method === 'separable' && !factorize(k)) {
    throw rangeError('options.method', '"auto" or "direct" for this kernel, which is not separable (rank 1)', plan.method);
  }
  return { kernel: k, options: { ...options }, color: false, map: 'clamp' };
}

/** The checked options that name the outputs and shape the pixels: what a local run and a queued one share. */
export interface FileSettings {
  naming: Naming;
  skipExisting: boolean;
  /** The convolution with `color`, `map` and `limitInputPixels` filled in: what worker.ts takes. */
  workerData: BatchWorkerData;
}

/**
 * Checks `batch.outDir`, `suffix`, `color`, `map`, `skipExisting` and `limitInputPixels` (the
 * caller has checked that `batch` is an object with known keys), and refuses a batch whose
 * outputs would overwrite their inputs or whose output directory holds an input directory.
 * @example
 * checkFileOptions({ outDir: 'edges', map: 'abs' }, ['photos/'], checkConvolution(kernels.edge, {}, undefined))
 * // { naming: { outDir: 'edges', outDirPath: '/…/edges', suffix: '' }, skipExisting: false, workerData: { … map: 'abs' } }
 */
export function checkFileOptions(
  b: Pick<BatchOptions, 'outDir' | 'suffix' | 'color' | 'map' | 'skipExisting' | 'limitInputPixels'>,
  list: readonly (string | BatchItem)[] | AsyncIterable<string | BatchItem>,
  convolution: BatchWorkerData,
): FileSettings {
  const outDir = b.outDir === undefined ? undefined : path(b.outDir, 'batch.outDir');
  const suffix = b.suffix === undefined ? '' : suffixOf(b.suffix);
  const workerData = { ...convolution };
  workerData.color = b.color === undefined ? false : bool(b.color, 'batch.color');
  workerData.map = b.map === undefined ? 'clamp' : oneOf(b.map, 'batch.map', MAPS);
  const skipExisting = b.skipExisting === undefined ? false : bool(b.skipExisting, 'batch.skipExisting');
  if (b.limitInputPixels !== undefined) pixelLimit(b.limitInputPixels, 'batch.limitInputPixels');
  workerData.limitInputPixels = b.limitInputPixels;
  const naming: Naming = { outDir, outDirPath: outDir === undefined ? undefined : realPath(outDir), suffix };
  if (Array.isArray(list)) checkOutDirHoldsNoInput(list, naming);
  // Checked here when the inputs are a list; from an async iterable, such inputs are refused one by one.
  if (outDir === undefined && suffix === '' && Array.isArray(list) && list.some((item) => typeof item === 'string')) {
    throw rangeError('batch.suffix', 'a non-empty suffix when there is no batch.outDir (outputs would overwrite their inputs)', suffix);
  }
  return { naming, skipExisting, workerData };
}

/** `batch.edges`, checked by running it on a 1×1 image (every option is checked before any pixel). */
function checkEdges(value: unknown): BatchEdges {
  const name = 'batch.edges';
  const o = optionsObject(value, name, ['canny', 'gradient']);
  const keys = Object.keys(o);
  if (keys.length !== 1) throw typeError(name, '{ canny: {...} } or { gradient: {...} }', value);
  const pixel = { width: 1, height: 1, channels: 1 as const, data: new Uint8Array(1) };
  if (o.canny !== undefined) {
    renamed(`${name}.canny`, () => canny(pixel, o.canny as CannyOptions));
    return { canny: { ...(o.canny as CannyOptions) } };
  }
  if (isPlainObject(o.gradient) && o.gradient.direction !== undefined) {
    throw typeError(`${name}.gradient.direction`, 'nothing (a batch writes the magnitude)', o.gradient.direction);
  }
  renamed(`${name}.gradient`, () => gradient(pixel, o.gradient as GradientOptions));
  return { gradient: { ...(o.gradient as GradientOptions) } };
}

/** Runs `check`; an error naming `options` is thrown again, of the same class, naming `name`. */
function renamed(name: string, check: () => unknown): void {
  try {
    check();
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(error.message.replace(/\boptions\b/, name));
    if (error instanceof RangeError) throw new RangeError(error.message.replace(/\boptions\b/, name));
    throw error;
  }
}

function suffixOf(value: unknown): string {
  if (typeof value !== 'string') throw typeError('batch.suffix', 'a string', value);
  if (/[/\\]/.test(value)) throw rangeError('batch.suffix', 'a string without / or \\', value);
  return value;
}

function bool(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw typeError(name, 'true or false', value);
  return value;
}
