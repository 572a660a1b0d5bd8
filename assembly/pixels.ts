// Pixel conversions for the fused 8-bit pipeline: RGB(A) bytes → a gray plane, float32 → bytes.
// Driven by src/core/wasm/band.ts (gray staging) and src/core/wasm/instance.ts (the byte map).

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
