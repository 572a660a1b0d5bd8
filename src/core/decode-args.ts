/** The arguments every decoder (PNG, JPEG, by content) takes: bytes and `{ limitInputPixels, depth }`. */
import { typeError } from './errors.js';
import { pixelLimit } from './limits.js';
import { checkDepth } from './pixels/depth.js';
import { optionsObject } from './validate.js';

/** Checked decoder arguments. */
export interface DecodeArgs {
  /** The bytes as a Uint8Array (an ArrayBuffer is viewed, not copied). */
  bytes: Uint8Array;
  /** Largest width × height accepted. */
  limit: number;
  /** Bits per output sample. */
  depth: 8 | 16;
}

/**
 * Checks a decoder's `bytes` (Uint8Array or ArrayBuffer) and `options` (`limitInputPixels`,
 * `depth`), naming the bad one (TypeError or RangeError).
 * @example
 * const { bytes, limit, depth } = decodeArgs(buffer, { depth: 16 });
 */
export function decodeArgs(bytes: unknown, options: unknown): DecodeArgs {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw typeError('bytes', 'a Uint8Array or ArrayBuffer', bytes);
  }
  const o = optionsObject(options, 'options', ['limitInputPixels', 'depth']);
  const limit = pixelLimit(o.limitInputPixels);
  const depth = checkDepth(o.depth);
  return { bytes: bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes, limit, depth };
}
