/**
 * Worker-thread side of `convolveFiles` (see index.ts): one piscina task is one image, and the
 * whole pipeline runs here, `convolveFile` (read by rows → grayscale or RGB → convolve → 8 bits →
 * filter → deflate → atomic write; small images whole), so the
 * main thread only schedules and images never cross threads. What every task shares (kernel,
 * options) arrives once, as the pool's workerData. A task never throws: it returns the output
 * size or the reason it failed, already worded for `file: reason`.
 */
import { dirname, resolve } from 'node:path';
import { workerData } from 'node:worker_threads';
import { canny } from '../../core/edges/canny.js';
import { gradient } from '../../core/edges/gradient.js';
import { toGrayscale } from '../../core/pixels/grayscale.js';
import { toUint8 } from '../../core/pixels/uint8.js';
import type { ConvolveOptions, Image, Uint8Map } from '../../core/types.js';
import { readPng, writePng } from '../png.js';
import type { KernelMatrix } from '../../core/validate.js';
import { convolveFile, type FileOptions } from '../file.js';
import { fileReason } from '../file-reason.js';
import { makeDirectory } from '../files.js';
import type { BatchEdges } from './types.js';

/** What all tasks of one batch share. */
export interface BatchWorkerData {
  kernel: KernelMatrix;
  options: ConvolveOptions & { limitInputPixels?: number | boolean };
  color: boolean;
  map: Uint8Map;
  limitInputPixels?: number | boolean;
  edges?: BatchEdges;
}

/** One image: where to read it and where to write the result. */
export interface BatchTask {
  input: string;
  output: string;
}

/** A task's answer: the output's size, or why there is none. */
export type BatchTaskResult =
  | { ok: true; width: number; height: number; pixels: number }
  | { ok: false; error: string };

const shared = workerData as BatchWorkerData;
const fileOptions: FileOptions = {
  ...shared.options,
  limitInputPixels: shared.options.limitInputPixels ?? shared.limitInputPixels,
  grayscale: !shared.color,
  // --color convolves RGB, alpha dropped (as cv2.imread does).
  dropAlpha: true,
  map: shared.map,
};

/**
 * Converts one file through `convolveFile` (streamed by rows when large); the pool calls it with
 * each task.
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
  try {
    if (shared.edges) {
      const result = edges(input, output, shared.edges);
      return { ok: true, width: result.width, height: result.height, pixels: result.width * result.height };
    }
    const result = await convolveFile(input, output, shared.kernel, fileOptions);
    return { ok: true, width: result.width, height: result.height, pixels: result.input.width * result.input.height };
  } catch (error) {
    // convolveFile names the file at fault: the output when writing failed, else the input.
    if (error instanceof Error && error.message.startsWith(`${output}: `)) {
      return { ok: false, error: `cannot write ${output}: ${fileReason(error)}` };
    }
    return { ok: false, error: readReason(error, input) };
  }
}

/** Canny's map, or the gradient magnitude as bytes, of the image's gray (edges need the whole image). */
function edges(input: string, output: string, job: BatchEdges): Image<Uint8Array> {
  const gray = toGrayscale(readPng(input, { limitInputPixels: shared.limitInputPixels }));
  const limit = { limitInputPixels: shared.limitInputPixels };
  const result = 'canny' in job ? canny(gray, { ...job.canny, ...limit }) : toUint8(gradient(gray, { ...job.gradient, ...limit }).magnitude, { map: shared.map });
  writePng(output, result);
  return result;
}

/** The reason part of `file: reason`, without the file name when the message already starts with it. */
function readReason(error: unknown, input: string): string {
  const reason = fileReason(error);
  for (const prefix of [`${input}: `, `${resolve(input)}: `]) {
    if (reason.startsWith(prefix)) return reason.slice(prefix.length);
  }
  return reason;
}
