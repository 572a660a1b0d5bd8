/** Edge detection on a decoded image as a batch (and `conv2d -`) writes it: one 8-bit map. */
import { canny } from '../../core/edges/canny.js';
import { gradient } from '../../core/edges/gradient.js';
import { toGrayscale } from '../../core/pixels/grayscale.js';
import { toUint8 } from '../../core/pixels/uint8.js';
import type { GrayWeights, Image, Uint8Map } from '../../core/types.js';
import type { BatchEdges } from './types.js';

/**
 * Canny's 0/255 map, or the gradient magnitude mapped to bytes by `map`, of the image's gray
 * (`weights`, default BT.601). Edges need the whole image, so this is never streamed.
 * @example
 * const map = edgeImage(readImage('photo.jpg'), { canny: { low: 50, high: 150 } }, { map: 'clamp' });
 */
export function edgeImage(
  image: Image, job: BatchEdges, settings: { map: Uint8Map; weights?: GrayWeights; limitInputPixels?: number | boolean },
): Image<Uint8Array> {
  const gray = toGrayscale(image, { weights: settings.weights });
  const limit = { limitInputPixels: settings.limitInputPixels };
  return 'canny' in job ? canny(gray, { ...job.canny, ...limit }) : toUint8(gradient(gray, { ...job.gradient, ...limit }).magnitude, { map: settings.map });
}
