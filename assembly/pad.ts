// Padding and staging: one channel of the caller's pixels becomes a padded float32 plane (or band).
// The row and column maps hold borderInterpolate's answer for every padded row and column, so every
// border mode is one code path. Driven by src/core/wasm/band.ts.

// Fills the padded plane from one channel of the interleaved source. The maps hold
// borderInterpolate's answer for each padded row/column, so every border mode is one code path.
@inline
function padPlane<T>(
  src: usize, srcW: i32, channels: i32, channel: i32,
  rowMap: usize, padH: i32, colMap: usize, padW: i32, cval: f32, plane: usize,
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
    for (let j = 0; j < padW; j++) {
      const c = load<i32>(colMap + (<usize>j << 2));
      const v: f32 = c < 0 ? cval : <f32>load<T>(row + <usize>c * pixel);
      store<f32>(out + (<usize>j << 2), v);
    }
  }
}

export function padPlaneU8(src: usize, srcW: i32, channels: i32, channel: i32, rowMap: usize, padH: i32, colMap: usize, padW: i32, cval: f32, plane: usize): void {
  padPlane<u8>(src, srcW, channels, channel, rowMap, padH, colMap, padW, cval, plane);
}

export function padPlaneU16(src: usize, srcW: i32, channels: i32, channel: i32, rowMap: usize, padH: i32, colMap: usize, padW: i32, cval: f32, plane: usize): void {
  padPlane<u16>(src, srcW, channels, channel, rowMap, padH, colMap, padW, cval, plane);
}

export function padPlaneF32(src: usize, srcW: i32, channels: i32, channel: i32, rowMap: usize, padH: i32, colMap: usize, padW: i32, cval: f32, plane: usize): void {
  padPlane<f32>(src, srcW, channels, channel, rowMap, padH, colMap, padW, cval, plane);
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
