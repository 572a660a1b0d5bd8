/**
 * The WebAssembly boundary. Everything that loads the kernels or touches linear memory is here
 * or in ./wasm/: instance.ts (loading, growth, layout), band.ts (padded rows, a band at a time),
 * direct.ts (the direct and separable paths) and fft.ts (the FFT path). This file picks a path.
 *
 * Memory stays bounded for any image: all paths work a band (or a strip of tiles) of output rows
 * at a time, copying each band's result into the caller's array.
 */
import type { ConvolvePlan } from '../convolve/options.js';
import type { Factors } from '../convolve/separable.js';
import type { Image } from '../types.js';
import type { KernelMatrix } from '../validate.js';
import { STRIDE_SIMD, convolveDirect } from './direct.js';
import { LARGEST_TILE, convolveFft, fftWork, tileSize } from './fft.js';
import { fresh, getModule, reserve, type RowRange, type Target } from './instance.js';
import { scratchLayout } from './linear.js';

export type { Target } from './instance.js';

export { init, wasmMemoryBytes } from './instance.js';

/** The paths `method: "auto"` chooses between. */
export type Path = 'direct' | 'separable' | 'fft';

/**
 * Nanoseconds per unit of work on each path, measured by a sweep of kernels 1..31 at 256², 1024²
 * and 2048² (one core, Node 20, x86-64, 2026-11-25, after the paired-row direct kernel and the
 * radix-4 FFT): direct, per tap and output (SIMD along rows when sx = 1, scalar otherwise; 1-D
 * passes share fewer loads per tap, so cost more); FFT, per T²·log2(T) of each complex tile
 * transform; pixel, each value copied into or out of linear memory. Only their ratios matter.
 * Predictions land within ~10% of that sweep; the direct/FFT crossover is 13×13 to 15×15 at 1024².
 */
const COST = { tap: 0.042, tap1d: 0.058, tapScalar: 0.6, fft: 0.8, pixel: 0.25 };

/** Estimated time of each path, in ns. */
export function pathCosts(image: Image, kernel: KernelMatrix, plan: ConvolvePlan, separable: boolean): Record<Path, number> {
  const { outH, outW, sx, sy, dy, dx } = plan;
  const C = image.channels;
  const padH = image.height + plan.top + plan.bottom, padW = image.width + plan.left + plan.right;
  // sx ≤ STRIDE_SIMD runs as a stride-1 SIMD row, subsampled: sx times the taps at the SIMD rate.
  const perTap = sx === 1 ? COST.tap : sx <= STRIDE_SIMD ? COST.tap * sx : COST.tapScalar;
  const outputs = outH * outW * C;
  const copies = (outputs + padW * Math.min(padH, outH * sy + dy * kernel.height) * C) * COST.pixel;
  const direct = outputs * kernel.data.length * perTap + copies;
  const sep = separable
    ? outH * padW * C * kernel.height * COST.tap1d + outputs * kernel.width * (sx === 1 ? COST.tap1d : sx <= STRIDE_SIMD ? COST.tap1d * sx : COST.tapScalar) +
      copies + outH * padW * C * COST.pixel
    : Infinity;
  const sH = dy * (kernel.height - 1) + 1, sW = dx * (kernel.width - 1) + 1;
  const T = tileSize(sH, sW, sy, sx, outH, outW, C);
  const fft = T > LARGEST_TILE ? Infinity : fftWork(T, sH, sW, sy, sx, outH, outW, C) * COST.fft + copies;
  return { direct, separable: sep, fft };
}

/** Float32 values scanned a call: 256 KiB copied into linear memory at a time (L2-resident for the scan). */
const SCAN_CHUNK = 1 << 16;

/**
 * The largest finite |value| in the image or cval, and whether every value is finite: each piece
 * of a float32 image is copied into linear memory and scanned there four lanes at a time
 * (assembly/pixels.ts `magnitudeF32`): 1.4 ms at 2048², where the JavaScript loop it replaced
 * took 2.5–2.8 ms, and this scan is part of every float32 call that could take a fast path.
 */
function magnitude(image: Image, cval: number): { max: number; finite: boolean } {
  if (!(image.data instanceof Float32Array)) return { max: Math.max(image.data instanceof Uint16Array ? 65535 : 255, Math.abs(cval)), finite: true };
  const wasm = getModule();
  const layout = scratchLayout(wasm);
  const length = image.data.length;
  const ptr = layout.take(Math.min(SCAN_CHUNK, length) * 4);
  const out = layout.take(8);
  reserve(wasm, layout.end, 'A float32 image scan');
  // Views made once, after growing: nothing in the loop grows memory.
  const data = fresh(image.data as Float32Array);
  const staged = new Float32Array(wasm.memory.buffer, ptr, Math.min(SCAN_CHUNK, length));
  const result = new DataView(wasm.memory.buffer, out, 8);
  let max = Math.abs(cval);
  let finite = true;
  // An allocImage image is scanned where it lies.
  const inPlace = data.buffer === wasm.memory.buffer;
  for (let i = 0; i < data.length; i += SCAN_CHUNK) {
    const piece = data.subarray(i, i + SCAN_CHUNK);
    if (!inPlace) staged.set(piece);
    wasm.magnitudeF32(inPlace ? piece.byteOffset : ptr, piece.length, out);
    max = Math.max(max, result.getFloat32(0, true));
    finite &&= result.getInt32(4, true) === 1;
  }
  return { max, finite };
}

const sumAbs = (values: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.abs(values[i]);
  return s;
};

/**
 * Whether a fast path gives the direct sum's answer for this image.
 * - FFT: its rounding error scales with the largest value in a tile (float64 transforms: about
 *   5e-16 of max|P|·Σ|K|), not with each output, and one NaN or ±Infinity pixel turns its whole
 *   tile into NaN, where the direct sum puts them only in the windows that hold them. So it needs
 *   every value finite and max|P|·Σ|K| ≤ 1e9, which keeps its error under 1e-6 everywhere.
 * - Separable: the vertical pass's float32 intermediate, Σ u[m]·P, can overflow where no product of
 *   the definition does (a tap 2 next to a pixel 2e38). It needs max|P|·Σ|u| ≤ 1e37.
 * 8-bit and 16-bit images always qualify for both.
 */
export function pathSafe(path: Path, image: Image, kernel: KernelMatrix, plan: ConvolvePlan, factors?: Factors): boolean {
  if (path === 'direct') return true;
  const { max, finite } = magnitude(image, plan.cval);
  if (path === 'fft') return finite && max * sumAbs(kernel.data) <= 1e9;
  return factors !== undefined && max * sumAbs(factors.column) <= 1e37;
}

/**
 * The path for a call: the one asked for, or the cheapest that applies; a fast path (asked for
 * or chosen) falls back when `pathSafe` says it would not give the direct sum's answer.
 */
export function choosePath(image: Image, kernel: KernelMatrix, plan: ConvolvePlan, factors: Factors | undefined): Path {
  const path = preferredPath(image, kernel, plan, factors);
  if (path === 'fft' && !fftWorthIt(image, kernel, plan)) return 'direct';
  if (pathSafe(path, image, kernel, plan, factors)) return path;
  const twoPass = plan.method === 'auto' && factors && kernel.width > 1 && kernel.height > 1;
  return path === 'fft' && twoPass && pathSafe('separable', image, kernel, plan, factors) ? 'separable' : 'direct';
}

/**
 * Whether `method: "fft"`, asked for, is worth honouring: its tiles fit LARGEST_TILE, and it is
 * predicted to cost at most 10× the direct sum. A kernel whose reach (size × dilation) spans most
 * of a small image would otherwise take seconds, and grow linear memory by hundreds of MiB for
 * good, to give what the direct sum gives in milliseconds.
 */
function fftWorthIt(image: Image, kernel: KernelMatrix, plan: ConvolvePlan): boolean {
  const costs = pathCosts(image, kernel, plan, false);
  return costs.fft <= 10 * costs.direct;
}

function preferredPath(image: Image, kernel: KernelMatrix, plan: ConvolvePlan, factors: Factors | undefined): Path {
  if (plan.method !== 'auto') return plan.method;
  // One-row or one-column kernels are already 1-D; tiny kernels are never worth a transform.
  if (kernel.data.length < 25 && !(factors && kernel.width > 1 && kernel.height > 1 && kernel.data.length >= 9)) return 'direct';
  const costs = pathCosts(image, kernel, plan, factors !== undefined && kernel.width > 1 && kernel.height > 1);
  let best: Path = 'direct';
  for (const path of ['separable', 'fft'] as const) if (costs[path] < costs[best]) best = path;
  return best;
}

/**
 * Runs a planned convolution of a checked image and kernel in WebAssembly on the chosen path.
 * Writes into `target` (outH·outW·channels values).
 */
export function convolveWasm(image: Image, kernel: KernelMatrix, plan: ConvolvePlan, target: Target, factors?: Factors): Path {
  const path = choosePath(image, kernel, plan, factors);
  convolveRowsWasm(image, kernel, plan, target, path, factors, { first: 0, end: plan.outH });
  return path;
}

/**
 * Output rows `rows.first` to `rows.end` of a planned convolution on a path already chosen (by
 * `choosePath`, for the whole image), written at their place in `target`. Worker threads each run
 * a range of one call this way; pieces on the same path stack bit-identically.
 */
export function convolveRowsWasm(image: Image, kernel: KernelMatrix, plan: ConvolvePlan, target: Target, path: Path,
  factors: Factors | undefined, rows: RowRange): void {
  if (path === 'fft') convolveFft(image, kernel, plan, target, rows);
  else convolveDirect(image, kernel, plan, target, path === 'separable' ? factors : undefined, rows);
}
