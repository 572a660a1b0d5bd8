/**
 * The FFT path, for large kernels: overlap-save on T×T tiles of the padded image.
 *
 * With D the dilated K' (K' with dy−1 / dx−1 zeros between taps, sH × sW), each output is the
 * cross-correlation Σ D[a,b]·P[r+a, c+b] at stride-1 position (r, c) = (i·sy, j·sx). A tile of P
 * at (r0, c0) correlated circularly with D (zero-padded to T×T) through the 2-D DFT is exact for
 * its first T−sH+1 rows and T−sW+1 columns (no wrap-around reaches them); tiles step by that
 * much, and only the strided positions are kept. Two tiles share each complex transform (one as
 * the real part, one as the imaginary part: D is real, so they do not mix).
 * The kernel's spectrum conj(DFT(D))/T² is made once per call. Transforms are float64 (see
 * assembly/index.ts for why). Memory: four T×T float64 planes plus a band of T padded rows,
 * whatever the image size.
 */
import type { ConvolvePlan } from '../convolve/options.js';
import { orientedKernel } from '../convolve/oriented.js';
import type { Image } from '../types.js';
import type { KernelMatrix } from '../validate.js';
import { BandSource } from './band.js';
import { getModule, reserve, targetAddress, writeBand, type ModuleExports, type Ptr, type RowRange, type Target } from './instance.js';
import { scratchLayout } from './linear.js';

/** Tiles are searched up to this side beyond the smallest that fits: four T×T float64 planes of 256² are 2 MiB, about a core's L2. */
const MAX_TILE = 256;

/**
 * Largest tile side the FFT path uses: four 1024² float64 planes are 32 MiB of linear memory
 * (which, once grown, a WebAssembly module keeps). A kernel whose reach needs larger tiles is
 * computed by the direct sum instead (see `fftFits` and paths.ts).
 */
export const LARGEST_TILE = 1024;

/**
 * Transform work for the whole output with tiles of side T: complex transforms (two tiles each)
 * times T²·log2(T). Small tiles waste their overlap (only T − s + 1 of T rows are valid), big
 * ones waste their edges past the image.
 */
export function fftWork(T: number, sH: number, sW: number, sy: number, sx: number, outH: number, outW: number, channels: number): number {
  const stripRows = Math.floor((T - sH) / sy) + 1, tileCols = Math.floor((T - sW) / sx) + 1;
  const transforms = Math.ceil(outH / stripRows) * Math.ceil(Math.ceil(outW / tileCols) / 2) * channels;
  return transforms * 2 * T * T * Math.log2(T);
}

/** The tile side (a power of two, at least the kernel's reach) with the least transform work. */
export function tileSize(sH: number, sW: number, sy: number, sx: number, outH: number, outW: number, channels: number): number {
  let T = 8;
  while (T < Math.max(sH, sW)) T *= 2;
  let best = T;
  // A tile only just wider than the kernel's reach yields a column or two per transform (a
  // 1×1024 kernel in 1024-wide tiles: one output column each), so larger tiles are tried too.
  for (let t = T * 2; t <= Math.max(MAX_TILE, Math.min(4 * T, LARGEST_TILE)); t *= 2) {
    if (fftWork(t, sH, sW, sy, sx, outH, outW, channels) < fftWork(best, sH, sW, sy, sx, outH, outW, channels)) best = t;
  }
  return best;
}

/** Twiddles: f64 (cos, sin) pairs of 2πk/T for k < T/2. */
function writeTwiddles(wasm: ModuleExports, T: number, tw: Ptr): void {
  const twiddles = new Float64Array(wasm.memory.buffer, tw, T);
  for (let i = 0; i < T / 2; i++) {
    twiddles[2 * i] = Math.cos((2 * Math.PI * i) / T);
    twiddles[2 * i + 1] = Math.sin((2 * Math.PI * i) / T);
  }
}

/**
 * re + i·im ← its 2-D DFT, or back with `inverse`. The spectrum is held transposed, with both
 * axes in bit-reversed order (fftColumns skips the permutation): the kernel's spectrum is made by
 * the same calls and spectra are only multiplied element by element, so the order never matters.
 */
function transform2d(wasm: ModuleExports, re: Ptr, im: Ptr, T: number, tw: Ptr, inverse: boolean): void {
  wasm.fftColumns(re, im, T, tw, inverse);
  wasm.transpose(re, T);
  wasm.transpose(im, T);
  wasm.fftColumns(re, im, T, tw, inverse);
}

/** Convolution through the DFT into `target`: output rows `rows.first` to `rows.end` (default all). */
export function convolveFft(image: Image, kernel: KernelMatrix, plan: ConvolvePlan, target: Target,
  rows: RowRange = { first: 0, end: plan.outH }): void {
  const wasm = getModule();
  const { width: W, height: H } = image;
  const C = target.channels;
  const { outH, outW, sy, sx, dy, dx } = plan;
  const sH = dy * (kernel.height - 1) + 1, sW = dx * (kernel.width - 1) + 1;
  const padH = H + plan.top + plan.bottom, padW = W + plan.left + plan.right;

  const T = tileSize(sH, sW, sy, sx, outH, outW, C);
  // paths.ts never sends a kernel here whose tiles would be larger (it takes the direct sum).
  if (T > LARGEST_TILE) throw new Error(`conv2d-wasm: FFT tiles of ${T} exceed ${LARGEST_TILE}`);
  const validH = T - sH + 1, validW = T - sW + 1;
  // Output rows one strip of tiles yields (at least one).
  const stripRows = Math.max(1, Math.floor((validH - 1) / sy) + 1);

  const layout = scratchLayout(wasm);
  const source = new BandSource(image, plan, layout, T, target.gray, rows.sourceRow0);
  const re = layout.take(T * T * 8), im = layout.take(T * T * 8);
  const hr = layout.take(T * T * 8), hi = layout.take(T * T * 8);
  const tw = layout.take(T * 8);
  // An output in linear memory (allocImage) is gathered into where it lies: no copy out.
  const outputRow0 = rows.outputRow0 ?? 0;
  const inPlace = targetAddress(target, 0) !== 0;
  const stripPtr = inPlace ? 0 : layout.take(stripRows * outW * C * 4);
  reserve(wasm, layout.end, `A ${W}×${H}×${C} image (FFT tiles of ${T}×${T})`);

  const buffer = wasm.memory.buffer;
  source.prepare(wasm);
  writeTwiddles(wasm, T, tw);

  // Spectrum of D, the dilated K' (float32 taps, as on the direct path), placed at the tile's
  // top-left; then conj and 1/T² folded in.
  const kr = new Float64Array(buffer, hr, T * T).fill(0);
  new Float64Array(buffer, hi, T * T).fill(0);
  const oriented = orientedKernel(kernel.data, plan.correlation);
  for (let m = 0; m < kernel.height; m++) {
    for (let n = 0; n < kernel.width; n++) kr[m * dy * T + n * dx] = oriented[m * kernel.width + n];
  }
  transform2d(wasm, hr, hi, T, tw, false);
  const scale = 1 / (T * T);
  const spectrumRe = new Float64Array(buffer, hr, T * T), spectrumIm = new Float64Array(buffer, hi, T * T);
  for (let i = 0; i < T * T; i++) {
    spectrumRe[i] *= scale;
    spectrumIm[i] *= -scale;
  }

  // Strips sit on one grid for the whole output (strip k holds output rows k·stripRows onwards),
  // whatever range is asked for, so a row's value never depends on how a call is split over
  // threads: a range that starts inside a strip computes that strip and keeps its own rows.
  for (let s0 = rows.first - (rows.first % stripRows); s0 < rows.end; s0 += stripRows) {
    const i0 = Math.max(s0, rows.first);
    const count = Math.min(s0 + stripRows, rows.end) - i0;
    const skip = i0 - s0; // rows of the strip before the range
    const r0 = s0 * sy; // stride-1 row of the strip's first output = its first padded row
    const padRows = Math.min(T, padH - r0);
    const dstPtr = inPlace ? targetAddress(target, (i0 - outputRow0) * outW * C) : stripPtr;
    source.load(wasm, r0, padRows);
    for (let c = 0; c < C; c++) {
      source.channel(wasm, c);
      // Tiles across the strip, two per transform.
      let j0 = 0;
      while (j0 < outW) {
        const tiles: Array<{ j: number; cols: number }> = [];
        for (let t = 0; t < 2 && j0 < outW; t++) {
          const cols = Math.min(Math.floor((validW - 1) / sx) + 1, outW - j0);
          tiles.push({ j: j0, cols });
          j0 += cols;
        }
        tiles.forEach((tile, t) => {
          const c0 = tile.j * sx;
          wasm.loadTile(source.planePtr, padW, 0, c0, padRows, Math.min(T, padW - c0), t === 0 ? re : im, T);
        });
        if (tiles.length === 1) new Float64Array(buffer, im, T * T).fill(0);
        transform2d(wasm, re, im, T, tw, false);
        wasm.multiplySpectra(re, im, hr, hi, T * T);
        transform2d(wasm, re, im, T, tw, true);
        tiles.forEach((tile, t) => {
          wasm.gatherTile(t === 0 ? re : im, T, skip * sy, sy, count, 0, sx, tile.cols,
            dstPtr + (tile.j * C + c) * 4, outW * C, C);
        });
      }
    }
    writeBand(wasm, target, dstPtr, count * outW * C, (i0 - outputRow0) * outW * C);
  }
}
