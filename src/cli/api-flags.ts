/**
 * The flags that carry the rest of the library's API to the command line (--dilation, --cval,
 * --method, --weights, --quality, --depth) and their parsers, kept apart from args.ts's own flags.
 * Each parser throws a UsageError naming its flag.
 */
import type { GrayWeights } from '../node/index.js';
import { UsageError } from './usage.js';

/** parseArgs descriptions of the flags. */
export const API_FLAGS = {
  dilation: { type: 'string' },
  cval: { type: 'string' },
  method: { type: 'string' },
  weights: { type: 'string' },
  quality: { type: 'string' },
  depth: { type: 'string' },
} as const;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INTEGER = /^\d+$/;

/**
 * `N` or `Y,X`: a positive integer for both axes, or one per axis.
 * @example
 * parsePair('--dilation', '2,1') // [2, 1]
 */
export function parsePair(flag: string, text: string): number | [number, number] {
  const parts = text.split(',');
  const ok = (p: string) => INTEGER.test(p) && Number.isSafeInteger(Number(p)) && Number(p) >= 1;
  if (parts.length > 2 || !parts.every(ok)) {
    throw new UsageError(`${flag} must be a positive integer N or a pair Y,X, not '${text}'`);
  }
  return parts.length === 1 ? Number(parts[0]) : [Number(parts[0]), Number(parts[1])];
}

/**
 * A finite decimal number (the constant border's value).
 * @example
 * parseValue('--cval', '-0.5') // -0.5
 */
export function parseValue(flag: string, text: string): number {
  const n = Number(text);
  if (!NUMBER.test(text) || !Number.isFinite(n) || !Number.isFinite(Math.fround(n))) {
    throw new UsageError(`${flag} must be a finite number, not '${text}'`);
  }
  return n;
}

/**
 * `bt601`, `bt709` or three numbers `R,G,B`.
 * @example
 * parseGrayWeights('0.3,0.6,0.1') // [0.3, 0.6, 0.1]
 */
export function parseGrayWeights(text: string): GrayWeights {
  if (text === 'bt601' || text === 'bt709') return text;
  const parts = text.split(',');
  if (parts.length !== 3 || !parts.every((p) => NUMBER.test(p) && Number.isFinite(Number(p)))) {
    throw new UsageError(`--weights must be bt601, bt709 or three numbers R,G,B, not '${text}'`);
  }
  return [Number(parts[0]), Number(parts[1]), Number(parts[2])];
}

/**
 * JPEG quality: an integer from 1 to 100.
 * @example
 * parseQuality('90') // 90
 */
export function parseQuality(text: string): number {
  const n = Number(text);
  if (!INTEGER.test(text) || n < 1 || n > 100) throw new UsageError(`--quality must be an integer from 1 to 100, not '${text}'`);
  return n;
}

/**
 * Output depth: 8 or 16 bits per sample.
 * @example
 * parseDepth('16') // 16
 */
export function parseDepth(text: string): 8 | 16 {
  if (text !== '8' && text !== '16') throw new UsageError(`--depth must be 8 or 16, not '${text}'`);
  return text === '8' ? 8 : 16;
}
