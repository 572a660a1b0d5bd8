/**
 * `canny`: the Canny edge detector, bit-identical to OpenCV 4.6's `cv2.Canny` on 8-bit gray images.
 * The parameters are checked in thresholds.ts, the work is done in ../wasm/edges.ts, and
 * reference.ts holds the plain transcription the tests compare with.
 */
import { checkOut } from '../convolve/convolve.js';
import { typeError } from '../errors.js';
import { toGrayscale } from '../pixels/grayscale.js';
import { checkPixels, pixelLimit } from '../limits.js';
import type { Image } from '../types.js';
import { checkImage, optionsObject } from '../validate.js';
import { cannyEdges } from '../wasm/edges.js';
import { checkCannyParams } from './thresholds.js';
import { fresh } from '../wasm/instance.js';

/** Options of `canny`. */
export interface CannyOptions {
  /** The hysteresis thresholds: pixels above `high` start edges, pixels above `low` continue them. */
  low: number;
  high: number;
  /** Sobel aperture: 3 (default), 5 or 7. */
  ksize?: 3 | 5 | 7;
  /** Magnitude √(dx² + dy²) instead of |dx| + |dy| (default false). */
  L2gradient?: boolean;
  /** Largest width × height accepted (default 16383²); `false` for no limit. */
  limitInputPixels?: number | boolean;
  /**
   * A Uint8Array of width × height to write the edge map into (and return as `data`) instead of a
   * new one: reusing it saves allocating, and first touching, the memory on every call. It must
   * not overlap `image.data`.
   */
  out?: Uint8Array;
}

const OPTIONS = ['low', 'high', 'ksize', 'L2gradient', 'limitInputPixels', 'out'];

/**
 * Canny edges of an 8-bit image: 255 on an edge, 0 elsewhere, the very bytes
 * `cv2.Canny(gray, low, high, apertureSize=ksize, L2gradient=L2gradient)` gives (OpenCV 4.6).
 * Images of 2 to 4 channels are first made gray with `toGrayscale` (BT.601, as cv2.cvtColor).
 * A `low` above `high` is swapped, as OpenCV does.
 *
 * @throws {TypeError} an argument of the wrong kind (a 16-bit or float image: map it with `toUint8`).
 * @throws {RangeError} a bad value, naming it (`options.ksize`).
 * @example
 * const edges = canny(decodePng(bytes), { low: 50, high: 150 });
 * // edges.data[i] is 0 or 255
 */
export function canny(image: Image, options: CannyOptions): Image<Uint8Array> {
  const img = checkImage(image);
  if (!(img.data instanceof Uint8Array || img.data instanceof Uint8ClampedArray)) {
    throw typeError('image.data', 'an 8-bit image (Uint8Array or Uint8ClampedArray; convert others with toUint8)', img.data);
  }
  if (options === undefined) throw typeError('options', 'an object with low and high', options);
  const o = optionsObject(options, 'options', OPTIONS);
  const params = checkCannyParams(o);
  checkPixels('The image', img.width, img.height, pixelLimit(o.limitInputPixels));
  const length = img.width * img.height;
  const data = o.out === undefined ? new Uint8Array(length) : checkOut(o.out, length, img, 'options.out', Uint8Array);
  const gray = img.channels === 1 ? img : toGrayscale(img);
  cannyEdges(gray.data as Uint8Array, img.width, img.height, params, data);
  return { width: img.width, height: img.height, channels: 1, data: fresh(data) };
}
