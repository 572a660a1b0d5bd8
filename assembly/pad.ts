// Padding and staging: one channel of the caller's pixels becomes a padded float32 plane (or band).
// The row and column maps hold borderInterpolate's answer for every padded row and column, so every
// border mode is one code path. Driven by src/core/wasm/band.ts.

// Fills the padded plane from one channel of the interleaved source. The maps hold
// borderInterpolate's answer for each padded row/column, so every border mode is one code path;
// the interior columns (left to left + srcW) are the source row itself in every mode, so they skip
// the map, and one-channel 8- and 16-bit rows convert 16 or 8 pixels a SIMD step (the map lookup
// per pixel cost more than the convolution of a 3×3).
@inline
function padPlane<T>(
  src: usize, srcW: i32, channels: i32, channel: i32,
  rowMap: usize, padH: i32, colMap: usize, padW: i32, cval: f32, plane: usize, left: i32,
): void {
  const pixel = <usize>channels * sizeof<T>();
  for (let i = 0; i < padH; i++) {
    const r = load<i32>(rowMap + (<usize>i << 2));
    const out = plane + <usize>i * <usize>padW * 4;
    if (r < 0) {
      for (let j = 0; j < padW; j++) store<f32>(out + (<usize>j << 2), cval);
      continue;
    }
    const row = src + (<usize>r * <usize>srcW * <usize>channels + <usize>channel) * sizeof<T>();
    for (let j = 0; j < left; j++) store<f32>(out + (<usize>j << 2), mapped<T>(row, colMap, j, pixel, cval));
    const body = out + (<usize>left << 2);
    if (channels == 1 && sizeof<T>() == 4) memory.copy(body, row, <usize>srcW << 2); // float32 bits as they are
    else if (channels == 1 && sizeof<T>() == 1 && srcW >= 16) bodyU8(row, srcW, body);
    else if (channels == 1 && sizeof<T>() == 2 && srcW >= 8) bodyU16(row, srcW, body);
    else for (let j = 0; j < srcW; j++) store<f32>(body + (<usize>j << 2), <f32>load<T>(row + <usize>j * pixel));
    for (let j = left + srcW; j < padW; j++) store<f32>(out + (<usize>j << 2), mapped<T>(row, colMap, j, pixel, cval));
  }
}

/** Padded column j of a source row through the column map (-1: cval). */
@inline
function mapped<T>(row: usize, colMap: usize, j: i32, pixel: usize, cval: f32): f32 {
  const c = load<i32>(colMap + (<usize>j << 2));
  return c < 0 ? cval : <f32>load<T>(row + <usize>c * pixel);
}

/** w ≥ 16 bytes → float32, 16 a step; the last step overlaps the one before (same values). */
function bodyU8(row: usize, w: i32, out: usize): void {
  for (let next = 0; next < w; ) {
    const j = next + 16 <= w ? next : w - 16;
    next = j + 16;
    const v = v128.load(row + <usize>j);
    const lo = i16x8.extend_low_i8x16_u(v), hi = i16x8.extend_high_i8x16_u(v);
    const o = out + (<usize>j << 2);
    v128.store(o, f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)));
    v128.store(o, f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), 16);
    v128.store(o, f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), 32);
    v128.store(o, f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), 48);
  }
}

/** w ≥ 8 16-bit values → float32, 8 a step, as bodyU8. */
function bodyU16(row: usize, w: i32, out: usize): void {
  for (let next = 0; next < w; ) {
    const j = next + 8 <= w ? next : w - 8;
    next = j + 8;
    const v = v128.load(row + (<usize>j << 1));
    const o = out + (<usize>j << 2);
    v128.store(o, f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(v)));
    v128.store(o, f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(v)), 16);
  }
}

export function padPlaneU8(src: usize, srcW: i32, channels: i32, channel: i32, rowMap: usize, padH: i32, colMap: usize, padW: i32, cval: f32, plane: usize, left: i32): void {
  padPlane<u8>(src, srcW, channels, channel, rowMap, padH, colMap, padW, cval, plane, left);
}

export function padPlaneU16(src: usize, srcW: i32, channels: i32, channel: i32, rowMap: usize, padH: i32, colMap: usize, padW: i32, cval: f32, plane: usize, left: i32): void {
  padPlane<u16>(src, srcW, channels, channel, rowMap, padH, colMap, padW, cval, plane, left);
}

export function padPlaneF32(src: usize, srcW: i32, channels: i32, channel: i32, rowMap: usize, padH: i32, colMap: usize, padW: i32, cval: f32, plane: usize, left: i32): void {
  padPlane<f32>(src, srcW, channels, channel, rowMap, padH, colMap, padW, cval, plane, left);
}

/**
 * Builds a one-channel padded band in place from `count` rows staged packed at its start (row r's
 * `w` values at float r·w), as BandSource stages them, with one copy per run of source rows. Moves
 * each row to r·padW + left, last row first so that no staged row is overwritten before it moves,
 * then fills its border columns from the column map (-1: cval). A row whose `rowMap` entry is
 * negative is cval throughout (nothing was staged for it).
 */
export function expandRows(
  plane: usize, count: i32, w: i32, padW: i32, left: i32, rowMap: usize, colMap: usize, cval: f32,
): void {
  const rowBytes = <usize>padW * 4;
  const bodyBytes = <usize>w * 4;
  for (let r = count - 1; r >= 0; r--) {
    const row = plane + <usize>r * rowBytes;
    if (load<i32>(rowMap + (<usize>r << 2)) < 0) {
      for (let j = 0; j < padW; j++) store<f32>(row + (<usize>j << 2), cval);
      continue;
    }
    const body = row + (<usize>left << 2);
    const staged = plane + <usize>r * bodyBytes;
    if (body != staged) memory.copy(body, staged, bodyBytes);
    for (let j = 0; j < left; j++) {
      const c = load<i32>(colMap + (<usize>j << 2));
      store<f32>(row + (<usize>j << 2), c < 0 ? cval : load<f32>(body + (<usize>c << 2)));
    }
    for (let j = left + w; j < padW; j++) {
      const c = load<i32>(colMap + (<usize>j << 2));
      store<f32>(row + (<usize>j << 2), c < 0 ? cval : load<f32>(body + (<usize>c << 2)));
    }
  }
}
