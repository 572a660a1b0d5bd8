/**
 * Canny's parameters, checked, and the integer thresholds OpenCV compares magnitudes with.
 */
import { rangeError, typeError } from '../errors.js';
import { finiteNumber, oneOfNumbers } from '../validate.js';

/** Checked Canny parameters (thresholds as given). */
export interface CannyParams {
  low: number;
  high: number;
  ksize: 3 | 5 | 7;
  L2gradient: boolean;
}

/** cvFloor of a threshold must stay an int32: beyond, OpenCV's own conversion overflows. */
const INT32_MIN = -2147483648, INT32_MAX = 2147483647;

function threshold(value: unknown, name: string): number {
  if (value === undefined) throw typeError(name, 'a number (the Canny thresholds are required)', value);
  const v = finiteNumber(value, name);
  if (v < INT32_MIN || v > INT32_MAX) throw rangeError(name, `a number from ${INT32_MIN} to ${INT32_MAX}`, value);
  return v;
}

/** Checks `low`, `high`, `ksize` and `L2gradient` of an options object already checked for keys. */
export function checkCannyParams(o: Record<string, unknown>): CannyParams {
  const low = threshold(o.low, 'options.low');
  const high = threshold(o.high, 'options.high');
  const ksize = o.ksize === undefined ? 3 : oneOfNumbers(o.ksize, 'options.ksize', [3, 5, 7] as const);
  if (o.L2gradient !== undefined && typeof o.L2gradient !== 'boolean') {
    throw typeError('options.L2gradient', 'a boolean', o.L2gradient);
  }
  return { low, high, ksize, L2gradient: o.L2gradient === true };
}

/**
 * The integer thresholds of canny.cpp: ksize 7 divides both by 16 (its derivatives are scaled by
 * 1/16), a low above high is swapped, L2 squares them (after capping at 32767, positive ones only),
 * and both are floored. A magnitude is a candidate when > low and strong when > high.
 */
export function cannyThresholds(params: CannyParams): { low: number; high: number } {
  let { low, high } = params;
  if (params.ksize === 7) { low /= 16; high /= 16; }
  if (low > high) [low, high] = [high, low];
  if (params.L2gradient) {
    low = Math.min(32767, low);
    high = Math.min(32767, high);
    if (low > 0) low *= low;
    if (high > 0) high *= high;
  }
  return { low: Math.floor(low), high: Math.floor(high) };
}
