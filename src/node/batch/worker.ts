/**
 * Worker-thread side of `convolveFiles` (see index.ts): one piscina task is one image, and the
 * whole pipeline runs here (read PNG or JPEG → grayscale or RGB → convolve → 8 bits → atomic write), so the
 * main thread only schedules and images never cross threads. What every task shares (kernel,
 * options) arrives once, as the pool's workerData. A task never throws: it returns the output
 * size or the reason it failed, already worded for `file: reason`.
 */
import { dirname, resolve } from 'node:path';
import { workerData } from 'node:worker_threads';
import { withoutAlpha } from '../../core/pixels/alpha.js';
import { convolveToUint8, convolveToUint16 } from '../../core/pixels/pipeline.js';
import type { ConvolveOptions, GrayWeights, Image, Uint8Map } from '../../core/types.js';
import type { KernelMatrix } from '../../core/validate.js';
import { readImage, writeImage } from '../image.js';
import { fileReason } from '../file-reason.js';
import { makeDirectory } from '../files.js';

/** What all tasks of one batch share. */
export interface BatchWorkerData {
  kernel: KernelMatrix;
  options: ConvolveOptions & { limitInputPixels?: number | boolean };
  color: boolean;
  map: Uint8Map;
  limitInputPixels?: number | boolean;
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
}

/** A task's answer: the output's size, or why there is none. */
export type BatchTaskResult =
  | { ok: true; width: number; height: number; pixels: number }
  | { ok: false; error: string };

const shared = workerData as BatchWorkerData;
const convolveOptions: ConvolveOptions & { limitInputPixels?: number | boolean } = {
  ...shared.options,
  limitInputPixels: shared.options.limitInputPixels ?? shared.limitInputPixels,
};
const decodeOptions = { limitInputPixels: shared.limitInputPixels, depth: shared.depth };

/**
 * Converts one file; the pool calls it with each task.
 * @example
 * convertFile({ input: 'in/a.png', output: 'out/a.png' }) // { ok: true, width: 640, height: 480, pixels: 307200 }
 */
export default function convertFile(task: BatchTask): BatchTaskResult {
  const { input, output } = task;
  let result: Image<Uint8Array | Uint16Array>;
  let pixels: number;
  try {
    const decoded = readImage(input, decodeOptions);
    pixels = decoded.width * decoded.height;
    result = filter(decoded);
  } catch (error) {
    return { ok: false, error: readReason(error, input) };
  }
  const dir = dirname(output);
  try {
    makeDirectory(dir);
  } catch (error) {
    return { ok: false, error: `cannot create directory ${dir}: ${fileReason(error)}` };
  }
  try {
    writeImage(output, result, { quality: shared.quality });
  } catch (error) {
    return { ok: false, error: `cannot write ${output}: ${fileReason(error)}` };
  }
  return { ok: true, width: result.width, height: result.height, pixels };
}

/**
 * One file's pixels through the library's one 8-bit pipeline, `convolveToUint8`: gray (fused with
 * the convolution and the byte map in WebAssembly) or RGB without alpha, per channel; or the
 * 16-bit one, `convolveToUint16`, with `depth: 16`. The decoded
 * image is dropped on return.
 */
function filter(decoded: Image<Uint8Array | Uint16Array>): Image<Uint8Array | Uint16Array> {
  const source = shared.color ? withoutAlpha(decoded) : decoded;
  return (shared.depth === 16 ? convolveToUint16 : convolveToUint8)(source, shared.kernel, { ...convolveOptions, grayscale: !shared.color, weights: shared.weights, map: shared.map });
}

/** The reason part of `file: reason`, without the file name when the message already starts with it. */
function readReason(error: unknown, input: string): string {
  const reason = fileReason(error);
  for (const prefix of [`${input}: `, `${resolve(input)}: `]) {
    if (reason.startsWith(prefix)) return reason.slice(prefix.length);
  }
  return reason;
}
