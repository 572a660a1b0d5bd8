// Gradient magnitude and direction from dx, dy planes (float32, same layout), as OpenCV's
// cv2.magnitude and cv2.phase compute them, and the 3×3 derivative pair that makes dx, dy and the
// magnitude in one pass. Called on each band of `gradient`'s output while it is still in linear
// memory (src/core/wasm/bank.ts, src/core/wasm/gradient.ts).

// cv2.phase's fastAtan2 polynomial (modules/core/src/mathfuncs_core.simd.hpp): degrees, about
// 0.3° from the true atan2, in [0, 360). Coefficients as OpenCV rounds them: float products.
const P1: f32 = <f32>0.9997878412794807 * <f32>(180 / Math.PI);
const P3: f32 = <f32>-0.3258083974640975 * <f32>(180 / Math.PI);
const P5: f32 = <f32>0.1555786518463281 * <f32>(180 / Math.PI);
const P7: f32 = <f32>-0.04432655554792128 * <f32>(180 / Math.PI);
/** (float)DBL_EPSILON: keeps 0 / 0 at 0. */
const EPS: f32 = <f32>2.220446049250313e-16;

@inline
function fastAtan2(y: f32, x: f32): f32 {
  const ax = abs<f32>(x), ay = abs<f32>(y);
  let a: f32;
  if (ax >= ay) {
    const c = ay / (ax + EPS), c2 = c * c;
    a = (((P7 * c2 + P5) * c2 + P3) * c2 + P1) * c;
  } else {
    const c = ax / (ay + EPS), c2 = c * c;
    a = <f32>90 - (((P7 * c2 + P5) * c2 + P3) * c2 + P1) * c;
  }
  if (x < 0) a = <f32>180 - a;
  if (y < 0) a = <f32>360 - a;
  return a;
}

/**
 * For `count` values: with `mag` non-zero, mag = √(gx² + gy²) (float32, as cv2.magnitude) or
 * |gx| + |gy|; with `dir` non-zero, dir = cv2.phase(gx, gy) in degrees, or times `scale` (π/180 as
 * float32) for radians.
 */
export function gradientMaps(gx: usize, gy: usize, count: i32, l2: bool, mag: usize, dir: usize, scale: f32): void {
  if (mag != 0) magnitudes(gx, gy, count, l2, mag);
  if (dir == 0) return;
  // Scalar: cv2.phase's branches per value; it is computed only when asked for.
  const degrees = scale == 1;
  for (let j = 0; j < count; j++) {
    const o = <usize>j << 2;
    const a = fastAtan2(load<f32>(gy + o), load<f32>(gx + o));
    store<f32>(dir + o, degrees ? a : a * scale);
  }
}

/**
 * mag = √(gx² + gy²) or |gx| + |gy|, four values a step: f32x4.sqrt, mul and add round as their
 * scalar forms do (IEEE, no fused multiply-add), so the bits are cv2.magnitude's either way.
 */
function magnitudes(gx: usize, gy: usize, count: i32, l2: bool, mag: usize): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const o = <usize>i << 2;
    store<v128>(mag + o, magnitude4(v128.load(gx + o), v128.load(gy + o), l2));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(gx + o), y = load<f32>(gy + o);
    store<f32>(mag + o, l2 ? sqrt<f32>(x * x + y * y) : abs<f32>(x) + abs<f32>(y));
  }
}

@inline
function magnitude4(x: v128, y: v128, l2: bool): v128 {
  return l2 ? f32x4.sqrt(f32x4.add(f32x4.mul(x, x), f32x4.mul(y, y))) : f32x4.add(f32x4.abs(x), f32x4.abs(y));
}

/**
 * `gradient`'s 3×3 fast path: cv2.Sobel's (a = 1, b = 2) or cv2.Scharr's (a = 3, b = 10) x and y
 * derivatives of one padded plane and their magnitude, in one pass that loads each value once for
 * both (the bank runs each kernel's own nine-tap loop and a magnitude pass after). As cv2 correlates,
 * with P the 3×3 window of an output:
 *   gx = a·(P02 − P00) + b·(P12 − P10) + a·(P22 − P20)
 *   gy = a·(P20 − P00) + b·(P21 − P01) + a·(P22 − P02)
 * That is not the direct loop's order of taps. The caller uses this only on integer planes (8- and
 * 16-bit images, integer border values), where every partial sum is an integer below 2^24, exact in
 * float32 in any order, and never −0: the direct loop's bits. Rows of `outW` values, one channel.
 */
export function derivPair3(plane: usize, padW: i32, a: f32, b: f32, outH: i32, outW: i32,
  gx: usize, gy: usize, mag: usize, l2: bool): void {
  const rowBytes = <usize>padW << 2;
  const va = f32x4.splat(a), vb = f32x4.splat(b);
  for (let i = 0; i < outH; i++) {
    const r0 = plane + <usize>i * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes;
    const o = <usize>i * <usize>outW << 2;
    if (outW < 4) {
      for (let j = 0; j < outW; j++) {
        const c = <usize>j << 2, d = o + c;
        const p00 = load<f32>(r0 + c), p01 = load<f32>(r0 + c, 4), p02 = load<f32>(r0 + c, 8);
        const p10 = load<f32>(r1 + c), p12 = load<f32>(r1 + c, 8);
        const p20 = load<f32>(r2 + c), p21 = load<f32>(r2 + c, 4), p22 = load<f32>(r2 + c, 8);
        const x = a * (p02 - p00) + b * (p12 - p10) + a * (p22 - p20);
        const y = a * (p20 - p00) + b * (p21 - p01) + a * (p22 - p02);
        store<f32>(gx + d, x);
        store<f32>(gy + d, y);
        store<f32>(mag + d, l2 ? sqrt<f32>(x * x + y * y) : abs<f32>(x) + abs<f32>(y));
      }
      continue;
    }
    for (let next = 0; next < outW; ) {
      const j = next + 4 <= outW ? next : outW - 4; // the last block overlaps the one before
      next = j + 4;
      const c = <usize>j << 2, d = o + c;
      const p00 = v128.load(r0 + c), p01 = v128.load(r0 + c, 4), p02 = v128.load(r0 + c, 8);
      const p10 = v128.load(r1 + c), p12 = v128.load(r1 + c, 8);
      const p20 = v128.load(r2 + c), p21 = v128.load(r2 + c, 4), p22 = v128.load(r2 + c, 8);
      const x = f32x4.add(f32x4.add(f32x4.mul(va, f32x4.sub(p02, p00)), f32x4.mul(vb, f32x4.sub(p12, p10))),
        f32x4.mul(va, f32x4.sub(p22, p20)));
      const y = f32x4.add(f32x4.add(f32x4.mul(va, f32x4.sub(p20, p00)), f32x4.mul(vb, f32x4.sub(p21, p01))),
        f32x4.mul(va, f32x4.sub(p22, p02)));
      v128.store(gx + d, x);
      v128.store(gy + d, y);
      v128.store(mag + d, magnitude4(x, y, l2));
    }
  }
}
