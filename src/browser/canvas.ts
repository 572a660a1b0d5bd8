/**
 * Interop with the platform's pixels: ImageData, canvases, ImageBitmaps (and anything else a
 * canvas can draw) and Blobs/Files, each one call away from an `Image`.
 *
 * Exact pixels: a canvas stores colours premultiplied by alpha, so reading one back changes the
 * colour of partly transparent pixels, and browsers may convert colour spaces when they decode.
 * `fromBlob` therefore decodes PNG files itself (the same bytes-to-pixels as `decodePng` in Node)
 * and leaves only other formats to the browser.
 */
import { typeError } from '../core/errors.js';
import { decodePng, encodePng } from './png.js';
import type { DecodeOptions } from '../core/png/decode.js';
import type { Image, Uint8Options } from '../core/types.js';
import { toUint8 } from '../core/pixels/uint8.js';
import { checkImage } from '../core/validate.js';
import { hasPngSignature } from '../core/vocabulary.js';

/** What `fromImageData` needs of an ImageData (so a plain `{ width, height, data }` works too). */
export interface ImageDataLike {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A canvas with a 2D context, or an OffscreenCanvas. */
type AnyCanvas = HTMLCanvasElement | OffscreenCanvas;
type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * Wraps ImageData as a 4-channel `Image` without copying: `data` is the ImageData's own array
 * (the library never writes to its inputs).
 * @example
 * const image = fromImageData(ctx.getImageData(0, 0, canvas.width, canvas.height));
 */
export function fromImageData(imageData: ImageDataLike): Image<Uint8ClampedArray> {
  if (typeof imageData !== 'object' || imageData === null || !(imageData.data instanceof Uint8ClampedArray)) {
    throw typeError('imageData', 'an ImageData (or { width, height, data: Uint8ClampedArray })', imageData);
  }
  const image = { width: imageData.width, height: imageData.height, channels: 4 as const, data: imageData.data };
  checkImage(image, 'imageData');
  return image;
}

/**
 * Makes ImageData (RGBA, 8-bit) from an image of 1–4 channels, ready for `putImageData`: gray is
 * copied to R, G and B, a missing alpha is 255. 8-bit data without options is used as it is;
 * anything else goes through `toUint8(image, options)` first (so `{ map: 'abs' }` shows signed
 * filter responses).
 * @example
 * ctx.putImageData(toImageData(convolve2d(gray, kernels.sobelX), { map: 'abs' }), 0, 0);
 */
export function toImageData(image: Image, options?: Uint8Options): ImageData {
  const img = checkImage(image);
  const isEightBit = img.data instanceof Uint8Array || img.data instanceof Uint8ClampedArray;
  const eight = isEightBit && options === undefined ? img : toUint8(img, options);
  const { width, height, channels, data: src } = eight;
  const rgba = new Uint8ClampedArray(width * height * 4);
  if (channels === 4) rgba.set(src);
  else {
    for (let p = 0, s = 0, d = 0; p < width * height; p++, s += channels, d += 4) {
      const gray = channels < 3;
      rgba[d] = src[s];
      rgba[d + 1] = gray ? src[s] : src[s + 1];
      rgba[d + 2] = gray ? src[s] : src[s + 2];
      rgba[d + 3] = channels === 2 ? src[s + 1] : 255;
    }
  }
  return new ImageData(rgba, width, height);
}

function newCanvas(width: number, height: number): AnyCanvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function context2d(canvas: AnyCanvas): Context2D | null {
  return canvas.getContext('2d', { willReadFrequently: true }) as Context2D | null;
}

/** Width and height of anything `drawImage` accepts, at its natural size. */
function naturalSize(source: CanvasImageSource): [number, number] {
  const s = source as Partial<HTMLImageElement & HTMLVideoElement & VideoFrame & ImageBitmap>;
  if (typeof s.naturalWidth === 'number' && s.naturalWidth > 0) return [s.naturalWidth, s.naturalHeight!];
  if (typeof s.videoWidth === 'number' && s.videoWidth > 0) return [s.videoWidth, s.videoHeight!];
  if (typeof s.displayWidth === 'number') return [s.displayWidth, s.displayHeight!];
  const { width, height } = source as { width: number | SVGAnimatedLength; height: number | SVGAnimatedLength };
  const value = (v: number | SVGAnimatedLength) => (typeof v === 'number' ? v : v.baseVal.value);
  return [value(width), value(height)];
}

/**
 * Reads the pixels of anything a canvas can draw (ImageBitmap, `<img>`, `<video>`, VideoFrame,
 * a canvas) at its natural size, as a 4-channel image. An `<img>` must have loaded.
 * @example
 * const image = fromImageSource(await createImageBitmap(file));
 */
export function fromImageSource(source: CanvasImageSource): Image<Uint8ClampedArray> {
  if (typeof source !== 'object' || source === null) {
    throw typeError('source', 'an ImageBitmap, image, video, VideoFrame or canvas', source);
  }
  const [width, height] = naturalSize(source);
  if (!(width > 0 && height > 0)) {
    throw new RangeError(`Expected a source with pixels for source but received one of ${width} × ${height} (not loaded yet?)`);
  }
  const canvas = newCanvas(width, height);
  const ctx = context2d(canvas)!;
  ctx.drawImage(source, 0, 0);
  return fromImageData(ctx.getImageData(0, 0, width, height));
}

/**
 * Reads a canvas (HTMLCanvasElement or OffscreenCanvas, 2D or WebGL) as a 4-channel image.
 * @example
 * const edges = convolve2d(toGrayscale(fromCanvas(canvas)), kernels.edge, { padding: 'same' });
 */
export function fromCanvas(canvas: AnyCanvas): Image<Uint8ClampedArray> {
  if (typeof canvas !== 'object' || canvas === null || typeof (canvas as AnyCanvas).getContext !== 'function') {
    throw typeError('canvas', 'an HTMLCanvasElement or OffscreenCanvas', canvas);
  }
  // A canvas that already has a WebGL context has no 2D one; drawing it elsewhere still works.
  let ctx: Context2D | null = null;
  try {
    ctx = context2d(canvas);
  } catch {
    ctx = null;
  }
  if (!ctx) return fromImageSource(canvas);
  return fromImageData(ctx.getImageData(0, 0, canvas.width, canvas.height));
}

/**
 * Decodes an image file (a Blob or File, from a file picker, drag and drop or `fetch`) as a
 * 4-channel image. PNG is decoded here, exactly as `decodePng` (and Node) decode it; other formats
 * (JPEG, WebP, GIF...) by the browser, through `createImageBitmap`.
 * @example
 * input.onchange = async () => show(await fromBlob(input.files[0]));
 */
export async function fromBlob(blob: Blob, options?: DecodeOptions): Promise<Image<Uint8Array | Uint8ClampedArray>> {
  if (typeof Blob === 'undefined' || !(blob instanceof Blob)) throw typeError('blob', 'a Blob or File', blob);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  if (hasPngSignature(bytes)) return decodePng(bytes, options);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes]), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch (cause) {
    throw new Error(`Cannot decode the image (${blob.type || 'unknown type'}, ${blob.size} bytes): not a format this browser reads`, { cause });
  }
  try {
    return fromImageSource(bitmap);
  } finally {
    bitmap.close();
  }
}

/**
 * Encodes an 8-bit image of 1–4 channels as a PNG Blob, for a download link or an upload.
 * @example
 * link.href = URL.createObjectURL(toBlob(toUint8(edges, { map: 'abs' })));
 */
export function toBlob(image: Image): Blob {
  return new Blob([encodePng(image) as Uint8Array<ArrayBuffer>], { type: 'image/png' });
}
