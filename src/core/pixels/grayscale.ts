/**
 * `toGrayscale`: one luma channel from RGB(A).
 *
 * For 8- and 16-bit input with the default "bt601" weights this is OpenCV's cvtColor RGB2GRAY to
 * the bit: OpenCV (4.x) uses 15-bit fixed-point weights 9798, 19235, 3735 (they sum to 32768) and
 * rounds by adding half before the shift. Other weights on integer input are computed in float64
 * and rounded half to even; float input gives float output, not rounded.
 */
import { rangeError, typeError } from '../errors.js';
import type { GrayscaleOptions, GrayWeights, Image, PixelData } from '../types.js';
import { checkImage, finiteNumber, optionsObject } from '../validate.js';
import { grayFromIntegers } from '../wasm/pixels.js';
import { emptyLike } from './like.js';

const BT601: readonly [number, number, number] = [0.299, 0.587, 0.114];
const BT709: readonly [number, number, number] = [0.2126, 0.7152, 0.0722];

/** Checks a `weights` value and returns [r, g, b]. */
export function checkWeights(value: unknown, name = 'options.weights'): readonly [number, number, number] {
  if (value === undefined || value === 'bt601') return BT601;
  if (value === 'bt709') return BT709;
  if (typeof value === 'string') throw rangeError(name, '"bt601", "bt709" or [r, g, b]', value);
  if (!Array.isArray(value)) throw typeError(name, '"bt601", "bt709" or [r, g, b]', value);
  if (value.length !== 3) throw rangeError(name, 'an array of 3 numbers [r, g, b]', value);
  return [finiteNumber(value[0], `${name}[0]`), finiteNumber(value[1], `${name}[1]`), finiteNumber(value[2], `${name}[2]`)];
}

/**
 * Converts an image to one gray channel. Alpha is ignored (as cv2.imread drops it); 1- and
 * 2-channel images return (a copy of) their gray channel. The output has the input's data type.
 * @example
 * const gray = toGrayscale(decodePng(bytes)); // gray.channels === 1
 */
export function toGrayscale<D extends PixelData>(image: Image<D>, options?: GrayscaleOptions): Image<D> {
  const img = checkImage(image);
  const o = optionsObject(options, 'options', ['weights']);
  const weights: GrayWeights = o.weights as GrayWeights;
  const [wr, wg, wb] = checkWeights(weights);
  const { width, height, channels: C, data: src } = img;
  const n = width * height;
  const dst = emptyLike(src, n);
  if (C <= 2) {
    for (let i = 0; i < n; i++) dst[i] = src[i * C];
  } else if (src instanceof Float32Array) {
    for (let i = 0, p = 0; i < n; i++, p += C) dst[i] = wr * src[p] + wg * src[p + 1] + wb * src[p + 2];
  } else {
    // 8- and 16-bit: in WebAssembly, BT.601 in OpenCV's 15-bit fixed point (exact integer maths:
    // the largest sum, 65535 · 32768 + 2^14, is below 2^32), other weights in float64.
    const standard = wr === BT601[0] && wg === BT601[1] && wb === BT601[2];
    grayFromIntegers(src, C, dst as Uint8Array | Uint16Array, standard ? undefined : [wr, wg, wb]);
  }
  return { width, height, channels: 1, data: dst as D };
}

