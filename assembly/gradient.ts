// Gradient magnitude and direction from dx, dy planes (float32, same layout), as OpenCV's
// cv2.magnitude and cv2.phase compute them. Called on each band of `gradient`'s output while it is
// still in linear memory (src/core/wasm/bank.ts).

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
 * For `count` values: mag = √(gx² + gy²) (float32, as cv2.magnitude) or |gx| + |gy|; with `dir`
 * non-zero, dir = cv2.phase(gx, gy) in degrees, or times `scale` (π/180 as float32) for radians.
 */
export function gradientMaps(gx: usize, gy: usize, count: i32, l2: bool, mag: usize, dir: usize, scale: f32): void {
  // Scalar: the maps cost little next to the convolutions and the copies out, and the module stays
  // small (it ships inside the browser bundle).
  for (let i = 0; i < count; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(gx + o), y = load<f32>(gy + o);
    store<f32>(mag + o, l2 ? sqrt<f32>(x * x + y * y) : abs<f32>(x) + abs<f32>(y));
  }
  if (dir == 0) return;
  const degrees = scale == 1;
  for (let j = 0; j < count; j++) {
    const o = <usize>j << 2;
    const a = fastAtan2(load<f32>(gy + o), load<f32>(gx + o));
    store<f32>(dir + o, degrees ? a : a * scale);
  }
}
