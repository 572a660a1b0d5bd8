/**
 * A job's convolution in and out of JSON: `specOf` turns the checked settings of `enqueueFiles`
 * into the plain object every job carries, and `settingsOf` checks what a worker receives (it
 * comes from Redis, so it is checked again, by the same code that checks a local batch) and gives
 * back what the library's batch worker threads take.
 */
import { checkConvolution, checkFileOptions, type FileSettings } from '../node/batch/index.js';
import type { BatchWorkerData } from '../node/batch/worker.js';
import { isPlainObject } from '../core/validate.js';
import type { ConvolveOptions, Kernel } from '../core/types.js';
import type { JobSpec } from './records.js';

/**
 * The JSON-safe spec of a checked batch.
 * @example
 * specOf(checkFileOptions({ outDir: 'edges' }, ['photos/'], checkConvolution(kernels.edge, {}, undefined)))
 * // { kernel: { width: 3, height: 3, data: [-1, -1, …] }, options: {}, color: false, map: 'clamp', skipExisting: false }
 */
export function specOf(settings: FileSettings): JobSpec {
  const { kernel, options, color, map, limitInputPixels } = settings.workerData;
  return {
    kernel: { width: kernel.width, height: kernel.height, data: Array.from(kernel.data) },
    // Through JSON once, so that the id is hashed from exactly what the worker will read.
    options: JSON.parse(JSON.stringify(options)) as Record<string, unknown>,
    color,
    map,
    limitInputPixels,
    skipExisting: settings.skipExisting,
  };
}

/**
 * A job's spec, checked, as the batch worker threads take it; throws a TypeError or RangeError
 * naming the bad field (`spec.kernel.data`, `options.padding`, …).
 * @example
 * settingsOf(job.data.spec) // { workerData: { kernel, options, color, map, limitInputPixels }, skipExisting: false }
 */
export function settingsOf(spec: unknown): { workerData: BatchWorkerData; skipExisting: boolean } {
  if (!isPlainObject(spec)) throw new TypeError('the job carries no spec object');
  const convolution = checkConvolution(spec.kernel as Kernel, spec.options as ConvolveOptions, spec.limitInputPixels);
  const { workerData } = checkFileOptions(
    { color: spec.color as boolean, map: spec.map as JobSpec['map'], limitInputPixels: spec.limitInputPixels as number | boolean | undefined },
    [],
    convolution,
  );
  const skipExisting = spec.skipExisting === true;
  return { workerData, skipExisting };
}
