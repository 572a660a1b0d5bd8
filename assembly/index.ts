// Convolution kernels on linear memory. Start with `convolvePlane`, the hot loop.
//
// Memory map (planned by src/core/wasm.ts, the only code that touches this memory):
//   src      the caller's pixels, copied in unchanged (u8, u16 or f32, channels interleaved)
//   rowMap   i32[padH]  padded row    -> source row,    or -1 for the constant border
//   colMap   i32[padW]  padded column -> source column, or -1 for the constant border
//   plane    f32[padH * padW]  one channel, padded: P in the contract's formula
//   kernel   f32[kH * kW]      K' (already rotated for convolution)
//   acc      f32[outW]         one output row being summed
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
// Loop order: for each output row, add one kernel tap at a time across the whole row into `acc`.
// The inner loop is then a scaled add of a (strided) plane row, with no bounds logic, and each
// output still sums its taps in row-major kernel order, like the reference.
export function convolvePlane(
  plane: usize, padW: i32,
  kernel: usize, kH: i32, kW: i32,
  dy: i32, dx: i32, sy: i32, sx: i32,
  outH: i32, outW: i32,
  acc: usize, dst: usize, channels: i32, channel: i32,
): void {
  const rowBytes = <usize>padW * 4;
  const step = <usize>sx * 4;
  const pixel = <usize>channels * 4;
  for (let i = 0; i < outH; i++) {
    memory.fill(acc, 0, <usize>outW * 4);
    for (let m = 0; m < kH; m++) {
      const row = plane + <usize>(i * sy + m * dy) * rowBytes;
      for (let n = 0; n < kW; n++) {
        const k = load<f32>(kernel + (<usize>(m * kW + n) << 2));
        let p = row + <usize>(n * dx) * 4;
        for (let j = 0; j < outW; j++) {
          const a = acc + (<usize>j << 2);
          store<f32>(a, load<f32>(a) + k * load<f32>(p));
          p += step;
        }
      }
    }
    let out = dst + (<usize>i * <usize>outW * <usize>channels + <usize>channel) * 4;
    for (let j = 0; j < outW; j++) {
      store<f32>(out, load<f32>(acc + (<usize>j << 2)));
      out += pixel;
    }
  }
}
