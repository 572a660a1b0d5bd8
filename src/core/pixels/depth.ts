/** Sample depth: 8-bit pixels widened to 16 bits for a 16-bit pipeline. */
import { rangeError, typeError } from '../errors.js';
import type { Image } from '../types.js';

/**
 * The same image with 16-bit samples: 8-bit values times 257, so 0..255 spans 0..65535 exactly
 * (255 → 65535), as sharp's `rgb16` and libvips' 8 → 16 bit conversion do. A Uint16Array image
 * is returned as it is.
 * @example
 * toDepth16({ width: 1, height: 1, channels: 1, data: new Uint8Array([255]) }).data // Uint16Array [65535]
 */
export function toDepth16(image: Image<Uint8Array | Uint16Array>): Image<Uint16Array> {
  if (image.data instanceof Uint16Array) return image as Image<Uint16Array>;
  const data = new Uint16Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = image.data[i] * 257;
  return { width: image.width, height: image.height, channels: image.channels, data };
}

/**
 * Checks an `options.depth` value: 8 (the default) or 16.
 * @example
 * checkDepth(undefined) // 8
 */
export function checkDepth(value: unknown, name = 'options.depth'): 8 | 16 {
  if (value === undefined) return 8;
  if (typeof value !== 'number') throw typeError(name, '8 or 16', value);
  if (value !== 8 && value !== 16) throw rangeError(name, '8 or 16', value);
  return value;
}
