/**
 * toUint8 and toGrayscale in WebAssembly: the image streams through linear memory a chunk at a
 * time (copy in, convert in place or into a second buffer, copy out), so memory stays at two
 * chunks whatever the image size. The arithmetic is assembly/pixels.ts's; the results are the TS
 * loops' to the bit (tests/to-uint8.test.mjs, tests/to-grayscale.test.mjs compare them).
 */
import { fresh, getModule, reserve, type ModuleExports } from './instance.js';
import { scratchLayout } from './linear.js';
import { setRow } from './shared-copy.js';

/** Pixels per chunk: 1 MiB of float32, small enough to stay in cache with its output. */
const CHUNK = 1 << 18;

/** The finite min and max of float32 `src`, as toUint8's "normalize" needs them. */
function finiteRange(wasm: ModuleExports, src: Float32Array, inPtr: number, outPtr: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let at = 0; at < src.length; at += CHUNK) {
    const n = Math.min(CHUNK, src.length - at);
    setRow(new Float32Array(wasm.memory.buffer, inPtr, n), src.subarray(at, at + n), 0);
    wasm.finiteRangeF32(inPtr, n, outPtr);
    const [l, h] = new Float32Array(wasm.memory.buffer, outPtr, 2);
    if (l < lo) lo = l;
    if (h > hi) hi = h;
  }
  return [lo, hi];
}

/**
 * float32 → bytes, mapped as toUint8 maps them ("clamp", "abs" or "normalize"), into `dst`.
 * @example
 * mapFloatToBytes(result.data, new Uint8Array(result.data.length), 'abs');
 */
export function mapFloatToBytes(src: Float32Array, dst: Uint8Array, map: 'clamp' | 'abs' | 'normalize'): void {
  const wasm = getModule();
  const layout = scratchLayout(wasm);
  const inPtr = layout.take(Math.min(CHUNK, src.length) * 4);
  const outPtr = layout.take(8);
  reserve(wasm, layout.end, 'toUint8');
  src = fresh(src);
  dst = fresh(dst);
  let lo = 0;
  let range = 0;
  if (map === 'normalize') {
    const [l, h] = finiteRange(wasm, src, inPtr, outPtr);
    // hi > lo fails for constant images and for images with no finite value: all 0 then.
    if (!(h > l)) {
      dst.fill(0);
      return;
    }
    lo = l;
    range = h - l;
  }
  for (let at = 0; at < src.length; at += CHUNK) {
    const n = Math.min(CHUNK, src.length - at);
    setRow(new Float32Array(wasm.memory.buffer, inPtr, n), src.subarray(at, at + n), 0);
    if (map === 'normalize') wasm.normalizeToU8(inPtr, n, lo, range);
    else wasm.mapToU8(inPtr, n, map === 'abs');
    setRow(dst, new Uint8Array(wasm.memory.buffer, inPtr, n), at);
  }
}

/**
 * 8- or 16-bit pixels of 3 or 4 channels → one gray channel into `dst` (same sample type): BT.601
 * in OpenCV's fixed point when `weights` is undefined, else the float64 weighted sum, rounded.
 * @example
 * grayFromIntegers(rgba.data, 4, new Uint8Array(width * height));
 */
export function grayFromIntegers(
  src: Uint8Array | Uint8ClampedArray | Uint16Array, channels: number, dst: Uint8Array | Uint8ClampedArray | Uint16Array,
  weights?: readonly [number, number, number],
): void {
  const wasm = getModule();
  const size = src.BYTES_PER_ELEMENT;
  const wide = size === 2;
  const pixels = dst.length;
  const chunk = Math.min(CHUNK, pixels);
  const layout = scratchLayout(wasm);
  const inPtr = layout.take(chunk * channels * size);
  const outPtr = layout.take(chunk * size);
  reserve(wasm, layout.end, 'toGrayscale');
  src = fresh(src);
  dst = fresh(dst);
  const In = wide ? Uint16Array : Uint8Array;
  const Out = wide ? Uint16Array : Uint8Array;
  for (let at = 0; at < pixels; at += CHUNK) {
    const n = Math.min(CHUNK, pixels - at);
    setRow(new In(wasm.memory.buffer, inPtr, n * channels), src.subarray(at * channels, (at + n) * channels), 0);
    if (weights) wasm.grayWeighted(inPtr, outPtr, n, channels, wide, weights[0], weights[1], weights[2]);
    else if (wide) wasm.grayQ15U16(inPtr, outPtr, n, channels);
    else wasm.grayQ15U8(inPtr, outPtr, n, channels);
    setRow(dst, new Out(wasm.memory.buffer, outPtr, n), at);
  }
}
