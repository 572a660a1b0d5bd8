/**
 * Limits checked before any large allocation, so hostile sizes fail fast with a RangeError that
 * names the limit instead of exhausting memory. `limitInputPixels` works as in sharp.
 */
import { typeError } from './errors.js';
import { MAX_SIDE, integer } from './validate.js';

/** sharp's default: 16383 × 16383 pixels. */
export const DEFAULT_PIXEL_LIMIT = 16383 * 16383;

/**
 * The pixel limit an `options.limitInputPixels` value asks for: undefined or true → the default,
 * false → none, a positive integer → that.
 */
export function pixelLimit(value: unknown, name = 'options.limitInputPixels'): number {
  if (value === undefined || value === true) return DEFAULT_PIXEL_LIMIT;
  if (value === false) return Infinity;
  if (typeof value !== 'number') throw typeError(name, 'a positive integer, true or false', value);
  return integer(value, name, 1);
}

/**
 * Throws a RangeError naming the limit when `width × height` exceeds it, or when a side is longer
 * than any image the library accepts (MAX_SIDE), so a file's header is refused before its pixels
 * are decoded (a 261 KB PNG may claim 268402689 × 1).
 */
export function checkPixels(what: string, width: number, height: number, limit: number, name = 'options.limitInputPixels'): void {
  if (width > MAX_SIDE || height > MAX_SIDE) {
    throw new RangeError(`${what} of ${width} × ${height} pixels has a side longer than ${MAX_SIDE}, the most any image may have`);
  }
  if (width * height > limit) {
    throw new RangeError(
      `${what} of ${width} × ${height} = ${width * height} pixels exceeds ${name} (${limit}); ` +
      `raise ${name}, or set it to false, to allow it`,
    );
  }
}
