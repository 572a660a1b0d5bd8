/**
 * The reference convolution: the contract's formula written out with no cleverness, in float64.
 * Tests and benchmarks compare every fast path with it. It shares only option parsing with the
 * WASM path; its border rule is OpenCV's borderInterpolate loop as OpenCV writes it, so the
 * closed form in border.ts is checked against an independent version.
 */
import type { BorderMode, Image, Kernel } from '../types.js';
import { prepare } from './prepare.js';

/** OpenCV's borderInterpolate, line for line (modules/core/src/copy.cpp); -1 means "constant". */
export function borderInterpolate(p: number, len: number, border: BorderMode): number {
  if (p >= 0 && p < len) return p;
  if (border === 'constant') return -1;
  if (border === 'edge') return p < 0 ? 0 : len - 1;
  if (border === 'symmetric' || border === 'reflect') {
    const delta = border === 'reflect' ? 1 : 0;
    if (len === 1) return 0;
    do {
      if (p < 0) p = -p - 1 + delta;
      else p = len - 1 - (p - len) - delta;
    } while (p < 0 || p >= len);
    return p;
  }
  // wrap
  if (p < 0) p -= Math.trunc((p - len + 1) / len) * len;
  if (p >= len) p %= len;
  return p;
}

/**
 * `convolve2d` by the definition: out[i,j] = Σ K'[m,n] · P[i·sy + m·dy, j·sx + n·dx].
 * Slow on purpose; same arguments, same result type, same errors.
 * @example
 * referenceConvolve2d({ width: 3, height: 1, channels: 1, data: new Float32Array([1, 2, 3]) }, [[1, 1]]).data
 * // Float32Array [3, 5]
 */
export function referenceConvolve2d(image: Image, kernel: Kernel, options?: unknown): Image<Float32Array> {
  const { image: img, kernel: k, plan } = prepare(image, kernel, options);
  const { width: W, height: H, channels: C, data } = img;
  const out = new Float32Array(plan.outH * plan.outW * C);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < plan.outH; i++) {
      for (let j = 0; j < plan.outW; j++) {
        let sum = 0;
        for (let m = 0; m < k.height; m++) {
          for (let n = 0; n < k.width; n++) {
            // K'[m, n]: rot180 for convolution.
            const w = plan.correlation
              ? k.data[m * k.width + n]
              : k.data[(k.height - 1 - m) * k.width + (k.width - 1 - n)];
            const y = borderInterpolate(i * plan.sy + m * plan.dy - plan.top, H, plan.border);
            const x = borderInterpolate(j * plan.sx + n * plan.dx - plan.left, W, plan.border);
            const v = y < 0 || x < 0 ? plan.cval : data[(y * W + x) * C + c];
            sum += w * v;
          }
        }
        out[(i * plan.outW + j) * C + c] = sum;
      }
    }
  }
  return { width: plan.outW, height: plan.outH, channels: C, data: out };
}
