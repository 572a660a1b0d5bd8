/**
 * `gradient`: Sobel or Scharr derivatives in x and y as cv2.Sobel / cv2.Scharr give them (float32
 * output, OpenCV's default border), with magnitude and direction, in one pass: both derivatives
 * come from the same staged bands (../convolve/bank.ts) and the magnitude and direction are
 * computed in WebAssembly on each band (../wasm/gradient.ts).
 */
import { planBank, runBank } from '../convolve/bank.js';
import { rangeError } from '../errors.js';
import { BORDERS } from '../vocabulary.js';
import type { BorderMode, Image } from '../types.js';
import { checkImage, oneOf, oneOfNumbers, optionsObject } from '../validate.js';
import { checkApart, checkOut } from '../convolve/convolve.js';
import { pathSafe } from '../wasm/paths.js';
import { gradientHook, pairExact } from '../wasm/gradient.js';
import { derivFactors, outerProduct } from './deriv-kernels.js';
import { fresh } from '../wasm/instance.js';

/** Options of `gradient`. */
export interface GradientOptions {
  /** "sobel" (default) or "scharr" (3×3, ksize not allowed). */
  operator?: 'sobel' | 'scharr';
  /** Sobel aperture: 1, 3 (default), 5 or 7 (ksize 1 is the 1×3 / 3×1 difference). */
  ksize?: 1 | 3 | 5 | 7;
  /** "L2" (default): √(gx² + gy²) as cv2.magnitude; "L1": |gx| + |gy|. */
  norm?: 'L1' | 'L2';
  /** Also return cv2.phase's angle, in "radians" or "degrees", in [0, 2π) / [0, 360) (default false). */
  direction?: false | 'radians' | 'degrees';
  /** Border, as numpy.pad names it (default "reflect", OpenCV's BORDER_DEFAULT = BORDER_REFLECT_101). */
  border?: BorderMode;
  /** Fill value for border "constant" (default 0, as OpenCV's). */
  cval?: number;
  /** Largest width × height accepted (default 16383²); `false` for no limit. */
  limitInputPixels?: number | boolean;
  /**
   * Arrays to write results into instead of new ones, each a Float32Array of width × height ×
   * channels (any of them; `direction` only with `options.direction`). Reusing them saves
   * allocating, and first touching, the memory on every call.
   */
  out?: GradientOut;
}

/** `gradient`'s `options.out`. */
export interface GradientOut {
  gx?: Float32Array;
  gy?: Float32Array;
  magnitude?: Float32Array;
  direction?: Float32Array;
}

/** `gradient`'s result: each the input's size and channel count. */
export interface Gradient {
  gx: Image<Float32Array>;
  gy: Image<Float32Array>;
  magnitude: Image<Float32Array>;
  direction?: Image<Float32Array>;
}

const OPTIONS = ['operator', 'ksize', 'norm', 'direction', 'border', 'cval', 'limitInputPixels', 'out'];
const OUTS = ['gx', 'gy', 'magnitude', 'direction'] as const;

/**
 * The image gradient. `gx` and `gy` equal `cv2.Sobel(img, cv2.CV_32F, 1, 0, ksize=ksize,
 * borderType=…)` and `(0, 1)` (or `cv2.Scharr`) bit for bit on 8-bit images (integer sums, exact in
 * float32), to float32 rounding on others; `magnitude` is `cv2.magnitude(gx, gy)` (L2) or
 * |gx| + |gy|; `direction` is `cv2.phase(gx, gy, angleInDegrees)` (OpenCV's fast arctangent, about
 * 0.3° from atan2). Several channels are treated one by one.
 *
 * @throws {TypeError} an argument of the wrong kind, naming it (`options.norm`).
 * @throws {RangeError} a bad value, naming it (`options.ksize`).
 * @example
 * const { magnitude, direction } = gradient(gray, { ksize: 3, direction: 'degrees' });
 */
export function gradient(image: Image, options?: GradientOptions): Gradient {
  const o = optionsObject(options, 'options', OPTIONS);
  const operator = o.operator === undefined ? 'sobel' : oneOf(o.operator, 'options.operator', ['sobel', 'scharr']);
  if (operator === 'scharr' && o.ksize !== undefined) throw rangeError('options.ksize', 'no ksize with operator "scharr" (it is 3×3)', o.ksize);
  const ksize = operator === 'scharr' ? 'scharr' : o.ksize === undefined ? 3 : oneOfNumbers(o.ksize, 'options.ksize', [1, 3, 5, 7]);
  const norm = o.norm === undefined ? 'L2' : oneOf(o.norm, 'options.norm', ['L1', 'L2']);
  if (o.direction !== undefined && o.direction !== false) oneOf(o.direction, 'options.direction', ['radians', 'degrees']);
  const direction = o.direction === undefined || o.direction === false ? undefined : o.direction as 'radians' | 'degrees';
  const border = o.border === undefined ? 'reflect' : oneOf(o.border, 'options.border', BORDERS);
  const out = checkOuts(image, o.out, direction !== undefined);
  const bankOptions = { padding: 'same', mode: 'correlation', border, cval: o.cval, limitInputPixels: o.limitInputPixels };
  const factors = [derivFactors(1, 0, ksize), derivFactors(0, 1, ksize)];
  const { img, entries } = planBank(image, factors.map(outerProduct), bankOptions, 'kernels', [], [out.gx, out.gy]);
  // Sobel kernels are rank 1 with integer factors: given exactly (factorize() would divide by the
  // pivot and round), the two 1-D passes sum integers, exact on 8-bit images like the 2-D sum. The
  // passes pay from 5×5 on.
  entries.forEach((e, i) => {
    e.factors = { column: Float64Array.from(factors[i].y), row: Float64Array.from(factors[i].x) };
    e.path = e.kernel.width >= 5 && pathSafe('separable', img, e.kernel, e.plan, e.factors) ? 'separable' : 'direct';
  });
  const values = img.width * img.height * img.channels;
  const magnitude = out.magnitude ?? new Float32Array(values);
  const angle = direction ? out.direction ?? new Float32Array(values) : undefined;
  // Sobel 3 and Scharr on integer pixels: both derivatives and the magnitude in one pass.
  const pair = (ksize === 3 || ksize === 'scharr') && pairExact(img, border, entries[0].plan.cval)
    ? (ksize === 3 ? { a: 1, b: 2 } : { a: 3, b: 10 }) : undefined;
  const hook = gradientHook(magnitude, angle, norm === 'L2', direction === 'degrees', img.width * img.channels, pair);
  const [gx, gy] = runBank(img, entries, hook);
  const like = (data: Float32Array): Image<Float32Array> => ({ width: img.width, height: img.height, channels: img.channels, data: fresh(data) });
  return angle ? { gx, gy, magnitude: like(magnitude), direction: like(angle) } : { gx, gy, magnitude: like(magnitude) };
}

/**
 * `options.out`: each array given is a Float32Array of the image's length, apart from the image and
 * from each other (results written into one array would overwrite each other).
 */
function checkOuts(image: Image, value: unknown, direction: boolean): GradientOut {
  if (value === undefined) return {};
  const o = optionsObject(value, 'options.out', OUTS);
  const img = checkImage(image);
  const length = img.width * img.height * img.channels;
  if (o.direction !== undefined && !direction) {
    throw rangeError('options.out.direction', 'no array unless options.direction asks for the direction', o.direction);
  }
  const given = OUTS.filter((key) => o[key] !== undefined);
  const arrays = given.map((key) => checkOut(o[key], length, img, `options.out.${key}`));
  checkApart(arrays, given.map((key) => `options.out.${key}`));
  return Object.fromEntries(given.map((key, i) => [key, arrays[i]]));
}
