/**
 * `convolveToUint8`: the common job (optionally grayscale → convolve → 8 bits) in one pass.
 *
 * It returns exactly `toUint8(convolve2d(grayscale ? toGrayscale(image, { weights }) : image,
 * kernel, options), { map })`. For 8-bit input with the "clamp" or "abs" map (and BT.601 weights
 * when converting to gray) the steps are fused in WebAssembly: gray values are computed while the
 * padded rows are built, and each band of results is mapped to bytes before it leaves linear
 * memory, so neither the gray image nor the float32 result is ever allocated. Otherwise (16-bit
 * or float input, other weights, "normalize", which needs the global min and max) the public
 * functions are composed.
 */
import { convolve2d } from '../convolve/convolve.js';
import { checkWeights, toGrayscale } from './grayscale.js';
import { CONVOLVE_OPTIONS } from '../convolve/options.js';
import { prepare } from '../convolve/prepare.js';
import { factorsFor } from '../convolve/separable.js';
import type { ConvolveOptions, GrayWeights, Image, Kernel, Uint8Map } from '../types.js';
import { toUint8 } from './uint8.js';
import { checkImage, oneOf, optionsObject } from '../validate.js';
import { typeError } from '../errors.js';
import { convolveWasm } from '../wasm/paths.js';
import { MAPS } from '../vocabulary.js';
import { withAlpha, withoutAlpha } from './alpha.js';

/** Options of `convolveToUint8`: those of `convolve2d` (but `out`), plus the two conversions. */
export interface PipelineOptions extends Omit<ConvolveOptions, 'out'> {
  /** Convert to one gray channel first (default false: every channel is convolved). */
  grayscale?: boolean;
  /** Weights for the gray conversion, as toGrayscale's `weights` (default "bt601"). */
  weights?: GrayWeights;
  /** How results become bytes, as toUint8's `map` (default "clamp"). */
  map?: Uint8Map;
  /**
   * What happens to the alpha channel of a 2- or 4-channel image when it is not converted to gray:
   * `"keep"` (default) carries each output pixel's alpha from its window's centre, so the result is
   * as opaque as the input; `"convolve"` convolves it like the other channels.
   */
  alpha?: 'keep' | 'convolve';
}

const KEYS = [...CONVOLVE_OPTIONS.filter((key) => key !== 'out'), 'grayscale', 'weights', 'map', 'alpha'];

/**
 * Convolves and converts to 8 bits in one pass where it pays; the same bytes as composing
 * toGrayscale, convolve2d and toUint8 (for the colour channels; alpha, unless `alpha:
 * "convolve"`, is carried through: see `PipelineOptions.alpha`).
 * @example
 * const edges = convolveToUint8(decodePng(bytes), kernels.edge, { grayscale: true, padding: 'same' });
 * writePng('edges.png', edges);
 */
export function convolveToUint8(image: Image, kernel: Kernel, options?: PipelineOptions): Image<Uint8Array> {
  const img = checkImage(image);
  const { grayscale, weights, map, alpha, ...convolveOptions } = optionsObject(options, 'options', KEYS);
  const alphaMode = alpha === undefined ? 'keep' : oneOf(alpha, 'options.alpha', ['keep', 'convolve'] as const);
  if (grayscale !== undefined && typeof grayscale !== 'boolean') {
    throw typeError('options.grayscale', 'true or false', grayscale);
  }
  const mapping = map === undefined ? 'clamp' : oneOf(map, 'options.map', MAPS);
  const gray = grayscale === true;
  if (weights !== undefined) checkWeights(weights); // checked even when unused, so typos surface
  const bytes = img.data instanceof Uint8Array || img.data instanceof Uint8ClampedArray;
  const standardWeights = weights === undefined || weights === 'bt601';
  // 1- and 2-channel images are their own gray channel whatever the weights (toGrayscale copies it).
  const fuse = bytes && mapping !== 'normalize' && (!gray || standardWeights || img.channels < 3);
  if (!gray && alphaMode === 'keep' && (img.channels === 2 || img.channels === 4)) {
    // The colour channels alone (so "normalize" sees no alpha), then the alpha carried in.
    const { kernel: k, plan } = prepare(img, kernel, convolveOptions);
    const colours = convolveToUint8(withoutAlpha(img), kernel, { ...convolveOptions, map: mapping });
    return withAlpha(colours, img, k, plan);
  }
  if (!fuse) {
    const source = gray ? toGrayscale(img, weights === undefined ? undefined : { weights: weights as GrayWeights }) : img;
    return toUint8(convolve2d(source, kernel, convolveOptions as ConvolveOptions), { map: mapping });
  }
  const { kernel: k, plan } = prepare(img, kernel, convolveOptions);
  const channels = gray ? 1 : img.channels;
  const factors = factorsFor(k, plan);
  const data = new Uint8Array(plan.outH * plan.outW * channels);
  // A 2-channel image's gray channel is channel 0: copied out once, then convolved alone.
  const source = gray && img.channels === 2 ? toGrayscale(img) : img;
  convolveWasm(source, k, plan, { data, channels, gray: gray && img.channels >= 3, absolute: mapping === 'abs' }, factors);
  return { width: plan.outW, height: plan.outH, channels: channels as Image['channels'], data };
}
