/**
 * Worker-thread side of `convolveFiles` (see index.ts): one piscina task is one image, and the
 * whole pipeline runs here, so the main thread only schedules and images never cross threads.
 * A PNG (by content) in and out at 8 bits goes through `convolveFile` (read by rows → grayscale or RGB →
 * convolve → 8 bits → filter → deflate → atomic write; small images whole); a JPEG input or
 * output, 16 bits, and edge detection take the whole image (read → pipeline → write). What every
 * task shares (kernel, options) arrives once, as the pool's workerData. A task never throws: it
 * returns the output size or the reason it failed, already worded for `file: reason`.
 */
import { dirname, resolve } from 'node:path';
import { workerData } from 'node:worker_threads';
import { withoutAlpha } from '../../core/pixels/alpha.js';
import { convolveToUint8, convolveToUint16, type PipelineOptions } from '../../core/pixels/pipeline.js';
import type { ConvolveOptions, GrayWeights, Image, Uint8Map } from '../../core/types.js';
import type { KernelMatrix } from '../../core/validate.js';
import { convolveFileWith, type FileOptions } from '../file.js';
import { fileReason } from '../file-reason.js';
import { makeDirectory } from '../files.js';
import { formatOfFile, formatOfPath, readImage, writeImage } from '../image.js';
import { writePng } from '../png.js';
import { edgeImage } from './edge-image.js';
import type { BatchEdges } from './types.js';

/** What all tasks of one batch share. */
export interface BatchWorkerData {
  kernel: KernelMatrix;
  options: ConvolveOptions & { limitInputPixels?: number | boolean };
  color: boolean;
  map: Uint8Map;
  limitInputPixels?: number | boolean;
  edges?: BatchEdges;
  /** JPEG outputs' quality. */
  quality?: number;
  /** 8 or 16 bits per output sample. */
  depth?: 8 | 16;
  /** Gray conversion weights, as the caller gave them (checked). */
  weights?: GrayWeights;
}

/** One image: where to read it and where to write the result. */
export interface BatchTask {
  input: string;
  output: string;
  /** Inflate and deflate on this thread, not on Node's thread pool (every core has a busy worker). */
  zlibOnThread?: boolean;
}

/** A task's answer: the output's size, or why there is none. */
export type BatchTaskResult =
  | { ok: true; width: number; height: number; pixels: number }
  | { ok: false; error: string };

const shared = workerData as BatchWorkerData;
const pipelineOptions: PipelineOptions = {
  ...shared.options,
  limitInputPixels: shared.options.limitInputPixels ?? shared.limitInputPixels,
  grayscale: !shared.color,
  map: shared.map,
  weights: shared.weights,
};
// --color convolves RGB, alpha dropped (as cv2.imread does).
const fileOptions: FileOptions = { ...pipelineOptions, dropAlpha: true };
const decodeOptions = { limitInputPixels: shared.limitInputPixels, depth: shared.depth };

/**
 * Converts one file; the pool calls it with each task.
 * @example
 * await convertFile({ input: 'in/a.png', output: 'out/a.png' }) // { ok: true, width: 640, height: 480, pixels: 307200 }
 */
export default async function convertFile(task: BatchTask): Promise<BatchTaskResult> {
  const { input, output } = task;
  const dir = dirname(output);
  try {
    makeDirectory(dir);
  } catch (error) {
    return { ok: false, error: `cannot create directory ${dir}: ${fileReason(error)}` };
  }
  // Only a PNG (by content) streams; anything else is for readImage to decode or to name the problem with.
  const whole = shared.edges !== undefined || shared.depth === 16 || formatOfPath(output) === 'jpeg' || formatOfFile(input) !== 'png';
  if (whole) return convertWhole(input, output);
  try {
    const result = await convolveFileWith(input, output, shared.kernel, fileOptions, task.zlibOnThread === true);
    return { ok: true, width: result.width, height: result.height, pixels: result.input.width * result.input.height };
  } catch (error) {
    // convolveFile names the file at fault: the output when writing failed, else the input.
    if (error instanceof Error && error.message.startsWith(`${output}: `)) {
      return { ok: false, error: `cannot write ${output}: ${fileReason(error)}` };
    }
    return { ok: false, error: readReason(error, input) };
  }
}

/** The whole-image path: read (PNG or JPEG, 8 or 16 bits), filter, write (PNG, or JPEG by the output's name). */
function convertWhole(input: string, output: string): BatchTaskResult {
  let result: Image<Uint8Array | Uint16Array>;
  let pixels: number;
  try {
    const decoded = readImage(input, decodeOptions);
    pixels = decoded.width * decoded.height;
    result = shared.edges ? edgeImage(decoded, shared.edges, shared) : filter(decoded);
  } catch (error) {
    return { ok: false, error: readReason(error, input) };
  }
  try {
    if (formatOfPath(output) === 'jpeg') writeImage(output, result, { quality: shared.quality });
    else writePng(output, result); // any other name gets PNG, as convolveFile writes
  } catch (error) {
    return { ok: false, error: `cannot write ${output}: ${fileReason(error)}` };
  }
  return { ok: true, width: result.width, height: result.height, pixels };
}

/**
 * One image through the library's pipeline: `convolveToUint8`, or `convolveToUint16` with
 * `depth: 16`; gray, or RGB without alpha with `color`.
 */
function filter(decoded: Image<Uint8Array | Uint16Array>): Image<Uint8Array | Uint16Array> {
  const source = shared.color ? withoutAlpha(decoded) : decoded;
  return (shared.depth === 16 ? convolveToUint16 : convolveToUint8)(source, shared.kernel, pipelineOptions);
}

/** The reason part of `file: reason`, without the file name when the message already starts with it. */
function readReason(error: unknown, input: string): string {
  const reason = fileReason(error);
  for (const prefix of [`${input}: `, `${resolve(input)}: `]) {
    if (reason.startsWith(prefix)) return reason.slice(prefix.length);
  }
  return reason;
}
