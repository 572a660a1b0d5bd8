// The FFT path: overlap-save tiles correlated through the 2-D DFT. Driven by src/core/wasm/fft.ts.

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
