/**
 * Batch jobs: `convolveFiles` filters many PNG files on every core and reports what became of
 * each. Start at `convolveFiles`; then `expand` (files, directories and glob patterns, walked
 * lazily), `Run.admit` (the checks that keep every input safe from every output), and
 * batch-worker.ts, where each image is read, converted, convolved and written.
 *
 * Memory stays flat however many inputs there are: directories are read as streams and never
 * listed whole, and at most 2 × jobs images are handed to the pool at a time (jobs running, as
 * many queued so no thread waits). What grows with the input count is the report (a few short
 * strings per input) and the sets of paths that stop one output from overwriting another input.
 */
import { opendir, readdir, unlink } from 'node:fs/promises';
import { statSync, type Stats } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, parse, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Piscina } from 'piscina';
import { typeError, rangeError } from '../core/errors.js';
import { pixelLimit } from '../core/limits.js';
import { planConvolution } from '../core/options.js';
import { factorize } from '../core/separable.js';
import type { ConvolveOptions, Kernel, Uint8Map } from '../core/types.js';
import { checkKernel, integer, isPlainObject, oneOf, optionsObject } from '../core/validate.js';
import type { BatchTask, BatchTaskResult, BatchWorkerData } from './batch-worker.js';

/** An input with its output named explicitly. */
export interface BatchItem {
  input: string;
  output: string;
}

/** Options of `convolveFiles` that are about files and threads rather than the convolution. */
export interface BatchOptions {
  /**
   * Where outputs go. A file input `a/b.png` is written as `outDir/b.png`; the files found in a
   * directory input `a` (or by a glob pattern with base `a`) keep their path below it, so
   * `a/x/y.png` is written as `outDir/x/y.png`. Without it, each output goes next to its input.
   */
  outDir?: string;
  /**
   * Added to each output's file stem: `photo.png` → `photo<suffix>.png`. Default `""` with `outDir`
   * (names kept as they are); without `outDir` a non-empty suffix is required.
   */
  suffix?: string;
  /** Images processed at once, one worker thread each (default: `os.availableParallelism()`). */
  jobs?: number;
  /** `true` convolves R, G and B and writes RGB (alpha dropped); default: grayscale (BT.601). */
  color?: boolean;
  /** How results become 8-bit pixels, as `toUint8` (default `"clamp"`). */
  map?: Uint8Map;
  /** Leave inputs whose output already exists alone (status `"skipped"`), to resume a run. */
  skipExisting?: boolean;
  /**
   * Largest width × height decoded and convolved, as `readPng` takes it (default 16383²; `false`
   * for none). A larger image fails on its own.
   */
  limitInputPixels?: number | boolean;
  /** Called after each input is done, and once more when the total becomes known. */
  onProgress?: (progress: BatchProgress) => void;
  /**
   * Stops the run: nothing new starts, images in progress are abandoned (their worker threads are
   * stopped and their temp files removed) and the promise resolves with `interrupted: true`.
   */
  signal?: AbortSignal;
}

/** What became of one input. */
export type BatchStatus = 'written' | 'skipped' | 'failed' | 'interrupted';

/** One line of the report. */
export interface BatchResult {
  input: string;
  /** Where the result goes (absent when none could be named, e.g. for an empty directory). */
  output?: string;
  /**
   * `written`; `skipped` (the output existed and `skipExisting` was set); `failed` (see `error`);
   * `interrupted` (in progress when the run was stopped: if the output exists it is complete,
   * since outputs are renamed into place, but it may not).
   */
  status: BatchStatus;
  /** Why it failed, without the file name: `no such file`, `Invalid PNG: …`. */
  error?: string;
  /** Size of the written image. */
  width?: number;
  height?: number;
}

/** Counts over a whole run. */
export interface BatchTotals {
  /** Inputs seen (files, and directories or patterns that yielded nothing). */
  inputs: number;
  written: number;
  skipped: number;
  failed: number;
  interrupted: number;
  /** Input pixels of the written images. */
  pixels: number;
  /** Wall-clock time of the run. */
  seconds: number;
}

/** The answer of `convolveFiles`. */
export interface BatchReport {
  /** One entry per input, in the order the inputs were found. */
  results: BatchResult[];
  totals: BatchTotals;
  /** The run was stopped by `signal` before every input was seen. */
  interrupted: boolean;
}

/** Where a run stands; passed to `onProgress`. */
export interface BatchProgress {
  /** Inputs finished, whatever their status. */
  done: number;
  /**
   * All inputs, once counted: directories and patterns are counted by a second walk that runs
   * beside the work, so this is undefined for the first moments of a large run (and always when
   * `inputs` is an async iterable, which can be read only once).
   */
  total?: number;
  written: number;
  skipped: number;
  failed: number;
  seconds: number;
  /** The input just finished (absent on the call that only brings the total). */
  result?: BatchResult;
}

/** An input as found: the file and where its output goes, or why there is nothing to do. */
type Found = { input: string; output: string } | { input: string; error: string };

/** How outputs are named; fixed for a run. */
interface Naming {
  outDir?: string;
  /** `resolve(outDir)`: a walk never enters it, so a run never reads its own outputs. */
  outDirPath?: string;
  suffix: string;
}

const PNG_NAME = /\.png$/i;

/**
 * Convolves every input PNG with `kernel` and writes the results as 8-bit PNGs, on a pool of
 * worker threads. `inputs` are file paths, directories (every `*.png` below them, recursively;
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
  const workerData = checkConvolution(kernel, options);
  const b = optionsObject(batch, 'batch', [
    'outDir', 'suffix', 'jobs', 'color', 'map', 'skipExisting', 'limitInputPixels', 'onProgress', 'signal',
  ]) as BatchOptions;
  const outDir = b.outDir === undefined ? undefined : path(b.outDir, 'batch.outDir');
  const suffix = b.suffix === undefined ? '' : suffixOf(b.suffix);
  const jobs = b.jobs === undefined ? availableParallelism() : integer(b.jobs, 'batch.jobs', 1, 1024);
  workerData.color = b.color === undefined ? false : bool(b.color, 'batch.color');
  workerData.map = b.map === undefined ? 'clamp' : oneOf(b.map, 'batch.map', ['clamp', 'abs', 'normalize']);
  const skipExisting = b.skipExisting === undefined ? false : bool(b.skipExisting, 'batch.skipExisting');
  if (b.limitInputPixels !== undefined) pixelLimit(b.limitInputPixels, 'batch.limitInputPixels');
  workerData.limitInputPixels = b.limitInputPixels;
  if (b.onProgress !== undefined && typeof b.onProgress !== 'function') throw typeError('batch.onProgress', 'a function', b.onProgress);
  const signal = b.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw typeError('batch.signal', 'an AbortSignal', signal);
  const naming: Naming = { outDir, outDirPath: outDir === undefined ? undefined : resolve(outDir), suffix };

  // Checked here when the inputs are a list; from an async iterable, such inputs are refused one by one.
  if (outDir === undefined && suffix === '' && Array.isArray(list) && list.some((item) => typeof item === 'string')) {
    throw rangeError('batch.suffix', 'a non-empty suffix when there is no batch.outDir (outputs would overwrite their inputs)', suffix);
  }

  const run = new Run(naming, skipExisting, b.onProgress);
  if (Array.isArray(list)) {
    run.noteExplicitInputs(list);
    if (b.onProgress) void run.count(list);
  }
  if (signal?.aborted) return run.report(true);

  // Loaded on first use, so that importing the library does not pay for the pool.
  const { Piscina: Pool } = await import('piscina');
  const pool: Piscina<BatchTask, BatchTaskResult> = new Pool<BatchTask, BatchTaskResult>({
    filename: new URL('./batch-worker.js', import.meta.url).href,
    minThreads: 0,
    maxThreads: jobs,
    // Threads stay for the whole run; they go when the pool is destroyed at the end.
    idleTimeout: 60_000,
    workerData,
  });
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

  try {
    for await (const found of expand(list, naming)) {
      if (run.stopped) break;
      const task = run.admit(found);
      if (!task) continue;
      const { entry, output } = task;
      const promise: Promise<void> = pool.run({ input: entry.input, output }).then(
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
      while (inFlight.size >= 2 * jobs && !run.stopped) await Promise.race([...inFlight.keys(), stop]);
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

/** The bookkeeping of one run: the report, the counts, and the path sets behind the safety checks. */
class Run {
  results: BatchResult[] = [];
  written = 0;
  skipped = 0;
  failed = 0;
  pixels = 0;
  total: number | undefined;
  callbackError: unknown;
  /** Set when the run ends or is stopped; the counting walk checks it. */
  stopped = false;
  /** Stops the run (used when onProgress throws). */
  onHalt = () => {};
  private readonly started = performance.now();
  /** Every input so far, and every explicit file input, by absolute path and by `dev:ino`. */
  private readonly inputKeys = new Set<string>();
  /** Absolute output path → the input it belongs to. */
  private readonly outputs = new Map<string, string>();

  constructor(
    private readonly naming: Naming,
    private readonly skipExisting: boolean,
    private readonly onProgress: ((progress: BatchProgress) => void) | undefined,
  ) {}

  /**
   * Explicit file inputs are known before anything is written, so no output may replace one even
   * if it comes first (`a.png`'s default output `a-edge.png` when `a-edge.png` is also an input).
   */
  noteExplicitInputs(list: readonly (string | BatchItem)[]): void {
    for (const item of list) {
      const input = typeof item === 'string' ? item : item.input;
      const stats = statOrUndefined(input);
      if (stats?.isDirectory()) continue;
      this.inputKeys.add(resolve(input));
      if (stats) this.inputKeys.add(fileKey(stats));
    }
  }

  /** Counts the inputs with a second walk beside the work, then reports the total. */
  async count(list: readonly (string | BatchItem)[]): Promise<void> {
    let n = 0;
    try {
      for await (const found of expand(list, this.naming)) {
        void found;
        if (this.stopped) return;
        n++;
      }
    } catch {
      return; // the total stays unknown; the real walk reports the problem
    }
    this.total = n;
    this.progress(undefined);
  }

  /**
   * Decides what to do with one input: a task for the pool, or a result right away (failed,
   * refused, skipped). Never lets an output replace an input of this run or another output.
   */
  admit(found: Found): { entry: BatchResult; output: string } | undefined {
    if ('error' in found) {
      this.settle({ input: found.input, status: 'failed', error: found.error });
      return undefined;
    }
    const { input, output } = found;
    const inputPath = resolve(input);
    const inputStats = statOrUndefined(input);
    const producer = this.outputs.get(inputPath);
    if (producer !== undefined) {
      this.settle({ input, output, status: 'failed', error: `is the output of ${producer} in this run; not read` });
      return undefined;
    }
    this.inputKeys.add(inputPath);
    if (inputStats) this.inputKeys.add(fileKey(inputStats));

    const outputPath = resolve(output);
    const outputStats = statOrUndefined(output);
    if (this.inputKeys.has(outputPath) || (outputStats && this.inputKeys.has(fileKey(outputStats)))) {
      const which = outputPath === inputPath || (inputStats && outputStats && fileKey(inputStats) === fileKey(outputStats))
        ? 'the input itself' : 'another input';
      this.settle({
        input, output, status: 'failed',
        error: `the output ${output} would overwrite ${which}; nothing written (choose another output directory or suffix)`,
      });
      return undefined;
    }
    const first = this.outputs.get(outputPath);
    if (first !== undefined) {
      this.settle({
        input, output, status: 'failed',
        error: `the output ${output} is already the output of ${first}; nothing written (choose another output directory)`,
      });
      return undefined;
    }
    this.outputs.set(outputPath, input);
    if (this.skipExisting && outputStats) {
      this.settle({ input, output, status: 'skipped' });
      return undefined;
    }
    // In the report from now on, in input order; "interrupted" until the pool answers.
    const entry: BatchResult = { input, output, status: 'interrupted' };
    this.results.push(entry);
    return { entry, output };
  }

  /** Records the pool's answer for a scheduled entry. */
  finish(entry: BatchResult, answer: BatchTaskResult): void {
    if (answer.ok) {
      entry.status = 'written';
      entry.width = answer.width;
      entry.height = answer.height;
      this.written++;
      this.pixels += answer.pixels;
    } else {
      entry.status = 'failed';
      entry.error = answer.error;
      this.failed++;
    }
    this.progress(entry);
  }

  /** Records a result decided on this thread. */
  private settle(entry: BatchResult): void {
    this.results.push(entry);
    if (entry.status === 'skipped') this.skipped++;
    else this.failed++;
    this.progress(entry);
  }

  private progress(result: BatchResult | undefined): void {
    if (!this.onProgress || this.callbackError !== undefined) return;
    const done = this.written + this.skipped + this.failed;
    try {
      this.onProgress({
        done,
        total: this.total === undefined ? undefined : Math.max(this.total, done),
        written: this.written,
        skipped: this.skipped,
        failed: this.failed,
        seconds: this.seconds(),
        result,
      });
    } catch (error) {
      this.callbackError = error; // rethrown by convolveFiles once the pool is shut down
      this.stopped = true;
      this.onHalt();
    }
  }

  private seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  report(interrupted: boolean): BatchReport {
    const abandoned = this.results.filter((r) => r.status === 'interrupted').length;
    return {
      results: this.results,
      totals: {
        inputs: this.results.length,
        written: this.written,
        skipped: this.skipped,
        failed: this.failed,
        interrupted: abandoned,
        pixels: this.pixels,
        seconds: this.seconds(),
      },
      interrupted,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Finding the inputs

let picomatchModule: typeof import('picomatch') | undefined;

/** picomatch, loaded the first time a pattern may need it. */
async function loadPicomatch(): Promise<typeof import('picomatch')> {
  picomatchModule ??= (await import('picomatch')).default;
  return picomatchModule;
}

/**
 * Every input as found, lazily: a file as it is; a directory walked for `*.png`; a pattern
 * matched while walking its base directory. A directory or pattern that yields nothing is
 * reported, since it was presumably meant to.
 */
async function* expand(inputs: Iterable<string | BatchItem> | AsyncIterable<string | BatchItem>, naming: Naming): AsyncGenerator<Found> {
  for await (const item of inputs) {
    if (typeof item !== 'string') {
      yield { input: item.input, output: item.output };
      continue;
    }
    const stats = statOrUndefined(item);
    if (stats?.isDirectory()) {
      let any = false;
      const accept = (file: string) => (PNG_NAME.test(file) ? walkedOutput(file, naming, item) : undefined);
      for await (const found of walk(item, naming, accept)) {
        any = true;
        yield found;
      }
      if (!any) yield { input: item, error: 'no .png files in this directory' };
    } else if (!stats && (await loadPicomatch()).scan(item).isGlob) {
      const picomatch = await loadPicomatch();
      const { base, glob } = picomatch.scan(item);
      const root = base === '' ? '.' : base;
      const matches = picomatch(glob, { dot: false });
      // Without `**` a pattern reaches a fixed depth, so deeper directories need not be read.
      const depth = glob.includes('**') ? Infinity : glob.split('/').length - 1;
      const accept = (file: string) => (matches(relative(root, file).split(sep).join('/')) ? walkedOutput(file, naming, root) : undefined);
      let any = false;
      for await (const found of walk(root, naming, accept, depth)) {
        any = true;
        yield found;
      }
      if (!any) yield { input: item, error: 'no file matches this pattern' };
    } else {
      yield { input: item, output: outputName(item, naming) };
    }
  }
}

/**
 * Files below `root`, depth first, reading one directory at a time as a stream (a folder of
 * 100,000 files is never listed whole). Names starting with `.` are skipped, as shells and glob
 * libraries do; symbolic links to directories are not followed (no cycles); the output directory
 * is never entered. `accept` names a file's output, or refuses it with undefined.
 */
async function* walk(
  root: string, naming: Naming, accept: (file: string) => string | undefined, maxDepth = Infinity,
): AsyncGenerator<Found> {
  const pending: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  while (pending.length > 0) {
    const { dir, depth } = pending.pop()!;
    const subdirs: string[] = [];
    try {
      const handle = await opendir(dir);
      for await (const entry of handle) {
        if (entry.name.startsWith('.')) continue;
        const file = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (depth < maxDepth && resolve(file) !== naming.outDirPath) subdirs.push(file);
        } else if (entry.isFile() || entry.isSymbolicLink()) {
          const output = accept(file);
          if (output !== undefined) yield { input: file, output };
        }
      }
    } catch (error) {
      yield { input: dir, error: `cannot read the directory: ${errorReason(error)}` };
    }
    // Reversed, so that popping visits subdirectories in the order they were listed.
    for (let i = subdirs.length - 1; i >= 0; i--) pending.push({ dir: subdirs[i], depth: depth + 1 });
  }
}

/**
 * The output path of `file`: in `outDir` (below it as `file` is below `root`, for a file found by
 * a walk) or next to the input, with the suffix added to the stem.
 */
function outputName(file: string, naming: Naming, root?: string): string {
  const { outDir, suffix } = naming;
  const name = basename(file);
  const renamed = suffix === '' ? name : `${parse(name).name}${suffix}.png`;
  if (outDir === undefined) return join(dirname(file), renamed);
  return join(outDir, root === undefined ? '' : dirname(relative(root, file)), renamed);
}

/**
 * The output of a file found by a walk, or undefined to leave it out: without `outDir`, a file
 * whose stem already ends in the suffix is taken for an earlier output (`photo-edge.png` when the
 * suffix is `-edge`), so running the same command twice does not filter its own results.
 */
function walkedOutput(file: string, naming: Naming, root: string): string | undefined {
  if (naming.outDir === undefined && naming.suffix !== '' && parse(file).name.endsWith(naming.suffix)) return undefined;
  return outputName(file, naming, root);
}

/** `dev:ino`: the same file under any name (never a valid absolute path, so it shares sets with them). */
function fileKey(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function errorReason(error: unknown): string {
  const code = (error as { code?: string })?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'ENOTDIR') return 'not a directory';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Removes the temp files `writePng` may have left for these outputs when their worker thread was
 * stopped mid-write: `.<name>.<pid>.<hex>.tmp` beside each output, for this process's pid only
 * (another process may be writing the same directory). Returns the paths removed.
 * @example
 * await removeTempFiles(['out/a.png']) // ['out/.a.png.4242.3f9a0c1b2d4e.tmp']
 */
export async function removeTempFiles(outputs: Iterable<string>, pid = process.pid): Promise<string[]> {
  const byDir = new Map<string, Set<string>>();
  for (const output of outputs) {
    const dir = dirname(output);
    if (!byDir.has(dir)) byDir.set(dir, new Set());
    byDir.get(dir)!.add(basename(output));
  }
  const removed: string[] = [];
  for (const [dir, names] of byDir) {
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      continue; // no directory, no temp files
    }
    for (const entry of entries) {
      const m = /^\.(.+)\.(\d+)\.[0-9a-f]+\.tmp$/.exec(entry);
      if (!m || Number(m[2]) !== pid || !names.has(m[1])) continue;
      try {
        await unlink(join(dir, entry));
        removed.push(join(dir, entry));
      } catch {}
    }
  }
  return removed;
}

// ---------------------------------------------------------------------------------------------
// Argument checks

function checkInputs(inputs: unknown): readonly (string | BatchItem)[] | AsyncIterable<string | BatchItem> {
  if (typeof inputs === 'string') return [path(inputs, 'inputs')];
  if (inputs === null || typeof inputs !== 'object') {
    throw typeError('inputs', 'an array or iterable of paths or { input, output } pairs', inputs);
  }
  const check = (item: unknown, i: number | string): string | BatchItem => {
    if (typeof item === 'string') return path(item, `inputs[${i}]`);
    if (!isPlainObject(item)) throw typeError(`inputs[${i}]`, 'a path or an { input, output } pair', item);
    const pair = optionsObject(item, `inputs[${i}]`, ['input', 'output']);
    return { input: path(pair.input, `inputs[${i}].input`), output: path(pair.output, `inputs[${i}].output`) };
  };
  if (Symbol.iterator in inputs) return Array.from(inputs as Iterable<unknown>, check);
  if (Symbol.asyncIterator in inputs) {
    const source = inputs as AsyncIterable<unknown>;
    return (async function* checked() {
      let i = 0;
      for await (const item of source) yield check(item, i++);
    })();
  }
  throw typeError('inputs', 'an array or iterable of paths or { input, output } pairs', inputs);
}

/** Checks the kernel and convolution options once, before any file is touched. */
function checkConvolution(kernel: Kernel, options: ConvolveOptions | undefined): BatchWorkerData {
  const k = checkKernel(kernel);
  if (isPlainObject(options) && options.out !== undefined) {
    throw typeError('options.out', 'nothing (each image gets its own output in a batch)', options.out);
  }
  // Image-independent checks only: a 1×1 kernel on a 1×1 image never has an empty output.
  const plan = planConvolution(options, 1, 1, 1, 1);
  if (plan.method === 'separable' && !factorize(k)) {
    throw rangeError('options.method', '"auto" or "direct" for this kernel, which is not separable (rank 1)', plan.method);
  }
  return { kernel: k, options: { ...options }, color: false, map: 'clamp' };
}

function path(value: unknown, name: string): string {
  if (typeof value !== 'string') throw typeError(name, 'a path string', value);
  if (value === '') throw rangeError(name, 'a non-empty path', value);
  return value;
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
