/**
 * Turns `convolve2d`'s options into a plan: explicit pads, strides, dilations and the output size,
 * all integers, checked. The formula for the output size is the contract's:
 * outH = floor((H + top + bottom − dy·(kH − 1) − 1) / sy) + 1, likewise for the width.
 */
import { rangeError, typeError } from '../errors.js';
import type { BorderMode } from '../types.js';
import { checkPixels, pixelLimit } from '../limits.js';
import { MAX_SIDE, float32Number, integer, isPlainObject, oneOf, optionsObject } from '../validate.js';
import { BORDERS, METHODS, MODES, type Method } from '../vocabulary.js';

export const CONVOLVE_OPTIONS = ['padding', 'stride', 'dilation', 'mode', 'border', 'cval', 'method', 'out', 'limitInputPixels'] as const;

/** Everything the kernels need to know, in integers. */
export interface ConvolvePlan {
  top: number; bottom: number; left: number; right: number;
  sy: number; sx: number; dy: number; dx: number;
  outH: number; outW: number;
  correlation: boolean;
  border: BorderMode;
  cval: number;
  method: Method;
}

/** A number or a pair `[y, x]` of integers ≥ 1. */
function pair(value: unknown, name: string): [number, number] {
  if (value === undefined) return [1, 1];
  if (Array.isArray(value)) {
    if (value.length !== 2) throw rangeError(name, 'a positive integer or a pair [y, x]', value);
    return [integer(value[0], `${name}[0]`, 1, MAX_SIDE), integer(value[1], `${name}[1]`, 1, MAX_SIDE)];
  }
  if (typeof value !== 'number') throw typeError(name, 'a positive integer or a pair [y, x]', value);
  const v = integer(value, name, 1, MAX_SIDE);
  return [v, v];
}

type Sides = [top: number, bottom: number, left: number, right: number];

function padding(value: unknown, spanH: number, spanW: number): Sides {
  const name = 'options.padding';
  if (value === undefined) return [0, 0, 0, 0];
  if (typeof value === 'string') {
    const rule = oneOf(value, name, ['valid', 'same', 'full']);
    if (rule === 'valid') return [0, 0, 0, 0];
    if (rule === 'full') return [spanH, spanH, spanW, spanW];
    // "same": the odd pixel of an even span goes after (bottom/right), as PyTorch and TensorFlow do.
    const top = Math.floor(spanH / 2), left = Math.floor(spanW / 2);
    return [top, spanH - top, left, spanW - left];
  }
  if (typeof value === 'number') {
    const p = integer(value, name, 0, MAX_SIDE);
    return [p, p, p, p];
  }
  if (Array.isArray(value)) {
    if (value.length !== 2) throw rangeError(name, 'a pair [py, px]', value);
    const py = integer(value[0], `${name}[0]`, 0, MAX_SIDE);
    const px = integer(value[1], `${name}[1]`, 0, MAX_SIDE);
    return [py, py, px, px];
  }
  if (isPlainObject(value)) {
    const sides = optionsObject(value, name, ['top', 'bottom', 'left', 'right']);
    const side = (key: string) => (sides[key] === undefined ? 0 : integer(sides[key], `${name}.${key}`, 0, MAX_SIDE));
    return [side('top'), side('bottom'), side('left'), side('right')];
  }
  throw typeError(name, 'a non-negative integer, [py, px], { top, bottom, left, right }, "valid", "same" or "full"', value);
}

/**
 * Checks `options` (unknown keys are a TypeError, as numpy rejects unknown keywords) and plans
 * the convolution of an H×W image with a kH×kW kernel.
 */
export function planConvolution(
  options: unknown, height: number, width: number, kH: number, kW: number,
  extraKeys: readonly string[] = [],
): ConvolvePlan {
  const o = optionsObject(options, 'options', [...CONVOLVE_OPTIONS, ...extraKeys]);
  const [sy, sx] = pair(o.stride, 'options.stride');
  const [dy, dx] = pair(o.dilation, 'options.dilation');
  const correlation = (o.mode === undefined ? 'convolution' : oneOf(o.mode, 'options.mode', MODES)) === 'correlation';
  const border = o.border === undefined ? 'constant' : oneOf(o.border, 'options.border', BORDERS);
  const cval = o.cval === undefined ? 0 : float32Number(o.cval, 'options.cval');
  const method = o.method === undefined ? 'auto' : oneOf(o.method, 'options.method', METHODS);
  const limit = pixelLimit(o.limitInputPixels);
  checkPixels('The image', width, height, limit);
  // The span of the dilated kernel minus one: how far the last tap reaches past the first.
  const spanH = dy * (kH - 1), spanW = dx * (kW - 1);
  const [top, bottom, left, right] = padding(o.padding, spanH, spanW);
  const paddedH = height + top + bottom, paddedW = width + left + right;
  if (paddedH > MAX_SIDE || paddedW > MAX_SIDE) {
    throw rangeError('options.padding', `a padded image of at most ${MAX_SIDE} pixels a side`, o.padding);
  }
  if (paddedH - spanH < 1 || paddedW - spanW < 1) {
    throw new RangeError(
      `The kernel (${kH}×${kW}, dilated to ${spanH + 1}×${spanW + 1}) is larger than the padded image ` +
      `(${paddedH}×${paddedW}): the output would be empty; add options.padding or use a smaller kernel or options.dilation`,
    );
  }
  const outH = Math.floor((paddedH - spanH - 1) / sy) + 1;
  const outW = Math.floor((paddedW - spanW - 1) / sx) + 1;
  // Padding can make the output far larger than the input: check before allocating it.
  checkPixels('The output', outW, outH, limit);
  return { top, bottom, left, right, sy, sx, dy, dx, outH, outW, correlation, border, cval, method };
}
