/**
 * Named kernels, written as correlation matrices the way OpenCV and most texts print them
 * (`sobelX` responds positively where the image gets brighter to the right under
 * `mode: "correlation"`; the default convolution rotates it, which flips the sign of the
 * antisymmetric ones). Fixed kernels are frozen; `box` and `gaussian` build new ones.
 */
import { rangeError } from '../errors.js';
import { finiteNumber, integer, MAX_SIDE } from '../validate.js';
import { sobel } from '../edges/deriv-kernels.js';

type Matrix = readonly (readonly number[])[];

function freeze(rows: number[][]): Matrix {
  return Object.freeze(rows.map((row) => Object.freeze(row)));
}

function transpose(m: Matrix): number[][] {
  return m[0].map((_, x) => m.map((row) => row[x]));
}

const sobelX = freeze([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]);
const scharrX = freeze([[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]]);
const prewittX = freeze([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]);

/**
 * A size×size mean filter (every weight 1/size²).
 * @example
 * box(3) // [[1/9, 1/9, 1/9], [1/9, 1/9, 1/9], [1/9, 1/9, 1/9]]
 */
function box(size: number): number[][] {
  const n = integer(size, 'size', 1, MAX_SIDE);
  const w = 1 / (n * n);
  return Array.from({ length: n }, () => new Array<number>(n).fill(w));
}

/**
 * A normalised 2-D Gaussian, the outer product of OpenCV's getGaussianKernel(size, sigma).
 * The default size covers ±4σ (scipy.ndimage's truncate=4): 2·floor(4σ + 0.5) + 1.
 * @example
 * gaussian(1)     // 9×9, sums to 1
 * gaussian(2, 5)  // 5×5
 */
function gaussian(sigma: number, size?: number): number[][] {
  const s = finiteNumber(sigma, 'sigma');
  if (!(s > 0)) throw rangeError('sigma', 'a positive number', sigma);
  const n = size === undefined ? 2 * Math.floor(4 * s + 0.5) + 1 : integer(size, 'size', 1, MAX_SIDE);
  if (n > MAX_SIDE) throw rangeError('sigma', `a kernel of at most ${MAX_SIDE} taps`, sigma);
  const half = (n - 1) / 2;
  const g = Array.from({ length: n }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * s * s)));
  const sum = g.reduce((a, b) => a + b, 0);
  const g1 = g.map((v) => v / sum);
  return g1.map((a) => g1.map((b) => a * b));
}

/**
 * Ready-made kernels. Fixed ones are frozen `number[][]`; `box(n)`, `gaussian(sigma, size?)` and
 * `sobel(dx, dy, ksize?)` (OpenCV's getDerivKernels, Scharr with ksize -1 or "scharr") return new
 * arrays.
 * @example
 * convolve2d(gray, kernels.edge, { padding: 'same' });
 * convolve2d(gray, kernels.gaussian(1.5), { padding: 'same', border: 'reflect' });
 */
export const kernels = Object.freeze({
  identity: freeze([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
  box,
  gaussian,
  sobel,
  sobelX,
  sobelY: freeze(transpose(sobelX)),
  scharrX,
  scharrY: freeze(transpose(scharrX)),
  prewittX,
  prewittY: freeze(transpose(prewittX)),
  laplacian: freeze([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
  laplacian8: freeze([[1, 1, 1], [1, -8, 1], [1, 1, 1]]),
  edge: freeze([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
  sharpen: freeze([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
  emboss: freeze([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
});

/** Names of the kernels that take no parameters. */
export type FixedKernelName = Exclude<keyof typeof kernels, 'box' | 'gaussian' | 'sobel'>;
