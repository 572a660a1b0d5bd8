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
import { toUint8, toUint16 } from './uint8.js';
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
  const { img, gray, weights, mapping, alphaMode, convolveOptions } = pipelineArgs(image, options);
  const bytes = img.data instanceof Uint8Array || img.data instanceof Uint8ClampedArray;
  const standardWeights = weights === undefined || weights === 'bt601';
  // 1- and 2-channel images are their own gray channel whatever the weights (toGrayscale copies it).
  const fuse = bytes && mapping !== 'normalize' && (!gray || standardWeights || img.channels < 3);
  if (!gray && alphaMode === 'keep' && (img.channels === 2 || img.channels === 4)) {
    return alphaCarried(convolveToUint8, img, kernel, convolveOptions, mapping);
  }
  if (!fuse) {
    return toUint8(convolve2d(grayIfAsked(img, gray, weights), kernel, convolveOptions as ConvolveOptions), { map: mapping });
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

/**
 * The 16-bit pipeline: `toUint16(convolve2d(grayscale ? toGrayscale(image, { weights }) : image,
 * kernel, options), { map })`, for 16-bit PNG output (give it Uint16Array images, such as
 * `readImage(path, { depth: 16 })` returns, to keep their precision).
 * @example
 * const edges16 = convolveToUint16(readImage('scan.png', { depth: 16 }), kernels.sobelX, { grayscale: true, map: 'abs' });
 * writePng('edges16.png', edges16);
 */
export function convolveToUint16(image: Image, kernel: Kernel, options?: PipelineOptions): Image<Uint16Array> {
  const { img, gray, weights, mapping, alphaMode, convolveOptions } = pipelineArgs(image, options);
  if (!gray && alphaMode === 'keep' && (img.channels === 2 || img.channels === 4)) {
    return alphaCarried(convolveToUint16, img, kernel, convolveOptions, mapping);
  }
  return toUint16(convolve2d(grayIfAsked(img, gray, weights), kernel, convolveOptions as ConvolveOptions), { map: mapping });
}

/** The pipelines' arguments, checked: the image, the two conversions, and the options left for convolve2d. */
function pipelineArgs(image: Image, options: PipelineOptions | undefined) {
  const img = checkImage(image);
  const { grayscale, weights, map, alpha, ...convolveOptions } = optionsObject(options, 'options', KEYS);
  const alphaMode = alpha === undefined ? 'keep' : oneOf(alpha, 'options.alpha', ['keep', 'convolve'] as const);
  if (grayscale !== undefined && typeof grayscale !== 'boolean') {
    throw typeError('options.grayscale', 'true or false', grayscale);
  }
  const mapping = map === undefined ? 'clamp' : oneOf(map, 'options.map', MAPS);
  if (weights !== undefined) checkWeights(weights); // checked even when unused, so typos surface
  return { img, gray: grayscale === true, weights, mapping, alphaMode, convolveOptions };
}

/** The image converted to gray when the pipeline asks for it, else as it is. */
function grayIfAsked(img: Image, gray: boolean, weights: unknown): Image {
  return gray ? toGrayscale(img, weights === undefined ? undefined : { weights: weights as GrayWeights }) : img;
}

/** The colour channels alone through `pipeline` (so "normalize" sees no alpha), then the alpha carried in. */
function alphaCarried<T extends Uint8Array | Uint16Array>(
  pipeline: (image: Image, kernel: Kernel, options: PipelineOptions) => Image<T>,
  img: Image, kernel: Kernel, convolveOptions: Record<string, unknown>, mapping: Uint8Map,
): Image<T> {
  const { kernel: k, plan } = prepare(img, kernel, convolveOptions);
  return withAlpha(pipeline(withoutAlpha(img), kernel, { ...convolveOptions, map: mapping }), img, k, plan);
}
