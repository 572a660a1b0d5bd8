// Convolution kernels on linear memory. Start with `convolvePlane`, the hot loop.
//
// Memory map (planned by src/core/wasm.ts, the only code that touches this memory):
//   src      the caller's pixels, copied in unchanged (u8, u16 or f32, channels interleaved)
//   rowMap   i32[padH]  padded row    -> source row,    or -1 for the constant border
//   colMap   i32[padW]  padded column -> source column, or -1 for the constant border
//   plane    f32[padH * padW]  one channel, padded: P in the contract's formula
//   kernel   f32[kH * kW]      K' (already rotated for convolution)
//   dst      f32[outH * outW * channels]  the result, channels interleaved
// Nothing is allocated here: addresses and sizes come in, and all checking is done in TS
// beforehand (the release build has no asserts).

/** First free byte after static data: where the TS side starts its scratch area. */
export function heapBase(): usize {
  return __heap_base;
}

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

// out[i, j] = Σ_{m,n} K'[m, n] · P[i·sy + m·dy, j·sx + n·dx]  (the contract's formula on the padded plane).
//
// Every output sums its taps in row-major kernel order starting from 0, with a separate multiply
// and add (no fused multiply-add), in every path below: so the SIMD blocks, the 4-wide tail and
// the scalar tail give bit-identical results, and results do not depend on where a block starts.
export function convolvePlane(
  plane: usize, padW: i32,
  kernel: usize, kH: i32, kW: i32,
  dy: i32, dx: i32, sy: i32, sx: i32,
  outH: i32, outW: i32,
  dst: usize, channels: i32, channel: i32,
): void {
  const rowBytes = <usize>padW * 4;
  const tapStep = <usize>dx * 4;
  const rowStep = <usize>dy * rowBytes;
  const pixel = <usize>channels * 4;
  for (let i = 0; i < outH; i++) {
    const top = plane + <usize>(i * sy) * rowBytes;
    const out = dst + (<usize>i * <usize>outW * <usize>channels + <usize>channel) * 4;
    let j = 0;
    if (sx == 1) {
      // 16 outputs at a time in four f32x4 accumulators: each plane load feeds one output lane.
      for (; j + 16 <= outW; j += 16) {
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        let row = top + (<usize>j << 2);
        let tap = kernel;
        for (let m = 0; m < kH; m++) {
          let p = row;
          for (let n = 0; n < kW; n++) {
            const k = v128.load32_splat(tap);
            a0 = f32x4.add(a0, f32x4.mul(k, v128.load(p)));
            a1 = f32x4.add(a1, f32x4.mul(k, v128.load(p, 16)));
            a2 = f32x4.add(a2, f32x4.mul(k, v128.load(p, 32)));
            a3 = f32x4.add(a3, f32x4.mul(k, v128.load(p, 48)));
            p += tapStep;
            tap += 4;
          }
          row += rowStep;
        }
        storeBlock(out + <usize>j * pixel, pixel, a0);
        storeBlock(out + <usize>(j + 4) * pixel, pixel, a1);
        storeBlock(out + <usize>(j + 8) * pixel, pixel, a2);
        storeBlock(out + <usize>(j + 12) * pixel, pixel, a3);
      }
      for (; j + 4 <= outW; j += 4) {
        let a = f32x4.splat(0);
        let row = top + (<usize>j << 2);
        let tap = kernel;
        for (let m = 0; m < kH; m++) {
          let p = row;
          for (let n = 0; n < kW; n++) {
            a = f32x4.add(a, f32x4.mul(v128.load32_splat(tap), v128.load(p)));
            p += tapStep;
            tap += 4;
          }
          row += rowStep;
        }
        storeBlock(out + <usize>j * pixel, pixel, a);
      }
    }
    // The scalar path: the right edge when sx = 1, every output otherwise.
    for (; j < outW; j++) {
      let s: f32 = 0;
      let row = top + (<usize>(j * sx) << 2);
      let tap = kernel;
      for (let m = 0; m < kH; m++) {
        let p = row;
        for (let n = 0; n < kW; n++) {
          s += load<f32>(tap) * load<f32>(p);
          p += tapStep;
          tap += 4;
        }
        row += rowStep;
      }
      store<f32>(out + <usize>j * pixel, s);
    }
  }
}

// Four consecutive outputs to an interleaved destination: one store when there is one channel.
@inline
function storeBlock(out: usize, pixel: usize, v: v128): void {
  if (pixel == 4) {
    v128.store(out, v);
  } else {
    store<f32>(out, f32x4.extract_lane(v, 0));
    store<f32>(out + pixel, f32x4.extract_lane(v, 1));
    store<f32>(out + pixel * 2, f32x4.extract_lane(v, 2));
    store<f32>(out + pixel * 3, f32x4.extract_lane(v, 3));
  }
}
