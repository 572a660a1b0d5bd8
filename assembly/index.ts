// The WebAssembly module: convolution kernels on linear memory. This file is the memory map and
// the list of exports of the module browsers load; Node's (./node.ts) adds the PNG codec's row
// work (./png.ts). Each job lives in a file of its own:
//   pad.ts     the caller's pixels → padded float32 planes and bands (every border mode)
//   direct.ts  the direct sum, SIMD along rows (start with `convolvePlane`, the hot loop)
//   fft.ts     overlap-save tiles through the 2-D DFT in float64
//   pixels.ts  the fused 8-bit pipeline: RGB(A) → gray, float32 → bytes
//   edges.ts   Canny as OpenCV computes it (its own memory map)
//   gradient.ts  gradient magnitude and direction (cv2.magnitude, cv2.phase) from dx, dy bands,
//              and the fused 3×3 Sobel / Scharr pair
//   png.ts     PNG's row filters both ways, and rows to RGBA (Node's module only)
//
// Memory map (planned by src/core/wasm/instance.ts, the only code that touches this memory):
//   images   allocImage images (the caller's, kept between calls), from __heap_base up; then each
//            call's own scratch, above the last of them:
//   src      the caller's pixels, copied in unchanged (u8, u16 or f32, channels interleaved),
//            or an allocImage image read where it lies
//   rowMap   i32[padH]  padded row    -> source row,    or -1 for the constant border
//   colMap   i32[padW]  padded column -> source column, or -1 for the constant border
//   plane    f32[padH * padW]  one channel, padded: P in the contract's formula
//   kernel   f32[kH * kW]      K' (already rotated for convolution)
//   dst      f32[outH * outW * channels]  the result, channels interleaved (or written straight
//            into an allocImage output)
// Nothing is allocated here: addresses and sizes come in, and all checking is done in TS
// beforehand (the release build has no asserts).

export * from './pad';
export * from './direct';
export * from './fft';
export * from './pixels';
export * from './edges';
export * from './gradient';

/** First free byte after static data: where the TS side starts its scratch area. */
export function heapBase(): usize {
  return __heap_base;
}
