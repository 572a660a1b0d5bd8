/**
 * Alpha carried through a convolution instead of convolved: `convolveToUint8`'s default for
 * images with an alpha channel, so that an edge kernel on a decoded RGBA photo does not turn it
 * transparent. Each output pixel takes the alpha of the pixel at its window's centre, read from
 * the padded image with the call's border (cval for the constant border): for `padding: "same"`
 * and stride 1, exactly the input's alpha.
 */
import { borderMap } from '../convolve/border.js';
import type { ConvolvePlan } from '../convolve/options.js';
import type { Image, PixelData } from '../types.js';
import type { KernelMatrix } from '../validate.js';
import { saturate } from './rounding.js';
import { emptyLike } from './like.js';

/**
 * Writes the carried alpha into the last channel of `out` (outH × outW × channels samples). As
 * bytes: 8-bit alpha as it is, 16-bit alpha scaled to 8 bits (÷ 257, rounded half to even), float
 * alpha clamped to 0..255 and rounded as `toUint8`'s "clamp". Into a Uint16Array (the 16-bit
 * pipeline, which scales nothing, as `toUint16`): every alpha as it is, clamped to 0..65535.
 */
function carryAlpha(image: Image, kernel: KernelMatrix, plan: ConvolvePlan, out: Uint8Array | Uint16Array): void {
  const { width: W, height: H, channels: C, data } = image;
  const rows = borderMap(H, plan.top, plan.bottom, plan.border);
  const cols = borderMap(W, plan.left, plan.right, plan.border);
  // The window's centre in the padded image, for output (0, 0).
  const cy = Math.floor((plan.dy * (kernel.height - 1)) / 2), cx = Math.floor((plan.dx * (kernel.width - 1)) / 2);
  const max = out instanceof Uint16Array ? 65535 : 255;
  const scale = data instanceof Uint16Array && max === 255 ? 1 / 257 : 1;
  const fill = saturate(Math.fround(plan.cval) * scale, max);
  for (let i = 0, o = C - 1; i < plan.outH; i++) {
    const y = rows[i * plan.sy + cy];
    for (let j = 0; j < plan.outW; j++, o += C) {
      const x = y < 0 ? -1 : cols[j * plan.sx + cx];
      out[o] = x < 0 ? fill : saturate(data[(y * W + x) * C + C - 1] * scale, max);
    }
  }
}

/**
 * The colour channels of a 2- or 4-channel image (gray, or RGB), as a new image of the same
 * pixel type; other images are returned as they are.
 * @example
 * withoutAlpha(rgba) // { channels: 3, data: Uint8Array [r, g, b, r, g, b, ...] }
 */
export function withoutAlpha<D extends PixelData>(image: Image<D>): Image<D> {
  const { width, height, channels: C, data } = image;
  if (C !== 2 && C !== 4) return image;
  const n = width * height, keep = C - 1;
  const colours = emptyLike(data, n * keep) as D;
  for (let i = 0; i < n; i++) for (let c = 0; c < keep; c++) colours[i * keep + c] = data[i * C + c];
  return { width, height, channels: keep as 1 | 3, data: colours };
}

/** `colours` (outH × outW, 1 or 3 channels of bytes or 16-bit samples) with `source`'s alpha carried in as a last channel. */
export function withAlpha<T extends Uint8Array | Uint16Array>(colours: Image<T>, source: Image, kernel: KernelMatrix, plan: ConvolvePlan): Image<T> {
  const keep = colours.channels, C = keep + 1, n = colours.width * colours.height;
  const data = emptyLike(colours.data, n * C) as T;
  for (let i = 0; i < n; i++) for (let c = 0; c < keep; c++) data[i * C + c] = colours.data[i * keep + c];
  carryAlpha(source, kernel, plan, data);
  return { width: colours.width, height: colours.height, channels: C as 2 | 4, data };
}
