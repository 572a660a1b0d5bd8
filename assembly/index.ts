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
  dst: usize, channels: i32, channel: i32, scratch: usize,
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
  // With a `scratch` row (the caller passes one for small strides: STRIDE_SIMD in direct.ts), every
  // stride-1 output of the row in SIMD (sx times the work, at ~14× the scalar speed), then every
  // sx-th of them. Same taps, same order, same bits.
  const wide = sx > 1 && scratch != 0;
  for (; i < outH; i++) {
    if (sx == 1) oneRow(top, kernel, kH, kW, tapStep, rowStep, outW, out, pixel);
    else if (wide) {
      oneRow(top, kernel, kH, kW, tapStep, rowStep, (outW - 1) * sx + 1, scratch, 4);
      for (let j = 0; j < outW; j++) {
        store<f32>(out + <usize>j * pixel, load<f32>(scratch + (<usize>(j * sx) << 2)));
      }
    } else scalarRow(top, 0, kernel, kH, kW, tapStep, rowStep, sx, outW, out, pixel);
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
// Twiddles `tw` are f64 (cos, sin) pairs of 2πk/T for k < T/2.

/**
 * In-place FFT down every column of a T×T complex array, without any bit-reversal pass:
 * forward (sign −1) takes rows in natural order and leaves the spectrum's rows in bit-reversed
 * order (decimation in frequency); inverse (sign +1) takes rows in that bit-reversed order and
 * returns them in natural order (decimation in time). A 2-D transform therefore holds its
 * spectrum transposed with both axes bit-reversed; the kernel's spectrum is made by the same
 * calls and spectra are only ever multiplied element-wise, so the order never matters.
 *
 * Both directions run radix-4 stages, each one pass over the planes doing the work of two
 * radix-2 stages with three complex multiplies instead of four; when log2 T is odd the span-8
 * and span-2 stages are fused into one radix-8 pass (so T = 128 takes 3 passes, not 7 plus the
 * permutation). The k = 0 butterfly of every stage, and the whole span-4 stage, have twiddles 1
 * and ±i: no multiplies. T must be a power of two, at least 8 (tileSize starts at 8).
 */
export function fftColumns(re: usize, im: usize, n: i32, tw: usize, inverse: bool): void {
  const rowBytes = <usize>n << 3;
  const odd = (ctz(n) & 1) != 0;
  const halfN = n >> 1;
  if (!inverse) {
    // Decimation in frequency: spans n, n/4, … down to 4 (or 8), then span 2 if log2 n is odd.
    for (let q = n >> 2; q >= (odd ? 4 : 1); q >>= 2) {
      const span = q << 2, twStep = n / span, qBytes = <usize>q * rowBytes;
      for (let start = 0; start < n; start += span) {
        const r0 = re + <usize>start * rowBytes, i0 = im + <usize>start * rowBytes;
        dif4Trivial(r0, i0, qBytes, rowBytes);
        for (let k = 1; k < q; k++) {
          const j1 = k * twStep;
          const off = <usize>k * rowBytes;
          const t1 = tw + (<usize>j1 << 4), t2 = tw + (<usize>(j1 << 1) << 4);
          let j3 = j1 * 3;
          let c3: f64 = 1;
          if (j3 >= halfN) {
            j3 -= halfN;
            c3 = -1;
          }
          const t3 = tw + (<usize>j3 << 4);
          // Forward twiddles are conj of (cos, sin) of 2πj/n.
          dif4(r0 + off, i0 + off, qBytes, rowBytes,
            load<f64>(t1), -load<f64>(t1, 8),
            load<f64>(t2), -load<f64>(t2, 8),
            c3 * load<f64>(t3), -c3 * load<f64>(t3, 8));
        }
      }
    }
    if (odd) {
      for (let start = 0; start < n; start += 8) dif8(re + <usize>start * rowBytes, im + <usize>start * rowBytes, rowBytes);
    }
    return;
  }
  // Decimation in time: span 2 first if log2 n is odd, then spans 4 (or 8), … up to n.
  let q = 1;
  if (odd) {
    for (let start = 0; start < n; start += 8) dit8(re + <usize>start * rowBytes, im + <usize>start * rowBytes, rowBytes);
    q = 8;
  }
  for (; q < n; q <<= 2) {
    const span = q << 2, twStep = n / span, qBytes = <usize>q * rowBytes;
    for (let start = 0; start < n; start += span) {
      const r0 = re + <usize>start * rowBytes, i0 = im + <usize>start * rowBytes;
      dit4Trivial(r0, i0, qBytes, rowBytes);
      for (let k = 1; k < q; k++) {
        const j1 = k * twStep;
        const off = <usize>k * rowBytes;
        const t1 = tw + (<usize>j1 << 4), t2 = tw + (<usize>(j1 << 1) << 4);
        let j3 = j1 * 3;
        let c3: f64 = 1;
        if (j3 >= halfN) {
          j3 -= halfN;
          c3 = -1;
        }
        const t3 = tw + (<usize>j3 << 4);
        dit4(r0 + off, i0 + off, qBytes, rowBytes,
          load<f64>(t1), load<f64>(t1, 8),
          load<f64>(t2), load<f64>(t2, 8),
          c3 * load<f64>(t3), c3 * load<f64>(t3, 8));
      }
    }
  }
}

// Radix-4 butterflies over whole rows a0 = (r, i), a1 = a0 + q, a2 = a0 + 2q, a3 = a0 + 3q
// (q in bytes), with w1 = w^k for the stage's root w of order 4q, w2 = w1², w3 = w1³.
//
// Decimation in time (inverse, w = e^{+2πi/4q}): with b1 = w2·a1, b2 = w1·a2, b3 = w3·a3,
// t0 = a0 + b1, t1 = a0 − b1, t2 = b2 + b3, t3 = b2 − b3:
//   a0 ← t0 + t2, a1 ← t1 + i·t3, a2 ← t0 − t2, a3 ← t1 − i·t3.
// Decimation in frequency (forward, w = e^{−2πi/4q}): t0 = a0 + a2, t1 = a0 − a2,
// t2 = a1 + a3, t3 = a1 − a3:
//   a0 ← t0 + t2, a1 ← w2·(t0 − t2), a2 ← w1·(t1 − i·t3), a3 ← w3·(t1 + i·t3).

@inline
function cmulR(wr: v128, wi: v128, xr: v128, xi: v128): v128 {
  return f64x2.sub(f64x2.mul(wr, xr), f64x2.mul(wi, xi));
}

@inline
function cmulI(wr: v128, wi: v128, xr: v128, xi: v128): v128 {
  return f64x2.add(f64x2.mul(wr, xi), f64x2.mul(wi, xr));
}

function dit4Trivial(r: usize, i: usize, q: usize, bytes: usize): void {
  const q2 = q << 1, q3 = q * 3;
  for (let x: usize = 0; x < bytes; x += 16) {
    const a0r = v128.load(r + x), a0i = v128.load(i + x);
    const a1r = v128.load(r + q + x), a1i = v128.load(i + q + x);
    const a2r = v128.load(r + q2 + x), a2i = v128.load(i + q2 + x);
    const a3r = v128.load(r + q3 + x), a3i = v128.load(i + q3 + x);
    const t0r = f64x2.add(a0r, a1r), t0i = f64x2.add(a0i, a1i);
    const t1r = f64x2.sub(a0r, a1r), t1i = f64x2.sub(a0i, a1i);
    const t2r = f64x2.add(a2r, a3r), t2i = f64x2.add(a2i, a3i);
    const t3r = f64x2.sub(a2r, a3r), t3i = f64x2.sub(a2i, a3i);
    v128.store(r + x, f64x2.add(t0r, t2r));
    v128.store(i + x, f64x2.add(t0i, t2i));
    v128.store(r + q2 + x, f64x2.sub(t0r, t2r));
    v128.store(i + q2 + x, f64x2.sub(t0i, t2i));
    v128.store(r + q + x, f64x2.sub(t1r, t3i));
    v128.store(i + q + x, f64x2.add(t1i, t3r));
    v128.store(r + q3 + x, f64x2.add(t1r, t3i));
    v128.store(i + q3 + x, f64x2.sub(t1i, t3r));
  }
}

function dit4(r: usize, i: usize, q: usize, bytes: usize,
  w1r: f64, w1i: f64, w2r: f64, w2i: f64, w3r: f64, w3i: f64): void {
  const q2 = q << 1, q3 = q * 3;
  const v1r = f64x2.splat(w1r), v1i = f64x2.splat(w1i);
  const v2r = f64x2.splat(w2r), v2i = f64x2.splat(w2i);
  const v3r = f64x2.splat(w3r), v3i = f64x2.splat(w3i);
  for (let x: usize = 0; x < bytes; x += 16) {
    const a0r = v128.load(r + x), a0i = v128.load(i + x);
    const x1r = v128.load(r + q + x), x1i = v128.load(i + q + x);
    const x2r = v128.load(r + q2 + x), x2i = v128.load(i + q2 + x);
    const x3r = v128.load(r + q3 + x), x3i = v128.load(i + q3 + x);
    const b1r = cmulR(v2r, v2i, x1r, x1i), b1i = cmulI(v2r, v2i, x1r, x1i);
    const b2r = cmulR(v1r, v1i, x2r, x2i), b2i = cmulI(v1r, v1i, x2r, x2i);
    const b3r = cmulR(v3r, v3i, x3r, x3i), b3i = cmulI(v3r, v3i, x3r, x3i);
    const t0r = f64x2.add(a0r, b1r), t0i = f64x2.add(a0i, b1i);
    const t1r = f64x2.sub(a0r, b1r), t1i = f64x2.sub(a0i, b1i);
    const t2r = f64x2.add(b2r, b3r), t2i = f64x2.add(b2i, b3i);
    const t3r = f64x2.sub(b2r, b3r), t3i = f64x2.sub(b2i, b3i);
    v128.store(r + x, f64x2.add(t0r, t2r));
    v128.store(i + x, f64x2.add(t0i, t2i));
    v128.store(r + q2 + x, f64x2.sub(t0r, t2r));
    v128.store(i + q2 + x, f64x2.sub(t0i, t2i));
    v128.store(r + q + x, f64x2.sub(t1r, t3i));
    v128.store(i + q + x, f64x2.add(t1i, t3r));
    v128.store(r + q3 + x, f64x2.add(t1r, t3i));
    v128.store(i + q3 + x, f64x2.sub(t1i, t3r));
  }
}

function dif4Trivial(r: usize, i: usize, q: usize, bytes: usize): void {
  const q2 = q << 1, q3 = q * 3;
  for (let x: usize = 0; x < bytes; x += 16) {
    const a0r = v128.load(r + x), a0i = v128.load(i + x);
    const a1r = v128.load(r + q + x), a1i = v128.load(i + q + x);
    const a2r = v128.load(r + q2 + x), a2i = v128.load(i + q2 + x);
    const a3r = v128.load(r + q3 + x), a3i = v128.load(i + q3 + x);
    const t0r = f64x2.add(a0r, a2r), t0i = f64x2.add(a0i, a2i);
    const t1r = f64x2.sub(a0r, a2r), t1i = f64x2.sub(a0i, a2i);
    const t2r = f64x2.add(a1r, a3r), t2i = f64x2.add(a1i, a3i);
    const t3r = f64x2.sub(a1r, a3r), t3i = f64x2.sub(a1i, a3i);
    v128.store(r + x, f64x2.add(t0r, t2r));
    v128.store(i + x, f64x2.add(t0i, t2i));
    v128.store(r + q + x, f64x2.sub(t0r, t2r));
    v128.store(i + q + x, f64x2.sub(t0i, t2i));
    // t1 ∓ i·t3, with −i·t3 = (t3i, −t3r).
    v128.store(r + q2 + x, f64x2.add(t1r, t3i));
    v128.store(i + q2 + x, f64x2.sub(t1i, t3r));
    v128.store(r + q3 + x, f64x2.sub(t1r, t3i));
    v128.store(i + q3 + x, f64x2.add(t1i, t3r));
  }
}

function dif4(r: usize, i: usize, q: usize, bytes: usize,
  w1r: f64, w1i: f64, w2r: f64, w2i: f64, w3r: f64, w3i: f64): void {
  const q2 = q << 1, q3 = q * 3;
  const v1r = f64x2.splat(w1r), v1i = f64x2.splat(w1i);
  const v2r = f64x2.splat(w2r), v2i = f64x2.splat(w2i);
  const v3r = f64x2.splat(w3r), v3i = f64x2.splat(w3i);
  for (let x: usize = 0; x < bytes; x += 16) {
    const a0r = v128.load(r + x), a0i = v128.load(i + x);
    const a1r = v128.load(r + q + x), a1i = v128.load(i + q + x);
    const a2r = v128.load(r + q2 + x), a2i = v128.load(i + q2 + x);
    const a3r = v128.load(r + q3 + x), a3i = v128.load(i + q3 + x);
    const t0r = f64x2.add(a0r, a2r), t0i = f64x2.add(a0i, a2i);
    const t1r = f64x2.sub(a0r, a2r), t1i = f64x2.sub(a0i, a2i);
    const t2r = f64x2.add(a1r, a3r), t2i = f64x2.add(a1i, a3i);
    const t3r = f64x2.sub(a1r, a3r), t3i = f64x2.sub(a1i, a3i);
    v128.store(r + x, f64x2.add(t0r, t2r));
    v128.store(i + x, f64x2.add(t0i, t2i));
    const ur = f64x2.sub(t0r, t2r), ui = f64x2.sub(t0i, t2i);
    v128.store(r + q + x, cmulR(v2r, v2i, ur, ui));
    v128.store(i + q + x, cmulI(v2r, v2i, ur, ui));
    const vr = f64x2.add(t1r, t3i), vi = f64x2.sub(t1i, t3r);
    v128.store(r + q2 + x, cmulR(v1r, v1i, vr, vi));
    v128.store(i + q2 + x, cmulI(v1r, v1i, vr, vi));
    const yr = f64x2.sub(t1r, t3i), yi = f64x2.add(t1i, t3r);
    v128.store(r + q3 + x, cmulR(v3r, v3i, yr, yi));
    v128.store(i + q3 + x, cmulI(v3r, v3i, yr, yi));
  }
}

// Span-8 butterflies (the last forward stage, the first inverse one when log2 T is odd): a
// radix-4 stage of span 8 and the radix-2 stage of span 2 fused, so one pass instead of two.
// Their twiddles are powers of w8 = e^{∓2πi/8} = √½(1 ∓ i), multiplies by ±i are swaps.

/** Forward (DIF) 8-point butterfly on rows r, r + s, …, r + 7s (s = row bytes), output bit-reversed. */
function dif8(r: usize, i: usize, s: usize): void {
  const h = f64x2.splat(0.7071067811865476); // √½
  for (let x: usize = 0; x < s; x += 16) {
    const pr = r + x, pi = i + x;
    const x0r = v128.load(pr), x0i = v128.load(pi);
    const x4r = v128.load(pr + 4 * s), x4i = v128.load(pi + 4 * s);
    const x2r = v128.load(pr + 2 * s), x2i = v128.load(pi + 2 * s);
    const x6r = v128.load(pr + 6 * s), x6i = v128.load(pi + 6 * s);
    // Even rows (k = 0 of the span-8 radix-4): y0, y2, y4, y6.
    const t0r = f64x2.add(x0r, x4r), t0i = f64x2.add(x0i, x4i);
    const t1r = f64x2.sub(x0r, x4r), t1i = f64x2.sub(x0i, x4i);
    const t2r = f64x2.add(x2r, x6r), t2i = f64x2.add(x2i, x6i);
    const t3r = f64x2.sub(x2r, x6r), t3i = f64x2.sub(x2i, x6i);
    const y0r = f64x2.add(t0r, t2r), y0i = f64x2.add(t0i, t2i);
    const y2r = f64x2.sub(t0r, t2r), y2i = f64x2.sub(t0i, t2i);
    const y4r = f64x2.add(t1r, t3i), y4i = f64x2.sub(t1i, t3r); // t1 − i·t3
    const y6r = f64x2.sub(t1r, t3i), y6i = f64x2.add(t1i, t3r); // t1 + i·t3
    const x1r = v128.load(pr + s), x1i = v128.load(pi + s);
    const x5r = v128.load(pr + 5 * s), x5i = v128.load(pi + 5 * s);
    const x3r = v128.load(pr + 3 * s), x3i = v128.load(pi + 3 * s);
    const x7r = v128.load(pr + 7 * s), x7i = v128.load(pi + 7 * s);
    // Odd rows (k = 1): y1 = s0 + s2, y3 = −i·(s0 − s2), y5 = w8·(s1 − i·s3), y7 = w8³·(s1 + i·s3).
    const s0r = f64x2.add(x1r, x5r), s0i = f64x2.add(x1i, x5i);
    const s1r = f64x2.sub(x1r, x5r), s1i = f64x2.sub(x1i, x5i);
    const s2r = f64x2.add(x3r, x7r), s2i = f64x2.add(x3i, x7i);
    const s3r = f64x2.sub(x3r, x7r), s3i = f64x2.sub(x3i, x7i);
    const y1r = f64x2.add(s0r, s2r), y1i = f64x2.add(s0i, s2i);
    const y3r = f64x2.sub(s0i, s2i), y3i = f64x2.sub(s2r, s0r);
    const ur = f64x2.add(s1r, s3i), ui = f64x2.sub(s1i, s3r);
    const vr = f64x2.sub(s1r, s3i), vi = f64x2.add(s1i, s3r);
    // w8·u = √½(ur + ui, ui − ur); w8³·v = √½(vi − vr, −vr − vi).
    const y5r = f64x2.mul(h, f64x2.add(ur, ui)), y5i = f64x2.mul(h, f64x2.sub(ui, ur));
    const y7r = f64x2.mul(h, f64x2.sub(vi, vr)), y7i = f64x2.neg(f64x2.mul(h, f64x2.add(vr, vi)));
    // Span-2 stage.
    v128.store(pr, f64x2.add(y0r, y1r)); v128.store(pi, f64x2.add(y0i, y1i));
    v128.store(pr + s, f64x2.sub(y0r, y1r)); v128.store(pi + s, f64x2.sub(y0i, y1i));
    v128.store(pr + 2 * s, f64x2.add(y2r, y3r)); v128.store(pi + 2 * s, f64x2.add(y2i, y3i));
    v128.store(pr + 3 * s, f64x2.sub(y2r, y3r)); v128.store(pi + 3 * s, f64x2.sub(y2i, y3i));
    v128.store(pr + 4 * s, f64x2.add(y4r, y5r)); v128.store(pi + 4 * s, f64x2.add(y4i, y5i));
    v128.store(pr + 5 * s, f64x2.sub(y4r, y5r)); v128.store(pi + 5 * s, f64x2.sub(y4i, y5i));
    v128.store(pr + 6 * s, f64x2.add(y6r, y7r)); v128.store(pi + 6 * s, f64x2.add(y6i, y7i));
    v128.store(pr + 7 * s, f64x2.sub(y6r, y7r)); v128.store(pi + 7 * s, f64x2.sub(y6i, y7i));
  }
}

/** Inverse (DIT) 8-point butterfly on rows r, r + s, …, r + 7s, input bit-reversed. */
function dit8(r: usize, i: usize, s: usize): void {
  const h = f64x2.splat(0.7071067811865476); // √½
  for (let x: usize = 0; x < s; x += 16) {
    const pr = r + x, pi = i + x;
    // Span-2 stage on the even quads first: z0, z2, z4, z6 from rows 0–1, 2–3, 4–5, 6–7.
    const x0r = v128.load(pr), x0i = v128.load(pi);
    const x1r = v128.load(pr + s), x1i = v128.load(pi + s);
    const x2r = v128.load(pr + 2 * s), x2i = v128.load(pi + 2 * s);
    const x3r = v128.load(pr + 3 * s), x3i = v128.load(pi + 3 * s);
    const x4r = v128.load(pr + 4 * s), x4i = v128.load(pi + 4 * s);
    const x5r = v128.load(pr + 5 * s), x5i = v128.load(pi + 5 * s);
    const x6r = v128.load(pr + 6 * s), x6i = v128.load(pi + 6 * s);
    const x7r = v128.load(pr + 7 * s), x7i = v128.load(pi + 7 * s);
    const z0r = f64x2.add(x0r, x1r), z0i = f64x2.add(x0i, x1i);
    const z1r = f64x2.sub(x0r, x1r), z1i = f64x2.sub(x0i, x1i);
    const z2r = f64x2.add(x2r, x3r), z2i = f64x2.add(x2i, x3i);
    const z3r = f64x2.sub(x2r, x3r), z3i = f64x2.sub(x2i, x3i);
    const z4r = f64x2.add(x4r, x5r), z4i = f64x2.add(x4i, x5i);
    const z5r = f64x2.sub(x4r, x5r), z5i = f64x2.sub(x4i, x5i);
    const z6r = f64x2.add(x6r, x7r), z6i = f64x2.add(x6i, x7i);
    const z7r = f64x2.sub(x6r, x7r), z7i = f64x2.sub(x6i, x7i);
    // k = 0 on rows 0, 2, 4, 6: twiddles 1.
    const t0r = f64x2.add(z0r, z2r), t0i = f64x2.add(z0i, z2i);
    const t1r = f64x2.sub(z0r, z2r), t1i = f64x2.sub(z0i, z2i);
    const t2r = f64x2.add(z4r, z6r), t2i = f64x2.add(z4i, z6i);
    const t3r = f64x2.sub(z4r, z6r), t3i = f64x2.sub(z4i, z6i);
    v128.store(pr, f64x2.add(t0r, t2r)); v128.store(pi, f64x2.add(t0i, t2i));
    v128.store(pr + 4 * s, f64x2.sub(t0r, t2r)); v128.store(pi + 4 * s, f64x2.sub(t0i, t2i));
    v128.store(pr + 2 * s, f64x2.sub(t1r, t3i)); v128.store(pi + 2 * s, f64x2.add(t1i, t3r)); // t1 + i·t3
    v128.store(pr + 6 * s, f64x2.add(t1r, t3i)); v128.store(pi + 6 * s, f64x2.sub(t1i, t3r)); // t1 − i·t3
    // k = 1 on rows 1, 3, 5, 7: b1 = i·z3, b2 = w8·z5, b3 = w8³·z7 with w8 = √½(1 + i).
    const b1r = f64x2.neg(z3i), b1i = z3r;
    const b2r = f64x2.mul(h, f64x2.sub(z5r, z5i)), b2i = f64x2.mul(h, f64x2.add(z5r, z5i));
    const b3r = f64x2.neg(f64x2.mul(h, f64x2.add(z7r, z7i))), b3i = f64x2.mul(h, f64x2.sub(z7r, z7i));
    const u0r = f64x2.add(z1r, b1r), u0i = f64x2.add(z1i, b1i);
    const u1r = f64x2.sub(z1r, b1r), u1i = f64x2.sub(z1i, b1i);
    const u2r = f64x2.add(b2r, b3r), u2i = f64x2.add(b2i, b3i);
    const u3r = f64x2.sub(b2r, b3r), u3i = f64x2.sub(b2i, b3i);
    v128.store(pr + s, f64x2.add(u0r, u2r)); v128.store(pi + s, f64x2.add(u0i, u2i));
    v128.store(pr + 5 * s, f64x2.sub(u0r, u2r)); v128.store(pi + 5 * s, f64x2.sub(u0i, u2i));
    v128.store(pr + 3 * s, f64x2.sub(u1r, u3i)); v128.store(pi + 3 * s, f64x2.add(u1i, u3r));
    v128.store(pr + 7 * s, f64x2.add(u1r, u3i)); v128.store(pi + 7 * s, f64x2.sub(u1i, u3r));
  }
}

/** In-place transpose of an n×n f64 plane, in 8×8 blocks for the cache. */
export function transpose(p: usize, n: i32): void {
  // 8×8 blocks for the cache; inside them 2×2 blocks, each two f64x2 rows transposed by two
  // shuffles and swapped with its mirror block (n is a power of two, at least 8).
  const B = 8;
  const row = <usize>n << 3;
  for (let bi = 0; bi < n; bi += B) {
    for (let bj = bi; bj < n; bj += B) {
      for (let i = bi; i < bi + B; i += 2) {
        for (let j = bi == bj ? i : bj; j < bj + B; j += 2) {
          const a = p + <usize>i * row + (<usize>j << 3);
          const x0 = v128.load(a), x1 = v128.load(a + row);
          const t0 = v128.shuffle<f64>(x0, x1, 0, 2), t1 = v128.shuffle<f64>(x0, x1, 1, 3);
          if (i == j) {
            v128.store(a, t0);
            v128.store(a + row, t1);
            continue;
          }
          const b = p + <usize>j * row + (<usize>i << 3);
          const y0 = v128.load(b), y1 = v128.load(b + row);
          v128.store(a, v128.shuffle<f64>(y0, y1, 0, 2));
          v128.store(a + row, v128.shuffle<f64>(y0, y1, 1, 3));
          v128.store(b, t0);
          v128.store(b + row, t1);
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
