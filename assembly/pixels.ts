// Pixel conversions: RGB(A) → gray (a padded plane for the fused pipeline, or toGrayscale's output),
// float32 → bytes (toUint8's maps).
// Driven by src/core/wasm/band.ts (gray staging), src/core/wasm/instance.ts (the byte map of a band)
// and src/core/wasm/pixels.ts (whole images, a chunk at a time).

/**
 * Like padPlaneU8, but each pixel becomes its BT.601 gray value first, exactly as toGrayscale
 * computes it (OpenCV's 15-bit fixed point: (9798·R + 19235·G + 3735·B + 2^14) >> 15).
 */
export function grayPlaneU8(
  src: usize, srcW: i32, channels: i32,
  rowMap: usize, padH: i32, colMap: usize, padW: i32, cval: f32, plane: usize, left: i32,
): void {
  // The interior columns (left to left + srcW) are the source row itself in every border mode:
  // four pixels a step there, with no map lookups; one 16-byte load, the R, G and B bytes of each
  // pixel picked into 32-bit lanes by a swizzle (an index of 255 gives 0), then the same integer
  // sum as grayOf. A load must stay inside the row: the last pixels go one by one.
  const rPick = channels == 4 ? i8x16(0, -1, -1, -1, 4, -1, -1, -1, 8, -1, -1, -1, 12, -1, -1, -1)
    : i8x16(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1);
  const gPick = channels == 4 ? i8x16(1, -1, -1, -1, 5, -1, -1, -1, 9, -1, -1, -1, 13, -1, -1, -1)
    : i8x16(1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1);
  const bPick = channels == 4 ? i8x16(2, -1, -1, -1, 6, -1, -1, -1, 10, -1, -1, -1, 14, -1, -1, -1)
    : i8x16(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1);
  const wr = i32x4.splat(9798);
  const wg = i32x4.splat(19235);
  const wb = i32x4.splat(3735);
  const half = i32x4.splat(16384);
  const pixel = <usize>channels;
  // Pixels whose 16-byte load stays inside the row.
  const wide = srcW * channels >= 16 ? (srcW * channels - 16) / channels + 1 : 0;
  for (let i = 0; i < padH; i++) {
    const r = load<i32>(rowMap + (<usize>i << 2));
    const out = plane + <usize>i * <usize>padW * 4;
    if (r < 0) {
      for (let j = 0; j < padW; j++) store<f32>(out + (<usize>j << 2), cval);
      continue;
    }
    const row = src + <usize>r * <usize>srcW * pixel;
    for (let j = 0; j < left; j++) store<f32>(out + (<usize>j << 2), grayAt(row, colMap, j, pixel, cval));
    const body = out + (<usize>left << 2);
    let x = 0;
    for (; x + 4 <= srcW && x < wide; x += 4) {
      const px = v128.load(row + <usize>x * pixel);
      const sum = i32x4.add(
        i32x4.add(i32x4.mul(i8x16.swizzle(px, rPick), wr), i32x4.mul(i8x16.swizzle(px, gPick), wg)),
        i32x4.add(i32x4.mul(i8x16.swizzle(px, bPick), wb), half));
      v128.store(body + (<usize>x << 2), f32x4.convert_i32x4_u(i32x4.shr_u(sum, 15)));
    }
    for (; x < srcW; x++) store<f32>(body + (<usize>x << 2), grayOf(row + <usize>x * pixel));
    for (let j = left + srcW; j < padW; j++) store<f32>(out + (<usize>j << 2), grayAt(row, colMap, j, pixel, cval));
  }
}

/** The BT.601 gray of the 8-bit RGB at `p`, as toGrayscale (15-bit fixed point). */
@inline
function grayOf(p: usize): f32 {
  return <f32>((<u32>load<u8>(p) * 9798 + <u32>load<u8>(p, 1) * 19235 + <u32>load<u8>(p, 2) * 3735 + 16384) >> 15);
}

/** Padded column j of a source row through the column map (-1: cval), as gray. */
@inline
function grayAt(row: usize, colMap: usize, j: i32, pixel: usize, cval: f32): f32 {
  const c = load<i32>(colMap + (<usize>j << 2));
  return c < 0 ? cval : grayOf(row + <usize>c * pixel);
}

/**
 * Float32 values → bytes in place (byte i overwrites part of float i, already read), as toUint8's
 * "clamp" (or "abs" when `absolute`): round half to even (`nearest`), clip to 0..255, NaN → 0.
 */
export function mapToU8(p: usize, count: i32, absolute: bool): void {
  // Sixteen at a time: nearest (half to even), then a saturating truncation to i32 (NaN → 0) and
  // two saturating narrowings (i32 → i16 → u8) clip to 0..255, exactly the scalar rule below.
  // Byte i is stored at p + i, below every float not yet read (at p + 4i and up).
  let i = 0;
  for (; i + 16 <= count; i += 16) {
    const at = p + (<usize>i << 2);
    let a = v128.load(at);
    let b = v128.load(at, 16);
    let c = v128.load(at, 32);
    let d = v128.load(at, 48);
    if (absolute) {
      a = f32x4.abs(a);
      b = f32x4.abs(b);
      c = f32x4.abs(c);
      d = f32x4.abs(d);
    }
    const ab = i16x8.narrow_i32x4_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(a)), i32x4.trunc_sat_f32x4_s(f32x4.nearest(b)));
    const cd = i16x8.narrow_i32x4_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(c)), i32x4.trunc_sat_f32x4_s(f32x4.nearest(d)));
    v128.store(p + <usize>i, i8x16.narrow_i16x8_u(ab, cd));
  }
  for (; i < count; i++) {
    let v = load<f32>(p + (<usize>i << 2));
    if (absolute) v = abs<f32>(v);
    const b: u8 = v > 0 ? <u8>min<f32>(nearest<f32>(v), 255) : 0; // NaN fails v > 0
    store<u8>(p + <usize>i, b);
  }
}

/**
 * The finite minimum and maximum of `count` float32 values at `p`, stored as two float32 at `out`
 * (+Infinity, −Infinity when none is finite): toUint8's "normalize" range, as its TS loop finds it.
 */
export function finiteRangeF32(p: usize, count: i32, out: usize): void {
  let lo = Infinity as f32;
  let hi = -Infinity as f32;
  for (let i = 0; i < count; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (v < lo && v > -Infinity) lo = v;
    if (v > hi && v < Infinity) hi = v;
  }
  store<f32>(out, lo);
  store<f32>(out, hi, 4);
}

/**
 * The largest finite |value| of `count` float32 values at `p` (0 when none), stored as a float32 at
 * `out`, and at `out + 4` an i32: 1 when every value is finite, 0 when one is NaN or ±Infinity.
 * What src/core/wasm/paths.ts needs before it trusts a fast path; four lanes a step: this scan
 * runs before every float32 call that could take one (0.8 ms of scanning at 2048²; f32x4.max,
 * which must order NaNs, made it 5 ms).
 */
export function magnitudeF32(p: usize, count: i32, out: usize): void {
  const inf = f32x4.splat(Infinity);
  let top = f32x4.splat(0);
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const a = f32x4.abs(v128.load(p + (<usize>i << 2)));
    const finite = f32x4.lt(a, inf); // false for ±Infinity and NaN
    top = f32x4.pmax(top, v128.and(a, finite)); // a non-finite lane counts as 0; pmax is one maxps (no NaN here)
    bad = v128.or(bad, v128.not(finite));
  }
  let m = max<f32>(max<f32>(f32x4.extract_lane(top, 0), f32x4.extract_lane(top, 1)),
    max<f32>(f32x4.extract_lane(top, 2), f32x4.extract_lane(top, 3)));
  let allFinite = !v128.any_true(bad);
  for (; i < count; i++) {
    const a = abs<f32>(load<f32>(p + (<usize>i << 2)));
    if (a < Infinity) m = max<f32>(m, a);
    else allFinite = false;
  }
  store<f32>(out, m);
  store<i32>(out, allFinite ? 1 : 0, 4);
}

/**
 * Float32 values → bytes in place as toUint8's "normalize": ((v − lo) · 255) / range in float64
 * (the TS expression, multiply first), then round half to even and clip; NaN → 0.
 */
export function normalizeToU8(p: usize, count: i32, lo: f64, range: f64): void {
  for (let i = 0; i < count; i++) {
    const x = ((<f64>load<f32>(p + (<usize>i << 2)) - lo) * 255) / range;
    store<u8>(p + <usize>i, x > 0 ? <u8>min<f64>(nearest<f64>(x), 255) : 0);
  }
}

/**
 * `n` pixels of `channels` (≥ 3) 8-bit samples at `src` → `n` gray bytes at `dst`, BT.601 in
 * OpenCV's 15-bit fixed point, exactly as toGrayscale (and grayPlaneU8) compute it.
 */
export function grayQ15U8(src: usize, dst: usize, n: i32, channels: i32): void {
  for (let i = 0; i < n; i++) {
    const p = src + <usize>i * <usize>channels;
    store<u8>(dst + <usize>i, (<u32>load<u8>(p) * 9798 + <u32>load<u8>(p, 1) * 19235 + <u32>load<u8>(p, 2) * 3735 + 16384) >> 15);
  }
}

/** As grayQ15U8 for 16-bit samples: the largest sum, 65535 · 32768 + 2^14, fits in u32. */
export function grayQ15U16(src: usize, dst: usize, n: i32, channels: i32): void {
  for (let i = 0; i < n; i++) {
    const p = src + (<usize>i * <usize>channels << 1);
    store<u16>(dst + (<usize>i << 1), (<u32>load<u16>(p) * 9798 + <u32>load<u16>(p, 2) * 19235 + <u32>load<u16>(p, 4) * 3735 + 16384) >> 15);
  }
}

/**
 * Other weights on 8-bit (`wide` false) or 16-bit samples: wr·R + wg·G + wb·B in float64, in
 * toGrayscale's order, then round half to even and clip to 0..max.
 */
export function grayWeighted(src: usize, dst: usize, n: i32, channels: i32, wide: bool, wr: f64, wg: f64, wb: f64): void {
  const max: f64 = wide ? 65535 : 255;
  for (let i = 0; i < n; i++) {
    let v: f64;
    if (wide) {
      const p = src + (<usize>i * <usize>channels << 1);
      v = wr * <f64>load<u16>(p) + wg * <f64>load<u16>(p, 2) + wb * <f64>load<u16>(p, 4);
    } else {
      const p = src + <usize>i * <usize>channels;
      v = wr * <f64>load<u8>(p) + wg * <f64>load<u8>(p, 1) + wb * <f64>load<u8>(p, 2);
    }
    const g: f64 = v > 0 ? min<f64>(nearest<f64>(v), max) : 0;
    if (wide) store<u16>(dst + (<usize>i << 1), <u16>g);
    else store<u8>(dst + <usize>i, <u8>g);
  }
}
