/**
 * Splits one convolution into independent pieces by output rows, for worker pools (threads in
 * Node, Web Workers in browsers) that share no memory.
 *
 * Each piece carries only the input rows its outputs read: the padded rows from its first output
 * row's top tap to its last output row's bottom tap, gathered through the border map (so reflect
 * or wrap rows from the far side come along) into a float32 image, with constant-border rows
 * filled with float32(cval). The piece is then convolved with no vertical padding. Every output
 * reads the same float32 values in the same order as in the one-piece run, so the pieces,
 * stacked, are bit-identical to it.
 */
import { borderMap } from '../convolve/border.js';
import type { ConvolvePlan } from '../convolve/options.js';
import { prepare } from '../convolve/prepare.js';
import type { ConvolveOptions, Image, Kernel } from '../types.js';

/** One piece: convolve `image` with the kernel and `options`; its rows go at `row` of the result. */
export interface Piece {
  image: Image<Float32Array>;
  options: ConvolveOptions;
  row: number;
  rows: number;
}

/** The checked plan and its pieces (at most `parts`, each at least `minRows` output rows). */
export interface Split {
  plan: ConvolvePlan;
  channels: number;
  pieces: Piece[];
}

/**
 * Checks the arguments like `convolve2d` and splits the work into up to `parts` pieces.
 * @example
 * const { pieces } = splitRows(image, kernel, { padding: 'same' }, 4);
 * // convolve2d(p.image, kernel, p.options) for each p, then copy each result to row p.row
 */
export function splitRows(image: Image, kernel: Kernel, options: ConvolveOptions | undefined, parts: number, minRows = 1): Split {
  const { image: img, kernel: k, plan } = prepare(image, kernel, options);
  const count = Math.max(1, Math.min(parts, Math.floor(plan.outH / Math.max(1, minRows))));
  const { width: W, height: H, channels: C, data } = img;
  const rowMap = borderMap(H, plan.top, plan.bottom, plan.border);
  const spanH = plan.dy * (k.height - 1);
  const rowLength = W * C;
  const cval = Math.fround(plan.cval);
  const { out: _out, ...rest } = (options ?? {}) as ConvolveOptions;
  const pieces: Piece[] = [];
  for (let p = 0; p < count; p++) {
    const i0 = Math.floor((plan.outH * p) / count);
    const i1 = Math.floor((plan.outH * (p + 1)) / count);
    const first = i0 * plan.sy;
    const height = (i1 - i0 - 1) * plan.sy + spanH + 1;
    const gathered = new Float32Array(height * rowLength);
    for (let r = 0; r < height; r++) {
      const from = rowMap[first + r];
      if (from < 0) gathered.fill(cval, r * rowLength, (r + 1) * rowLength);
      else gathered.set(data.subarray(from * rowLength, (from + 1) * rowLength), r * rowLength);
    }
    pieces.push({
      image: { width: W, height, channels: C, data: gathered },
      options: { ...rest, padding: { top: 0, bottom: 0, left: plan.left, right: plan.right } },
      row: i0,
      rows: i1 - i0,
    });
  }
  return { plan, channels: C, pieces };
}
