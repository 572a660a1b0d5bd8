/**
 * The bookkeeping of one batch run (the report, the counts, and the path sets that keep every
 * input safe from every output: `Run.admit`) and the clean-up of temp files that a stopped worker
 * thread may leave.
 */
import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BatchItem, BatchProgress, BatchReport, BatchResult } from './types.js';
import { expand, fileKey, statOrUndefined, type Found, type Naming } from './inputs.js';
import type { BatchTaskResult } from './worker.js';
import { shortName } from '../files.js';

/** A temp file of an atomic write: `.<name>.<pid>.<hex>.tmp` (see files.ts `tempPathFor`). */
const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]+\.tmp$/;

/** Whether a process with this pid runs (signal 0 checks without sending anything). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'; // it runs, as another user
  }
}

/** The bookkeeping of one run: the report, the counts, and the path sets behind the safety checks. */
export class Run {
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

/**
 * Removes the temp files `writePng` may have left for these outputs when their worker thread was
 * stopped mid-write: `.<name>.<pid>.<hex>.tmp` beside each output, for this process's pid only
 * (another process may be writing the same directory), or for any pid with `'any'` (a queue
 * worker retrying a job whose first worker died). Returns the paths removed.
 * @example
 * await removeTempFiles(['out/a.png']) // ['out/.a.png.4242.3f9a0c1b2d4e.tmp']
 */
export async function removeTempFiles(outputs: Iterable<string>, pid: number | 'any' = process.pid): Promise<string[]> {
  const byDir = new Map<string, Set<string>>();
  for (const output of outputs) {
    const dir = dirname(output);
    if (!byDir.has(dir)) byDir.set(dir, new Set());
    // A name too long to carry the temp suffix is written under a hash of it (files.ts).
    byDir.get(dir)!.add(basename(output)).add(shortName(basename(output)));
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
      const m = TEMP_NAME.exec(entry);
      if (!m || !names.has(m[1]) || (pid !== 'any' && Number(m[2]) !== pid)) continue;
      try {
        await unlink(join(dir, entry));
        removed.push(join(dir, entry));
      } catch {}
    }
  }
  return removed;
}

/**
 * Removes the temp files in `dir` left by atomic writes of processes that no longer run (a run
 * killed with SIGKILL leaves its temp file; a resumed run, `skipExisting`, clears them). A temp
 * file of a live process, this one or another writing the same directory, is left alone.
 * @example
 * await removeStaleTempFiles('out') // ['out/.a.png.4242.3f9a0c1b2d4e.tmp']
 */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return []; // no directory, no temp files
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const m = TEMP_NAME.exec(entry);
    if (!m || isAlive(Number(m[2]))) continue;
    try {
      await unlink(join(dir, entry));
      removed.push(join(dir, entry));
    } catch {}
  }
  return removed;
}
