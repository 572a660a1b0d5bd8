/**
 * `toUint8` and `toUint16`: any image to 8 or 16 bits for display or PNG, the way OpenCV would
 * saturate it.
 */
import type { Image, Uint8Options } from '../types.js';
import { saturate } from './rounding.js';
import { checkImage, oneOf, optionsObject } from '../validate.js';
import { MAPS } from '../vocabulary.js';
import { mapFloatToBytes } from '../wasm/pixels.js';

/**
 * Maps values to 0..255 and returns a Uint8Array image with the same size and channels.
 * - `"clamp"` (default): round half to even, then clip (OpenCV's saturate_cast).
 * - `"abs"`: |v|, then as clamp (OpenCV's convertScaleAbs), for signed filter responses.
 * - `"normalize"`: stretch the image's finite min..max (all channels together) to 0..255; a
 *   constant image gives 0. NaN maps to 0 in every mode; ±Infinity clip to 255 / 0.
 * @example
 * writePng('edges.png', toUint8(convolve2d(gray, kernels.sobelX), { map: 'abs' }));
 */
export function toUint8(image: Image, options?: Uint8Options): Image<Uint8Array> {
  return toIntegers(image, options, 255, Uint8Array);
}

/**
 * Maps values to 0..65535, with the same three maps as `toUint8` (`"normalize"` stretches to
 * 0..65535), for 16-bit PNG output.
 * @example
 * writePng('edges16.png', toUint16(convolve2d(gray16, kernels.sobelX), { map: 'abs' }));
 */
export function toUint16(image: Image, options?: Uint8Options): Image<Uint16Array> {
  return toIntegers(image, options, 65535, Uint16Array);
}

/** toUint8 and toUint16: saturate, |v| then saturate, or stretch the finite min..max to 0..max. */
function toIntegers<T extends Uint8Array | Uint16Array>(image: Image, options: Uint8Options | undefined, max: number, Out: new (n: number) => T): Image<T> {
  const img = checkImage(image);
  const o = optionsObject(options, 'options', ['map']);
  const map = o.map === undefined ? 'clamp' : oneOf(o.map, 'options.map', MAPS);
  const src = img.data;
  const n = src.length;
  const dst = new Out(n);
  if (src instanceof Float32Array && dst instanceof Uint8Array) {
    // Every convolution result to 8 bits: mapped in WebAssembly, a chunk at a time.
    mapFloatToBytes(src, dst, map);
  } else if (map === 'clamp') {
    for (let i = 0; i < n; i++) dst[i] = saturate(src[i], max);
  } else if (map === 'abs') {
    for (let i = 0; i < n; i++) dst[i] = saturate(Math.abs(src[i]), max);
  } else {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = src[i];
      if (v < lo && v > -Infinity) lo = v;
      if (v > hi && v < Infinity) hi = v;
    }
    // hi > lo fails for constant images and for images with no finite value: all 0 then.
    if (hi > lo) {
      // Multiply before dividing: (v − lo) · max / range is exact at the ties that matter
      // (max / 2 for the midpoint), where (v − lo) · (max / range) can land a hair below.
      const range = hi - lo;
      for (let i = 0; i < n; i++) dst[i] = saturate(((src[i] - lo) * max) / range, max);
    }
  }
  return { width: img.width, height: img.height, channels: img.channels, data: dst };
}
