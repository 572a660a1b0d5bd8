/**
 * PNG for the browser entry: the one codec (src/core/png/) on fflate's zlib.
 */
import { decodePng as decode, type DecodeOptions } from '../core/png/decode.js';
import { encodePng as encode, type EncodeOptions } from '../core/png/encode.js';
import { fflateZlib } from '../core/png/fflate.js';
import type { Image } from '../core/types.js';

/**
 * Decodes PNG bytes to 8-bit RGBA, as the Node entry does, byte for byte: 16-bit samples are
 * rescaled to 8 bits, palettes expanded, tRNS turned into alpha. Bytes after IEND are ignored.
 * Throws `Error('Invalid PNG: …')` for a malformed file, and a RangeError naming
 * `options.limitInputPixels` for one with too many pixels.
 * @example
 * const image = decodePng(new Uint8Array(await (await fetch('photo.png')).arrayBuffer()));
 * // { width, height, channels: 4, data: Uint8Array [r, g, b, a, …] }
 */
export function decodePng(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions): Image<Uint8Array> {
  return decode(bytes, options, fflateZlib);
}

/**
 * Encodes an 8-bit image of 1–4 channels as PNG: gray, gray + alpha, RGB or RGBA (colour types
 * 0, 4, 2, 6). Convert Uint16Array or Float32Array images with `toUint8` first.
 * @example
 * const bytes = encodePng({ width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) });
 */
export function encodePng(image: Image, options?: EncodeOptions): Uint8Array {
  return encode(image, options, fflateZlib);
}
