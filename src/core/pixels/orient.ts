/**
 * EXIF orientation applied to pixels: the stored image turned and mirrored so it is upright, as
 * browsers (`image-orientation: from-image`), cv2.imread and sharp's `autoOrient()` show it.
 */
import type { Image, PixelData } from '../types.js';
import { emptyLike } from './like.js';

/**
 * The image as EXIF orientation `orientation` (1–8) says it should be shown; 1 returns it as it is.
 * Orientations 5–8 swap width and height.
 * @example
 * orient({ width: 2, height: 1, channels: 1, data: new Uint8Array([1, 2]) }, 6)
 * // { width: 1, height: 2, channels: 1, data: Uint8Array [1, 2] } (turned 90° clockwise)
 */
export function orient<T extends PixelData>(image: Image<T>, orientation: number): Image<T> {
  if (orientation === 1) return image;
  const { width: w, height: h, channels: c, data } = image;
  const transposed = orientation >= 5;
  const outW = transposed ? h : w;
  const outH = transposed ? w : h;
  const out = emptyLike(data, data.length) as T;
  // For each output pixel (x, y), the source pixel (sx, sy) it shows (EXIF 2.3, Orientation tag).
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: sx = w - 1 - x; sy = y; break; // mirrored
        case 3: sx = w - 1 - x; sy = h - 1 - y; break; // turned 180°
        case 4: sx = x; sy = h - 1 - y; break; // flipped
        case 5: sx = y; sy = x; break; // transposed
        case 6: sx = y; sy = h - 1 - x; break; // stored turned 90° anticlockwise: turn clockwise
        case 7: sx = w - 1 - y; sy = h - 1 - x; break; // transverse
        default: sx = w - 1 - y; sy = x; break; // 8: stored turned 90° clockwise: turn anticlockwise
      }
      const from = (sy * w + sx) * c;
      const to = (y * outW + x) * c;
      for (let k = 0; k < c; k++) out[to + k] = data[from + k];
    }
  }
  return { width: outW, height: outH, channels: c, data: out };
}
