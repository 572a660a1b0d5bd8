/**
 * The work of the CLI once the command line is known to be good: hand the inputs to
 * `convolveFiles` (which expands directories and patterns, refuses to overwrite inputs and runs
 * the images on worker threads), print a line per image and the progress, and turn the report
 * into the exit status.
 */
import { statSync } from 'node:fs';
import { convolveFiles } from '../node/index.js';
import type { BatchItem, BatchOptions, BatchReport } from '../node/index.js';
import type { CliOptions } from './args.js';
import { inFlagWords, printable } from './flag-words.js';
import { createDisplay, type Output, type ProgressMode } from './progress.js';
import { UsageError } from './usage.js';
import { STDIO, runStdio } from './stdio.js';

export type { Output } from './progress.js';

const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** The exit status for a run stopped by SIGINT (128 + 2), as shells report it. */
export const INTERRUPTED = 130;

/**
 * Processes every input and returns the exit status: 0 when every output was written (or skipped
 * with --skip-existing), 1 when some input failed (each named on stderr as `file: reason`), 130
 * when `signal` stopped the run (after printing the partial report).
 * @example
 * const status = await run(parseCli(['photos/', '--out-dir', 'edges']).options);
 */
export async function run(options: CliOptions, io: Output = processOutput, signal?: AbortSignal): Promise<0 | 1 | 130> {
  if (options.inputs[0] === STDIO || options.output === STDIO) return runStdio(options, io);
  const { inputs, ...files } = batchOf(options);
  const display = await createDisplay(progressMode(options), io, process.stdout.isTTY === true);
  const listFiles = !options.quiet && !options.json;

  let report: BatchReport;
  try {
    report = await convolveFiles(inputs, options.kernel, options.convolve, {
      ...files,
      jobs: options.jobs,
      weights: options.weights,
      quality: options.quality,
      depth: options.depth,
      edges: options.edges,
      signal,
      onProgress(progress) {
        const r = progress.result;
        if (r?.status === 'failed') display.err(printable(`${r.input}: ${inFlagWords(r.error ?? '')}`));
        else if (r?.status === 'written' && listFiles) display.out(printable(`wrote ${r.output} (${r.width}×${r.height})`));
        else if (r?.status === 'skipped' && listFiles) display.out(printable(`skipped ${r.output} (exists)`));
        display.update(progress);
      },
    });
  } catch (error) {
    display.finish(emptyReport());
    // convolveFiles checks every argument before touching a file and then never throws, so a
    // TypeError or RangeError here is a bad flag value the CLI's own parsing let through
    // (--padding 1048576, --jobs 5000, a kernel over the size limits): a usage error.
    if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(inFlagWords(error.message));
    throw error;
  }
  display.finish(report);
  if (options.json) {
    const results = report.results.map((r) => (r.error === undefined ? r : { ...r, error: inFlagWords(r.error) }));
    io.out(JSON.stringify({ ...report, results }, null, 2));
  }
  if (report.interrupted) return INTERRUPTED;
  return report.totals.failed === 0 ? 0 : 1;
}

/**
 * The inputs and output options of a batch as the command line names them: `-o` makes one
 * explicit pair, and the default suffix is `-<kernel>` without --out-dir. Shared by a local run
 * and `conv2d enqueue`, so a queued batch names its outputs as a local run does.
 * @example
 * batchOf(parseCli(['a.png', '-k', 'sobelX']).options) // { inputs: ['a.png'], suffix: '-sobelX', … }
 */
export function batchOf(options: CliOptions): { inputs: (string | BatchItem)[] } & Pick<BatchOptions, 'outDir' | 'suffix' | 'color' | 'map' | 'skipExisting' | 'limitInputPixels'> {
  return {
    inputs: options.output !== undefined ? [{ input: options.inputs[0], output: options.output }] : options.inputs,
    outDir: options.outDir,
    suffix: options.suffix ?? (options.outDir === undefined ? `-${options.kernelName}` : ''),
    color: options.color,
    map: options.map,
    skipExisting: options.skipExisting,
    limitInputPixels: options.limitInputPixels,
  };
}

/**
 * No progress for --quiet, nor for a single file (its `wrote` line says it all); otherwise a bar
 * on a terminal and plain periodic lines elsewhere, on stderr.
 */
function progressMode(options: CliOptions): ProgressMode {
  if (options.quiet) return 'none';
  if (options.inputs.length === 1 && (options.output !== undefined || isFile(options.inputs[0]))) return 'none';
  return process.stderr.isTTY ? 'bar' : 'lines';
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function emptyReport(): BatchReport {
  return {
    results: [],
    totals: { inputs: 0, written: 0, skipped: 0, failed: 0, interrupted: 0, pixels: 0, seconds: 0 },
    interrupted: false,
  };
}
