/**
 * The direct path: for each band of output rows, build the padded rows it reads and run the
 * kernel loop (assembly/index.ts `convolvePlane`); a rank-1 kernel runs the same loop twice,
 * kH×1 down then 1×kW across.
 */
import type { ConvolvePlan } from '../convolve/options.js';
import { orientedKernel } from '../convolve/oriented.js';
import type { Factors } from '../convolve/separable.js';
import type { Image } from '../types.js';
import type { KernelMatrix } from '../validate.js';
import { BandSource } from './band.js';
import { getModule, reserve, targetAddress, writeBand, type RowRange, type Target } from './instance.js';
import { scratchLayout } from './linear.js';

/**
 * Aim for padded bands of about this many bytes: big enough that the halo re-read stays small,
 * small enough to sit in a core's L2 cache.
 */
export const BAND_BYTES = 1 << 20;

/** Output rows per band, so that a band's padded input is about BAND_BYTES. */
function bandRows(plan: ConvolvePlan, padW: number, channels: number, kH: number): number {
  const spanH = plan.dy * (kH - 1);
  const rowBytes = padW * 4 * Math.max(1, channels / 2);
  const rows = Math.floor((BAND_BYTES / rowBytes - spanH) / plan.sy);
  return Math.min(plan.outH, Math.max(8, rows));
}

/**
 * A dense band holds every padded row between its first and last tap, rows the strides and the
 * dilation skip included. Past this size (a huge stride or dilation) bands are one output row
 * and hold only the kH rows it reads.
 */
export const DENSE_LIMIT = 32 << 20;

/**
 * Horizontal strides up to this run as a stride-1 SIMD row, subsampled (convolvePlane does it when
 * given a scratch row): sx times the taps at ~14× the scalar rate, so a win up to about here.
 */
export const STRIDE_SIMD = 8;

/**
 * Direct (or, with `factors`, two-pass separable) convolution into `target`: output rows
 * `rows.first` to `rows.end` (default all), written at their place in the whole output.
 */
export function convolveDirect(image: Image, kernel: KernelMatrix, plan: ConvolvePlan, target: Target, factors?: Factors,
  rows: RowRange = { first: 0, end: plan.outH }): void {
  const wasm = getModule();
  const { width: W, height: H } = image;
  const C = target.channels;
  const { outW, sy, dy } = plan;
  const padW = W + plan.left + plan.right;
  const spanH = dy * (kernel.height - 1);
  let band = Math.min(bandRows(plan, padW, C, kernel.height), rows.end - rows.first);
  const sparse = ((band - 1) * sy + spanH + 1) * padW * 4 > DENSE_LIMIT && (band > 1 || dy > 1);
  if (sparse) band = 1;

  const layout = scratchLayout(wasm);
  const source = new BandSource(image, plan, layout, sparse ? kernel.height : (band - 1) * sy + spanH + 1, target.gray, rows.sourceRow0);
  const kernelPtr = layout.take(kernel.data.length * 4);
  // An output in linear memory (allocImage) is computed where it lies, band by band: no copy out.
  const outputRow0 = rows.outputRow0 ?? 0;
  const inPlace = targetAddress(target, 0) !== 0;
  const dstPtr = inPlace ? 0 : layout.take(band * outW * C * 4);
  // Two passes: the vertical one writes `band` rows of the full padded width into tmp.
  const tmpPtr = factors ? layout.take(band * padW * 4) : 0;
  const columnPtr = factors ? layout.take(kernel.height * 4) : 0;
  const rowPtr = factors ? layout.take(kernel.width * 4) : 0;
  // A strided row is computed at stride 1 into this, then subsampled (assembly/index.ts says why).
  const scratchPtr = plan.sx > 1 && plan.sx <= STRIDE_SIMD ? layout.take(((outW - 1) * plan.sx + 1) * 4) : 0;
  reserve(wasm, layout.end, `A ${W}×${H}×${C} image (band of ${band} rows)`);

  // Views are made after growing: growth detaches the old ArrayBuffer.
  const buffer = wasm.memory.buffer;
  source.prepare(wasm);
  new Float32Array(buffer, kernelPtr, kernel.data.length).set(orientedKernel(kernel.data, plan.correlation));
  if (factors) {
    new Float32Array(buffer, columnPtr, kernel.height).set(orientedKernel(factors.column, plan.correlation));
    new Float32Array(buffer, rowPtr, kernel.width).set(orientedKernel(factors.row, plan.correlation));
  }
  const planePtr = source.planePtr;

  // In a sparse band the kH rows are gathered next to each other: tap rows are 1 apart.
  const rowStep = sparse ? 1 : dy;
  for (let i0 = rows.first; i0 < rows.end; i0 += band) {
    const count = Math.min(band, rows.end - i0);
    const dst = inPlace ? targetAddress(target, (i0 - outputRow0) * outW * C) : dstPtr;
    if (sparse) source.load(wasm, i0 * sy, kernel.height, dy);
    else source.load(wasm, i0 * sy, (count - 1) * sy + spanH + 1);
    for (let c = 0; c < C; c++) {
      source.channel(wasm, c);
      if (factors) {
        wasm.convolvePlane(planePtr, padW, columnPtr, kernel.height, 1, rowStep, 1, sy, 1, count, padW, tmpPtr, 1, 0, 0);
        wasm.convolvePlane(tmpPtr, padW, rowPtr, 1, kernel.width, 1, plan.dx, 1, plan.sx, count, outW, dst, C, c, scratchPtr);
      } else {
        wasm.convolvePlane(planePtr, padW, kernelPtr, kernel.height, kernel.width, rowStep, plan.dx, sy, plan.sx,
          count, outW, dst, C, c, scratchPtr);
      }
    }
    writeBand(wasm, target, dst, count * outW * C, (i0 - outputRow0) * outW * C);
  }
}
