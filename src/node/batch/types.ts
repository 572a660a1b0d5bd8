/** The public types of `convolveFiles`: its options, its report, and its progress events. */
import type { GrayWeights, Uint8Map } from '../../core/types.js';
import type { CannyOptions } from '../../core/edges/canny.js';
import type { GradientOptions } from '../../core/edges/gradient.js';

/**
 * Edge detection instead of the convolution: `canny`'s 0/255 map, or `gradient`'s magnitude mapped
 * to bytes by `map`, of each image's BT.601 gray.
 */
export type BatchEdges = { canny: CannyOptions } | { gradient: Omit<GradientOptions, 'direction'> };

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
   * Added to each output's file stem: `photo.jpg` → `photo<suffix>.png`. Default `""` with `outDir`
   * (names kept as they are); without `outDir`, as the CLI: `-` and the kernel's name (`-edge`,
   * `-box5`; `-custom` for a kernel that is not one of the library's).
   */
  suffix?: string;
  /** Quality of JPEG outputs (those named .jpg or .jpeg), 1–100 (default 80). */
  quality?: number;
  /**
   * 8 (default): 8-bit outputs. 16: the images are read with 16-bit samples (16-bit PNGs as stored,
   * 8-bit files times 257) and written as 16-bit PNGs (`convolveToUint16`); JPEG outputs then fail.
   */
  depth?: 8 | 16;
  /**
   * Worker threads (default: `os.availableParallelism()`). Each works on two images at once, so
   * that one convolves while zlib inflates or deflates the other on Node's thread pool.
   */
  jobs?: number;
  /** `true` convolves R, G and B and writes RGB (alpha dropped); default: grayscale (BT.601). */
  color?: boolean;
  /** Weights of the gray conversion, as toGrayscale's `weights` (default "bt601"). */
  weights?: GrayWeights;
  /** How results become 8-bit pixels, as `toUint8` (default `"clamp"`). */
  map?: Uint8Map;
  /** Edge detection instead of convolving (`kernel` and `options` are then not used; no `color`). */
  edges?: BatchEdges;
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
