/**
 * Canny in WebAssembly (assembly/edges.ts `cannyEdges`): lays out the gray image, the derivative
 * taps, a few rows of gradients and magnitudes, the edge map and the hysteresis stack, runs the
 * kernel and copies the 0/255 result out.
 */
import { derivFactors } from '../edges/deriv-kernels.js';
import { cannyThresholds, type CannyParams } from '../edges/thresholds.js';
import { fresh, getModule, reserve } from './instance.js';
import { scratchLayout } from './linear.js';

/**
 * The edge map of a one-channel 8-bit image (`data.length === width · height`) into `out`.
 * Memory: the image, its map ((w + 2)·(h + 2) bytes) and a stack of 4 bytes a pixel (each pixel is
 * pushed at most once), plus rows.
 */
export function cannyEdges(data: Uint8Array | Uint8ClampedArray, width: number, height: number, params: CannyParams,
  out: Uint8Array): void {
  const k = getModule();
  const { x: deriv, y: smooth } = derivFactors(1, 0, params.ksize);
  const taps = smooth.length;
  const r = taps >> 1;
  const { low, high } = cannyThresholds(params);
  const pixels = width * height;
  const layout = scratchLayout(k);
  // Rows are computed 4 columns at a time (assembly/edges.ts): w4 columns, and 4 bytes of slack.
  const w4 = Math.ceil(width / 4) * 4;
  const srcPtr = layout.take(pixels + 4);
  const tapsPtr = layout.take(taps * 2 * 4);
  // vs, vd (w4 + 2r each), gx, gy (2 rows each), three magnitude rows of w4 + 2.
  const workPtr = layout.take((2 * (w4 + 2 * r) + 4 * w4 + 3 * (w4 + 2)) * 4);
  const mapPtr = layout.take((width + 2) * (height + 2));
  const stackPtr = layout.take(pixels * 4);
  reserve(k, layout.end, `Canny on a ${width}×${height} image`);
  const buffer = k.memory.buffer;
  new Uint8Array(buffer, srcPtr, pixels).set(fresh(data));
  const tapView = new Int32Array(buffer, tapsPtr, taps * 2);
  tapView.set(smooth);
  tapView.set(deriv, taps);
  k.cannyEdges(srcPtr, width, height, tapsPtr, taps, params.ksize === 7, params.L2gradient, low, high,
    workPtr, mapPtr, stackPtr);
  fresh(out).set(new Uint8Array(k.memory.buffer, srcPtr, pixels));
}
