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
  rowMap: usize, padH: i32, colMap: usize, padW: i32, cval: f32, plane: usize,
): void {
  for (let i = 0; i < padH; i++) {
    const r = load<i32>(rowMap + (<usize>i << 2));
    const out = plane + <usize>i * <usize>padW * 4;
    if (r < 0) {
      for (let j = 0; j < padW; j++) store<f32>(out + (<usize>j << 2), cval);
      continue;
    }
    const row = src + <usize>r * <usize>srcW * <usize>channels;
    for (let j = 0; j < padW; j++) {
      const c = load<i32>(colMap + (<usize>j << 2));
      let v = cval;
      if (c >= 0) {
        const p = row + <usize>c * <usize>channels;
        v = <f32>((<u32>load<u8>(p) * 9798 + <u32>load<u8>(p, 1) * 19235 + <u32>load<u8>(p, 2) * 3735 + 16384) >> 15);
      }
      store<f32>(out + (<usize>j << 2), v);
    }
  }
}

/**
 * Float32 values → bytes in place (byte i overwrites part of float i, already read), as toUint8's
 * "clamp" (or "abs" when `absolute`): round half to even (`nearest`), clip to 0..255, NaN → 0.
 */
export function mapToU8(p: usize, count: i32, absolute: bool): void {
  for (let i = 0; i < count; i++) {
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
