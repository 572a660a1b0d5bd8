/**
 * Plain TypeScript transcriptions of OpenCV 4.6's edge code, pixel by pixel, for the tests to
 * check the WebAssembly paths against (like ../reference.ts for convolve2d). Slow and obvious on
 * purpose: every rule is written where it applies.
 */
import { derivFactors } from './deriv-kernels.js';
import { cannyThresholds, type CannyParams } from './thresholds.js';

/** Round half to even, as cvRound (lrint) rounds the float sum of a 1/16-scaled ksize-7 Sobel. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * cv2.Canny(gray, low, high, apertureSize=ksize, L2gradient) on a one-channel 8-bit image, as
 * modules/imgproc/src/canny.cpp computes it: Sobel dx, dy to int16 with replicated borders (ksize 7
 * scaled by 1/16), integer magnitudes, non-maximum suppression with the 15-bit tan 22.5°, and
 * 8-connected hysteresis. Returns 0/255 bytes.
 */
export function referenceCanny(data: ArrayLike<number>, width: number, height: number, params: CannyParams): Uint8Array {
  const W = width, H = height;
  const { x: deriv, y: smooth } = derivFactors(1, 0, params.ksize);
  const r = (deriv.length - 1) >> 1;
  const at = (y: number, x: number) => data[Math.min(H - 1, Math.max(0, y)) * W + Math.min(W - 1, Math.max(0, x))];
  const dx = new Int32Array(W * H), dy = new Int32Array(W * H), mag = new Int32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let sx = 0, sy = 0;
      for (let i = -r; i <= r; i++) {
        for (let j = -r; j <= r; j++) {
          const p = at(y + i, x + j);
          sx += smooth[i + r] * deriv[j + r] * p;
          sy += deriv[i + r] * smooth[j + r] * p;
        }
      }
      if (params.ksize === 7) { sx = roundHalfEven(sx / 16); sy = roundHalfEven(sy / 16); }
      const k = y * W + x;
      dx[k] = sx; dy[k] = sy;
      mag[k] = params.L2gradient ? sx * sx + sy * sy : Math.abs(sx) + Math.abs(sy);
    }
  }
  const { low, high } = cannyThresholds(params);
  const m = (y: number, x: number) => (y < 0 || y >= H || x < 0 || x >= W ? 0 : mag[y * W + x]);
  // 0: may be an edge, 1: cannot be, 2: is. Outside the image counts as 1.
  const map = new Uint8Array(W * H).fill(1);
  const stack: number[] = [];
  const TG22 = 13573; // round(tan(22.5°) · 2^15)
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const k = y * W + x, v = mag[k];
      if (!(v > low)) continue;
      const ax = Math.abs(dx[k]), ay = Math.abs(dy[k]) * 32768;
      const tg22x = ax * TG22;
      let peak: boolean;
      if (ay < tg22x) peak = v > m(y, x - 1) && v >= m(y, x + 1);
      else if (ay > tg22x + ax * 65536) peak = v > m(y - 1, x) && v >= m(y + 1, x);
      else {
        const s = (dx[k] < 0) !== (dy[k] < 0) ? -1 : 1;
        peak = v > m(y - 1, x - s) && v > m(y + 1, x + s);
      }
      if (!peak) continue;
      if (v > high) { map[k] = 2; stack.push(k); } else map[k] = 0;
    }
  }
  while (stack.length > 0) {
    const k = stack.pop() as number;
    const y = Math.floor(k / W), x = k - y * W;
    for (let i = -1; i <= 1; i++) {
      for (let j = -1; j <= 1; j++) {
        const yy = y + i, xx = x + j;
        if (yy < 0 || yy >= H || xx < 0 || xx >= W) continue;
        const n = yy * W + xx;
        if (map[n] === 0) { map[n] = 2; stack.push(n); }
      }
    }
  }
  return Uint8Array.from(map, (v) => (v === 2 ? 255 : 0));
}
