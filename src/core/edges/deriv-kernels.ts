/**
 * Derivative kernels as OpenCV's `getDerivKernels` builds them (`getSobelKernels` and
 * `getScharrKernels` in modules/imgproc/src/deriv.cpp), returned as 2-D correlation matrices:
 * the outer product of the vertical factor (rows) and the horizontal factor (columns), the way
 * `cv2.Sobel` applies them with `filter2D`'s correlation.
 */
import { rangeError, typeError } from '../errors.js';
import { integer } from '../validate.js';

/** The 1-D factors of a derivative kernel: `x` runs along a row, `y` down a column. */
export interface DerivFactors {
  x: number[];
  y: number[];
}

/** Largest aperture getDerivKernels accepts. */
const MAX_KSIZE = 31;

/**
 * The integer 1-D Sobel kernel of a derivative `order` over `size` taps: binomial smoothing
 * (size − order − 1 passes of [1, 1]) then `order` differences ([-1, 1]), as getSobelKernels does.
 */
function sobel1d(order: number, size: number): number[] {
  if (size === 1) return [1];
  if (size === 3) return order === 0 ? [1, 2, 1] : order === 1 ? [-1, 0, 1] : [1, -2, 1];
  let k = [1];
  for (let i = 0; i < size - order - 1; i++) k = k.map((v, j) => v + (k[j - 1] ?? 0)).concat(1);
  for (let i = 0; i < order; i++) k = k.map((v, j) => (k[j - 1] ?? 0) - v).concat(k[k.length - 1]);
  return k.map((v) => v + 0); // no -0
}

/** `ksize`: an odd aperture 1..31, or -1 / "scharr". Returns -1 for Scharr. */
export function checkKsize(value: unknown, name: string): number {
  if (value === 'scharr' || value === -1) return -1;
  const expected = 'an odd integer from 1 to 31, -1 or "scharr"';
  if (typeof value !== 'number') throw typeError(name, expected, value);
  if (!Number.isInteger(value) || value < 1 || value > MAX_KSIZE || value % 2 === 0) throw rangeError(name, expected, value);
  return value;
}

/**
 * The factors `cv2.getDerivKernels(dx, dy, ksize)` returns (kx, ky). A ksize of 1 gives 3 taps
 * along an axis that is differentiated and 1 along the other; -1 gives Scharr's 3-tap kernels.
 */
export function derivFactors(dx: unknown, dy: unknown, ksize: unknown = 3): DerivFactors {
  const size = checkKsize(ksize, 'ksize');
  const ox = integer(dx, 'dx', 0, MAX_KSIZE - 1);
  const oy = integer(dy, 'dy', 0, MAX_KSIZE - 1);
  if (size === -1) {
    if (ox + oy !== 1) throw rangeError('dx', 'dx + dy = 1 for Scharr (dx 1 and dy 0, or dx 0 and dy 1)', dx);
    const scharr = (order: number) => (order === 1 ? [-1, 0, 1] : [3, 10, 3]);
    return { x: scharr(ox), y: scharr(oy) };
  }
  if (ox + oy === 0) throw rangeError('dx', 'dx + dy ≥ 1 (a derivative of some order)', dx);
  const sizeX = size === 1 && ox > 0 ? 3 : size;
  const sizeY = size === 1 && oy > 0 ? 3 : size;
  if (ox >= sizeX) throw rangeError('dx', `an order below the aperture (${sizeX})`, dx);
  if (oy >= sizeY) throw rangeError('dy', `an order below the aperture (${sizeY})`, dy);
  return { x: sobel1d(ox, sizeX), y: sobel1d(oy, sizeY) };
}

/** The 2-D correlation matrix y·xᵀ of a derivative kernel's factors (no -0 entries). */
export function outerProduct({ x, y }: DerivFactors): number[][] {
  return y.map((a) => x.map((b) => a * b + 0));
}

/**
 * The Sobel (or Scharr) kernel of derivative orders `dx`, `dy` as a correlation matrix, equal to
 * `np.outer(ky, kx)` of `cv2.getDerivKernels(dx, dy, ksize)`; `ksize` 1 gives 1×3 or 3×1.
 * @example
 * sobel(1, 0)           // [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
 * sobel(1, 0, 1)        // [[-1, 0, 1]]
 * sobel(0, 1, 'scharr') // [[-3, -10, -3], [0, 0, 0], [3, 10, 3]]
 */
export function sobel(dx: number, dy: number, ksize: number | 'scharr' = 3): number[][] {
  return outerProduct(derivFactors(dx, dy, ksize));
}
