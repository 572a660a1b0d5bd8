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

// out[i, j] = Σ_{m,n} K'[m, n] · P[i·sy + m·dy, j·sx + n·dx]  (the contract's formula on the padded plane).
//
// Every output sums its taps in row-major kernel order starting from 0, with a separate multiply
// and add (no fused multiply-add), in every path below. So the paired-row blocks, the single-row
// blocks, the 4-wide tail and the scalar tail give bit-identical results, and an output does not
// depend on which block computes it: a row's last block may overlap the one before it (some
// outputs are computed twice, to the same value) instead of falling back to a slower tail.
//
// Speed notes (V8 on x64, measured): the SIMD loops are bound by instruction throughput, so the
// wins are fewer loads per multiply (paired rows share every plane load) and enough independent
// accumulators; more than eight accumulators, or unrolling the tap loops, runs out of the 15 xmm
// registers V8 allocates (it hoists a block's loads above its arithmetic) and spills.
export function convolvePlane(
  plane: usize, padW: i32,
  kernel: usize, kH: i32, kW: i32,
  dy: i32, dx: i32, sy: i32, sx: i32,
  outH: i32, outW: i32,
  dst: usize, channels: i32, channel: i32,
): void {
  const rowBytes = <usize>padW * 4;
  const rowStep = <usize>dy * rowBytes;
  const topStep = <usize>sy * rowBytes;
  const tapStep = <usize>dx * 4;
  const pixel = <usize>channels * 4;
  const outRow = <usize>outW * pixel;
  let top = plane;
  let out = dst + <usize>channel * 4;
  let i = 0;
  // Output row i+1 reads the plane rows one tap row below row i's when sy = dy.
  if (sx == 1 && sy == dy && kH > 1) {
    for (; i + 2 <= outH; i += 2) {
      rowPair(top, kernel, kH, kW, tapStep, rowStep, outW, out, out + outRow, pixel);
      top += topStep * 2;
      out += outRow * 2;
    }
  }
  for (; i < outH; i++) {
    if (sx == 1) oneRow(top, kernel, kH, kW, tapStep, rowStep, outW, out, pixel);
    else scalarRow(top, 0, kernel, kH, kW, tapStep, rowStep, sx, outW, out, pixel);
    top += topStep;
    out += outRow;
  }
}

// Two output rows, sx = 1 and sy = dy: plane row r of the pair's window is kernel row r of the first
// output row and kernel row r - 1 of the second, so each vector loaded feeds both. 16 outputs of each
// row at a time in eight accumulators; each output still adds its taps in kernel order.
function rowPair(
  top: usize, kernel: usize, kH: i32, kW: i32, tapStep: usize, rowStep: usize,
  outW: i32, out0: usize, out1: usize, pixel: usize,
): void {
  // Two copies of each block loop: one with pixel a constant 4 (one channel: storeBlock is a plain
  // v128.store, no test per store), one for interleaved channels.
  if (pixel == 4) rowPairImpl(top, kernel, kH, kW, tapStep, rowStep, outW, out0, out1, 4);
  else rowPairImpl(top, kernel, kH, kW, tapStep, rowStep, outW, out0, out1, pixel);
}

@inline
function rowPairImpl(
  top: usize, kernel: usize, kH: i32, kW: i32, tapStep: usize, rowStep: usize,
  outW: i32, out0: usize, out1: usize, pixel: usize,
): void {
  if (outW < 16) {
    rowTail(top, 0, kernel, kH, kW, tapStep, rowStep, outW, out0, pixel);
    rowTail(top + rowStep, 0, kernel, kH, kW, tapStep, rowStep, outW, out1, pixel);
    return;
  }
  if (kW == 1) {
    columnPair(top, kernel, kH, rowStep, outW, out0, out1, pixel);
    return;
  }
  const kRow = <usize>kW * 4;
  const block = pixel * 4;
  for (let next = 0; next < outW; ) {
    const j = next + 16 <= outW ? next : outW - 16; // the last block overlaps the one before
    next = j + 16;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
    let p = top + (<usize>j << 2);
    let q = p;
    let t = kernel;
    // Plane row 0: kernel row 0 of the first row only.
    for (let n = 0; n < kW; n++) {
      const k = v128.load32_splat(t);
      a0 = f32x4.add(a0, f32x4.mul(k, v128.load(q)));
      a1 = f32x4.add(a1, f32x4.mul(k, v128.load(q, 16)));
      a2 = f32x4.add(a2, f32x4.mul(k, v128.load(q, 32)));
      a3 = f32x4.add(a3, f32x4.mul(k, v128.load(q, 48)));
      q += tapStep;
      t += 4;
    }
    // Plane rows 1 to kH - 1: both rows.
    for (let r = 1; r < kH; r++) {
      p += rowStep;
      q = p;
      for (let n = 0; n < kW; n++) {
        const k0 = v128.load32_splat(t);
        const k1 = v128.load32_splat(t - kRow);
        const x0 = v128.load(q);
        a0 = f32x4.add(a0, f32x4.mul(k0, x0));
        b0 = f32x4.add(b0, f32x4.mul(k1, x0));
        const x1 = v128.load(q, 16);
        a1 = f32x4.add(a1, f32x4.mul(k0, x1));
        b1 = f32x4.add(b1, f32x4.mul(k1, x1));
        const x2 = v128.load(q, 32);
        a2 = f32x4.add(a2, f32x4.mul(k0, x2));
        b2 = f32x4.add(b2, f32x4.mul(k1, x2));
        const x3 = v128.load(q, 48);
        a3 = f32x4.add(a3, f32x4.mul(k0, x3));
        b3 = f32x4.add(b3, f32x4.mul(k1, x3));
        q += tapStep;
        t += 4;
      }
    }
    // Plane row kH: kernel row kH - 1 of the second row only.
    q = p + rowStep;
    t -= kRow;
    for (let n = 0; n < kW; n++) {
      const k = v128.load32_splat(t);
      b0 = f32x4.add(b0, f32x4.mul(k, v128.load(q)));
      b1 = f32x4.add(b1, f32x4.mul(k, v128.load(q, 16)));
      b2 = f32x4.add(b2, f32x4.mul(k, v128.load(q, 32)));
      b3 = f32x4.add(b3, f32x4.mul(k, v128.load(q, 48)));
      q += tapStep;
      t += 4;
    }
    const o0 = out0 + <usize>j * pixel, o1 = out1 + <usize>j * pixel;
    storeBlock(o0, pixel, a0);
    storeBlock(o0 + block, pixel, a1);
    storeBlock(o0 + block * 2, pixel, a2);
    storeBlock(o0 + block * 3, pixel, a3);
    storeBlock(o1, pixel, b0);
    storeBlock(o1 + block, pixel, b1);
    storeBlock(o1 + block * 2, pixel, b2);
    storeBlock(o1 + block * 3, pixel, b3);
  }
}

// rowPair for a kH×1 kernel (the separable column pass): one tap per plane row, and the second
// row's tap for plane row r is the first row's tap for plane row r - 1, so it is carried over.
function columnPair(
  top: usize, kernel: usize, kH: i32, rowStep: usize, outW: i32, out0: usize, out1: usize, pixel: usize,
): void {
  if (pixel == 4) columnPairImpl(top, kernel, kH, rowStep, outW, out0, out1, 4);
  else columnPairImpl(top, kernel, kH, rowStep, outW, out0, out1, pixel);
}

@inline
function columnPairImpl(
  top: usize, kernel: usize, kH: i32, rowStep: usize, outW: i32, out0: usize, out1: usize, pixel: usize,
): void {
  const block = pixel * 4;
  const last = kernel + (<usize>(kH - 1) << 2);
  for (let next = 0; next < outW; ) {
    const j = next + 16 <= outW ? next : outW - 16; // the last block overlaps the one before
    next = j + 16;
    let p = top + (<usize>j << 2);
    let t = kernel;
    let k1 = v128.load32_splat(t);
    let a0 = f32x4.add(f32x4.splat(0), f32x4.mul(k1, v128.load(p)));
    let a1 = f32x4.add(f32x4.splat(0), f32x4.mul(k1, v128.load(p, 16)));
    let a2 = f32x4.add(f32x4.splat(0), f32x4.mul(k1, v128.load(p, 32)));
    let a3 = f32x4.add(f32x4.splat(0), f32x4.mul(k1, v128.load(p, 48)));
    let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
    while (t < last) {
      t += 4;
      p += rowStep;
      const k0 = v128.load32_splat(t);
      const x0 = v128.load(p);
      a0 = f32x4.add(a0, f32x4.mul(k0, x0));
      b0 = f32x4.add(b0, f32x4.mul(k1, x0));
      const x1 = v128.load(p, 16);
      a1 = f32x4.add(a1, f32x4.mul(k0, x1));
      b1 = f32x4.add(b1, f32x4.mul(k1, x1));
      const x2 = v128.load(p, 32);
      a2 = f32x4.add(a2, f32x4.mul(k0, x2));
      b2 = f32x4.add(b2, f32x4.mul(k1, x2));
      const x3 = v128.load(p, 48);
      a3 = f32x4.add(a3, f32x4.mul(k0, x3));
      b3 = f32x4.add(b3, f32x4.mul(k1, x3));
      k1 = k0;
    }
    p += rowStep;
    b0 = f32x4.add(b0, f32x4.mul(k1, v128.load(p)));
    b1 = f32x4.add(b1, f32x4.mul(k1, v128.load(p, 16)));
    b2 = f32x4.add(b2, f32x4.mul(k1, v128.load(p, 32)));
    b3 = f32x4.add(b3, f32x4.mul(k1, v128.load(p, 48)));
    const o0 = out0 + <usize>j * pixel, o1 = out1 + <usize>j * pixel;
    storeBlock(o0, pixel, a0);
    storeBlock(o0 + block, pixel, a1);
    storeBlock(o0 + block * 2, pixel, a2);
    storeBlock(o0 + block * 3, pixel, a3);
    storeBlock(o1, pixel, b0);
    storeBlock(o1 + block, pixel, b1);
    storeBlock(o1 + block * 2, pixel, b2);
    storeBlock(o1 + block * 3, pixel, b3);
  }
}

// One output row with sx = 1: 24 outputs at a time in six accumulators (each plane load feeds one).
function oneRow(
  top: usize, kernel: usize, kH: i32, kW: i32, tapStep: usize, rowStep: usize,
  outW: i32, out: usize, pixel: usize,
): void {
  if (pixel == 4) oneRowImpl(top, kernel, kH, kW, tapStep, rowStep, outW, out, 4);
  else oneRowImpl(top, kernel, kH, kW, tapStep, rowStep, outW, out, pixel);
}

@inline
function oneRowImpl(
  top: usize, kernel: usize, kH: i32, kW: i32, tapStep: usize, rowStep: usize,
  outW: i32, out: usize, pixel: usize,
): void {
  if (outW < 24) {
    rowTail(top, 0, kernel, kH, kW, tapStep, rowStep, outW, out, pixel);
    return;
  }
  const block = pixel * 4;
  for (let next = 0; next < outW; ) {
    const j = next + 24 <= outW ? next : outW - 24; // the last block overlaps the one before
    next = j + 24;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0), a4 = f32x4.splat(0), a5 = f32x4.splat(0);
    let p = top + (<usize>j << 2);
    let t = kernel;
    for (let m = 0; m < kH; m++) {
      let q = p;
      for (let n = 0; n < kW; n++) {
        const k = v128.load32_splat(t);
        a0 = f32x4.add(a0, f32x4.mul(k, v128.load(q)));
        a1 = f32x4.add(a1, f32x4.mul(k, v128.load(q, 16)));
        a2 = f32x4.add(a2, f32x4.mul(k, v128.load(q, 32)));
        a3 = f32x4.add(a3, f32x4.mul(k, v128.load(q, 48)));
        a4 = f32x4.add(a4, f32x4.mul(k, v128.load(q, 64)));
        a5 = f32x4.add(a5, f32x4.mul(k, v128.load(q, 80)));
        q += tapStep;
        t += 4;
      }
      p += rowStep;
    }
    const o = out + <usize>j * pixel;
    storeBlock(o, pixel, a0);
    storeBlock(o + block, pixel, a1);
    storeBlock(o + block * 2, pixel, a2);
    storeBlock(o + block * 3, pixel, a3);
    storeBlock(o + block * 4, pixel, a4);
    storeBlock(o + block * 5, pixel, a5);
  }
}

// Outputs j.. of a row with sx = 1, for rows narrower than a block: 4 at a time, then one at a time.
function rowTail(
  top: usize, j: i32, kernel: usize, kH: i32, kW: i32, tapStep: usize, rowStep: usize,
  outW: i32, out: usize, pixel: usize,
): void {
  for (; j + 4 <= outW; j += 4) {
    let a = f32x4.splat(0);
    let p = top + (<usize>j << 2);
    let t = kernel;
    for (let m = 0; m < kH; m++) {
      let q = p;
      for (let n = 0; n < kW; n++) {
        a = f32x4.add(a, f32x4.mul(v128.load32_splat(t), v128.load(q)));
        q += tapStep;
        t += 4;
      }
      p += rowStep;
    }
    storeBlock(out + <usize>j * pixel, pixel, a);
  }
  scalarRow(top, j, kernel, kH, kW, tapStep, rowStep, 1, outW, out, pixel);
}

// Outputs j.. of a row one at a time: the narrow remainder when sx = 1, every output otherwise.
function scalarRow(
  top: usize, j: i32, kernel: usize, kH: i32, kW: i32, tapStep: usize, rowStep: usize,
  sx: i32, outW: i32, out: usize, pixel: usize,
): void {
  for (; j < outW; j++) {
    let s: f32 = 0;
    let p = top + (<usize>(j * sx) << 2);
    let t = kernel;
    for (let m = 0; m < kH; m++) {
      let q = p;
      for (let n = 0; n < kW; n++) {
        s += load<f32>(t) * load<f32>(q);
        q += tapStep;
        t += 4;
      }
      p += rowStep;
    }
    store<f32>(out + <usize>j * pixel, s);
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

// ---------------------------------------------------------------------------------------------
// FFT path: circular cross-correlation of T×T tiles with a kernel, through the 2-D DFT.
//
// Precision: the transforms run in float64. A float32 FFT's error scales with the energy of the
// whole tile, so an output near zero beside bright pixels could be off by far more than the
// direct sum; in float64 that error is ~1e-16 of the tile's energy and vanishes when the result
// is rounded to float32, so both paths meet the same tolerance.
//
// Layout: a complex T×T array is two f64 planes, `re` and `im`, row-major with row stride T.
// Two real tiles travel together as re + i·im: the kernel is real, so correlating the complex
// array correlates each part on its own (one transform does two tiles).
// A 2-D transform is a column pass, a transpose, and a column pass; the spectrum stays
// transposed, which is fine because the kernel's spectrum is made the same way. Column passes
// run two columns per f64x2 and whole rows per butterfly, so every loop is contiguous.
// Twiddles `tw` are f64 (cos, sin) pairs of 2πk/T for k < T/2; `rev` holds bit-reversed rows.

/** In-place radix-2 FFT down every column of a T×T complex array (sign −1, or +1 if inverse). */
export function fftColumns(re: usize, im: usize, n: i32, tw: usize, rev: usize, inverse: bool): void {
  const rowBytes = <usize>n << 3;
  // Bit-reversal permutation of whole rows.
  for (let i = 0; i < n; i++) {
    const j = load<i32>(rev + (<usize>i << 2));
    if (j > i) {
      swapRows(re + <usize>i * rowBytes, re + <usize>j * rowBytes, rowBytes);
      swapRows(im + <usize>i * rowBytes, im + <usize>j * rowBytes, rowBytes);
    }
  }
  const sign: f64 = inverse ? 1 : -1;
  for (let half = 1; half < n; half <<= 1) {
    const twStep = n / (half << 1);
    for (let k = 0; k < half; k++) {
      const t = tw + (<usize>(k * twStep) << 4);
      const wr = f64x2.splat(load<f64>(t));
      const wi = f64x2.splat(sign * load<f64>(t, 8));
      for (let start = k; start < n; start += half << 1) {
        const ar = re + <usize>start * rowBytes, ai = im + <usize>start * rowBytes;
        const br = ar + <usize>half * rowBytes, bi = ai + <usize>half * rowBytes;
        for (let x: usize = 0; x < rowBytes; x += 16) {
          const xr = v128.load(br + x), xi = v128.load(bi + x);
          // t = w · b
          const tr = f64x2.sub(f64x2.mul(wr, xr), f64x2.mul(wi, xi));
          const ti = f64x2.add(f64x2.mul(wr, xi), f64x2.mul(wi, xr));
          const yr = v128.load(ar + x), yi = v128.load(ai + x);
          v128.store(br + x, f64x2.sub(yr, tr));
          v128.store(bi + x, f64x2.sub(yi, ti));
          v128.store(ar + x, f64x2.add(yr, tr));
          v128.store(ai + x, f64x2.add(yi, ti));
        }
      }
    }
  }
}

@inline
function swapRows(a: usize, b: usize, bytes: usize): void {
  for (let x: usize = 0; x < bytes; x += 16) {
    const t = v128.load(a + x);
    v128.store(a + x, v128.load(b + x));
    v128.store(b + x, t);
  }
}

/** In-place transpose of an n×n f64 plane, in 8×8 blocks for the cache. */
export function transpose(p: usize, n: i32): void {
  const B = 8;
  for (let bi = 0; bi < n; bi += B) {
    for (let bj = bi; bj < n; bj += B) {
      const iEnd = min(bi + B, n), jEnd = min(bj + B, n);
      for (let i = bi; i < iEnd; i++) {
        for (let j = bi == bj ? i + 1 : bj; j < jEnd; j++) {
          const a = p + ((<usize>i * <usize>n + <usize>j) << 3);
          const b = p + ((<usize>j * <usize>n + <usize>i) << 3);
          const t = load<f64>(a);
          store<f64>(a, load<f64>(b));
          store<f64>(b, t);
        }
      }
    }
  }
}

/** (re, im) ·= (hr, hi), element-wise over `count` complex f64 values (count even). */
export function multiplySpectra(re: usize, im: usize, hr: usize, hi: usize, count: i32): void {
  const bytes = <usize>count << 3;
  for (let x: usize = 0; x < bytes; x += 16) {
    const ar = v128.load(re + x), ai = v128.load(im + x);
    const br = v128.load(hr + x), bi = v128.load(hi + x);
    v128.store(re + x, f64x2.sub(f64x2.mul(ar, br), f64x2.mul(ai, bi)));
    v128.store(im + x, f64x2.add(f64x2.mul(ar, bi), f64x2.mul(ai, br)));
  }
}

/**
 * Copies `rows` × `cols` samples of an n-wide f64 plane, taken every `rowStep` rows and `colStep`
 * columns from (row0, col0), to an interleaved f32 destination (row stride and pixel step in
 * floats), rounding each once. This is how a tile's valid, strided outputs reach the band.
 */
export function gatherTile(
  src: usize, n: i32, row0: i32, rowStep: i32, rows: i32, col0: i32, colStep: i32, cols: i32,
  dst: usize, dstRowStride: i32, dstPixel: i32,
): void {
  for (let a = 0; a < rows; a++) {
    let s = src + ((<usize>(row0 + a * rowStep) * <usize>n + <usize>col0) << 3);
    let d = dst + (<usize>(a * dstRowStride) << 2);
    const sStep = <usize>colStep << 3, dStep = <usize>dstPixel << 2;
    for (let b = 0; b < cols; b++) {
      store<f32>(d, <f32>load<f64>(s));
      s += sStep;
      d += dStep;
    }
  }
}

/**
 * Copies a `rows` × `cols` window at (row0, col0) of a w-wide f32 plane into the top-left of an
 * n×n f64 tile, zeroing the rest (the zeros only ever meet outputs that are thrown away).
 */
export function loadTile(src: usize, w: i32, row0: i32, col0: i32, rows: i32, cols: i32, tile: usize, n: i32): void {
  const rowBytes = <usize>n << 3;
  for (let a = 0; a < n; a++) {
    const d = tile + <usize>a * rowBytes;
    if (a >= rows) {
      memory.fill(d, 0, rowBytes);
      continue;
    }
    const s = src + ((<usize>(row0 + a) * <usize>w + <usize>col0) << 2);
    for (let b = 0; b < cols; b++) store<f64>(d + (<usize>b << 3), <f64>load<f32>(s + (<usize>b << 2)));
    if (cols < n) memory.fill(d + (<usize>cols << 3), 0, <usize>(n - cols) << 3);
  }
}

// ---------------------------------------------------------------------------------------------
// The fused 8-bit pipeline: RGB(A) bytes → gray plane, and a float32 band → bytes.

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
