// The direct path: the contract's sum, tap by tap, in SIMD along rows. Start with `convolvePlane`.
// Driven by src/core/wasm/direct.ts (also for the separable path's two 1-D passes).

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
