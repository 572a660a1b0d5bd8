/**
 * A bank of kernels over one image in one pass: each band of the padded image is staged once
 * (BandSource) and every kernel on the direct or separable path reads it, each writing its own
 * output band; kernels on the FFT path run on their own. Each kernel keeps its own plan (sizes and
 * "same" padding differ with the kernel): the band holds the union of their paddings, and a
 * kernel's padded image is a window of it, because border values depend only on position
 * (border.ts). Same loops, same taps, same order as convolveDirect: the same bits.
 */
import type { ConvolvePlan } from '../convolve/options.js';
import { orientedKernel } from '../convolve/oriented.js';
import type { Factors } from '../convolve/separable.js';
import type { Image } from '../types.js';
import type { KernelMatrix } from '../validate.js';
import { BandSource } from './band.js';
import { BAND_BYTES, DENSE_LIMIT, STRIDE_SIMD, convolveDirect } from './direct.js';
import { convolveFft } from './fft.js';
import { getModule, reserve, targetAddress, writeBand, type ModuleExports, type Ptr, type Target } from './instance.js';
import { scratchLayout } from './linear.js';

/** One kernel of a bank: checked kernel, its own plan and factors, its path and where results go. */
export interface BankEntry {
  kernel: KernelMatrix;
  plan: ConvolvePlan;
  factors?: Factors;
  path: 'direct' | 'separable' | 'fft';
  target: Target;
}

/**
 * Work done on each band after every entry has written its rows, while they are still in linear
 * memory: `count` output rows from row `first`, one band pointer per entry (entries of one hook
 * share output size, stride 1 and dilation 1, and none is on the FFT path). `scratch` has `bytesPerValue` bytes per output value of a band. `gradient`
 * computes its magnitude and direction here.
 */
export interface BankHook {
  bytesPerValue: number;
  /**
   * Computes every entry's band at once from the staged plane, in place of each entry's own loop:
   * one channel, entries of one kernel size (`plane` is where their window starts). `gradient`'s
   * 3×3 pair uses it.
   */
  fused?: (k: ModuleExports, plane: Ptr, padW: number, count: number, outW: number, bands: Ptr[], scratch: Ptr) => void;
  run: (k: ModuleExports, first: number, count: number, bands: Ptr[], scratch: Ptr) => void;
}

/**
 * The largest and smallest of `f` over a list. `Math.max(...list)` passes every value as an
 * argument and overflows the stack from about 100,000 kernels.
 */
const most = <T>(list: readonly T[], f: (x: T) => number): number => list.reduce((m, x) => Math.max(m, f(x)), -Infinity);
const least = <T>(list: readonly T[], f: (x: T) => number): number => list.reduce((m, x) => Math.min(m, f(x)), Infinity);

interface Slot {
  entry: BankEntry;
  rowOffset: number; // padded rows of the union above this kernel's padded row 0
  colOffset: number;
  spanH: number;
  next: number; // next output row to compute
  kernelPtr: Ptr; columnPtr: Ptr; rowPtr: Ptr;
  /** The band's output rows: scratch, or (an allocImage output) where they lie in the output. */
  dstPtr: Ptr;
  inPlace: boolean;
  done: number; // rows written by the current band
}

/**
 * Runs every entry. All plans share stride, dilation, border, cval and mode (they come from one
 * options object); paddings may differ.
 */
export function convolveBankWasm(image: Image, entries: BankEntry[], hook?: BankHook): void {
  const fused = entries.filter((e) => e.path !== 'fft');
  for (const e of entries) if (e.path === 'fft') convolveFft(image, e.kernel, e.plan, e.target, { first: 0, end: e.plan.outH });
  if (fused.length === 0) return;
  const k = getModule();
  const base = fused[0].plan;
  const { sy, dy } = base;
  const C = image.channels;
  const top = most(fused, (e) => e.plan.top), bottom = most(fused, (e) => e.plan.bottom);
  const left = most(fused, (e) => e.plan.left), right = most(fused, (e) => e.plan.right);
  const union: ConvolvePlan = { ...base, top, bottom, left, right };
  const padW = image.width + left + right, padH = image.height + top + bottom;
  const maxSpan = most(fused, (e) => dy * (e.kernel.height - 1));
  // Bands of about BAND_BYTES of padded input, at least one output row of the tallest kernel.
  const rowBytes = padW * 4 * Math.max(1, C / 2);
  const outRows = Math.max(8, Math.floor((BAND_BYTES / rowBytes - maxSpan) / sy));
  // Kernels of different heights start at different padded rows: a band must reach the last.
  const maxRowOffset = most(fused, (e) => top - e.plan.top);
  const maxRows = Math.min(padH, (outRows - 1) * sy + maxSpan + maxRowOffset + 1);
  // A widely strided or dilated bank would stage mostly rows no tap reads: kernel by kernel then.
  // (A hook's bank, gradient's, has stride and dilation 1: its bands are always dense.)
  if (!hook && maxRows * padW * 4 > DENSE_LIMIT) {
    for (const e of fused) convolveDirect(image, e.kernel, e.plan, e.target, e.path === 'separable' ? e.factors : undefined);
    return;
  }

  const layout = scratchLayout(k);
  const source = new BandSource(image, union, layout, maxRows);
  const slots: Slot[] = fused.map((entry) => {
    const { kernel, plan } = entry;
    const spanH = dy * (kernel.height - 1);
    const bandOut = Math.floor((maxRows - 1 - spanH) / sy) + 1;
    const sep = entry.path === 'separable';
    const inPlace = targetAddress(entry.target, 0) !== 0;
    return {
      entry, spanH, next: 0, done: 0, inPlace,
      rowOffset: top - plan.top, colOffset: left - plan.left,
      kernelPtr: layout.take(kernel.data.length * 4),
      columnPtr: sep ? layout.take(kernel.height * 4) : 0,
      rowPtr: sep ? layout.take(kernel.width * 4) : 0,
      dstPtr: inPlace ? 0 : layout.take(bandOut * plan.outW * C * 4),
    };
  });
  const maxOutW = most(fused, (e) => e.plan.outW);
  const tmpPtr = fused.some((e) => e.path === 'separable') ? layout.take(maxRows * padW * 4) : 0;
  const scratchPtr = base.sx > 1 && base.sx <= STRIDE_SIMD ? layout.take(((maxOutW - 1) * base.sx + 1) * 4) : 0;
  const hookValues = hook ? most(slots, (s) => (Math.floor((maxRows - 1 - s.spanH) / sy) + 1) * s.entry.plan.outW * C) : 0;
  const hookPtr = hook ? layout.take(hookValues * hook.bytesPerValue) : 0;
  reserve(k, layout.end, `A bank of ${entries.length} kernels over a ${image.width}×${image.height}×${C} image`);

  const buffer = k.memory.buffer;
  source.prepare(k);
  for (const s of slots) {
    const { kernel, plan, factors } = s.entry;
    new Float32Array(buffer, s.kernelPtr, kernel.data.length).set(orientedKernel(kernel.data, plan.correlation));
    if (s.columnPtr && factors) {
      new Float32Array(buffer, s.columnPtr, kernel.height).set(orientedKernel(factors.column, plan.correlation));
      new Float32Array(buffer, s.rowPtr, kernel.width).set(orientedKernel(factors.row, plan.correlation));
    }
  }

  for (;;) {
    const open = slots.filter((s) => s.next < s.entry.plan.outH);
    if (open.length === 0) break;
    // The band starts at the first padded row any unfinished kernel still needs.
    const first = least(open, (s) => s.next * sy + s.rowOffset);
    const count = Math.min(maxRows, padH - first);
    source.load(k, first, count);
    for (const s of open) {
      if (s.inPlace) s.dstPtr = targetAddress(s.entry.target, s.next * s.entry.plan.outW * C);
      const last = Math.floor((first + count - 1 - s.spanH - s.rowOffset) / sy);
      s.done = Math.max(0, Math.min(last, s.entry.plan.outH - 1) - s.next + 1);
    }
    // A hook reads the same rows of every entry: all advance by the fewest any can.
    if (hook) {
      const fewest = least(open, (s) => s.done);
      for (const s of open) s.done = fewest;
    }
    const windowOf = (s: Slot): Ptr => source.planePtr + ((s.next * sy + s.rowOffset - first) * padW + s.colOffset) * 4;
    for (let c = 0; c < C; c++) {
      source.channel(k, c);
      if (hook?.fused) {
        if (open[0].done > 0) hook.fused(k, windowOf(open[0]), padW, open[0].done, open[0].entry.plan.outW, open.map((s) => s.dstPtr), hookPtr);
      } else {
        for (const s of open) if (s.done > 0) runSlot(k, s, windowOf(s), padW, C, c, tmpPtr, scratchPtr);
      }
    }
    const firstOut = open[0].next, rows = open[0].done;
    for (const s of open) {
      if (s.done === 0) continue;
      writeBand(k, s.entry.target, s.dstPtr, s.done * s.entry.plan.outW * C, s.next * s.entry.plan.outW * C);
      s.next += s.done;
    }
    if (hook) hook.run(k, firstOut, rows, open.map((s) => s.dstPtr), hookPtr);
  }
}

/** One kernel over the staged band: the direct loop, or the two 1-D passes through `tmp`. */
function runSlot(k: ModuleExports, s: Slot, plane: Ptr, padW: number, C: number, c: number, tmp: Ptr, scratch: Ptr): void {
  const { kernel, plan } = s.entry;
  if (s.columnPtr) {
    // The vertical pass covers the columns the horizontal one reads (this kernel's window only).
    const width = (plan.outW - 1) * plan.sx + plan.dx * (kernel.width - 1) + 1;
    k.convolvePlane(plane, padW, s.columnPtr, kernel.height, 1, plan.dy, 1, plan.sy, 1, s.done, width, tmp, 1, 0, 0);
    k.convolvePlane(tmp, width, s.rowPtr, 1, kernel.width, 1, plan.dx, 1, plan.sx, s.done, plan.outW, s.dstPtr, C, c, scratch);
  } else {
    k.convolvePlane(plane, padW, s.kernelPtr, kernel.height, kernel.width, plan.dy, plan.dx, plan.sy, plan.sx, s.done, plan.outW, s.dstPtr, C, c, scratch);
  }
}
