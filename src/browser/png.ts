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
 * `{ depth: 16 }` gives 16-bit RGBA (Uint16Array): 16-bit files as stored, 8-bit ones times 257.
 * Throws `Error('Invalid PNG: …')` for a malformed file, and a RangeError naming
 * `options.limitInputPixels` for one with too many pixels.
 * @example
 * const image = decodePng(new Uint8Array(await (await fetch('photo.png')).arrayBuffer()));
 * // { width, height, channels: 4, data: Uint8Array [r, g, b, a, …] }
 */
export function decodePng(bytes: Uint8Array | ArrayBuffer, options: DecodeOptions & { depth: 16 }): Image<Uint16Array>;
export function decodePng(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions): Image<Uint8Array>;
export function decodePng(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions): Image<Uint8Array | Uint16Array> {
  return decode(bytes, options, fflateZlib);
}

/**
 * Encodes an image of 1–4 channels as PNG: gray, gray + alpha, RGB or RGBA (colour types 0, 4, 2,
 * 6), 8 bits a sample for Uint8Array data and 16 for Uint16Array. Convert Float32Array images with
 * `toUint8` or `toUint16` first.
 * @example
 * const bytes = encodePng({ width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) });
 */
export function encodePng(image: Image, options?: EncodeOptions): Uint8Array {
  return encode(image, options, fflateZlib);
}
