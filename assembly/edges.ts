// Canny edge detection on linear memory, as OpenCV 4.6's modules/imgproc/src/canny.cpp computes it.
// Start with `cannyEdges`.
//
// Memory map (planned by src/core/wasm/edges.ts):
//   src     u8[h * w + 4]      the gray image (+4: the last row's vector loads reach 3 bytes past
//                              it); the 0/255 result is written over it at the end
//   taps    i32[2 * k]         smoothing taps, then derivative taps (cv2.getDerivKernels)
//   vs, vd  i32[w4 + 2r] each  one row after the vertical pass, replicated r columns each side
//   gx, gy  i32[2 * w4] each   dx, dy of two image rows (a ring: the row suppressed and the next)
//   mag     i32[3 * (w4 + 2)]  magnitudes of three rows (a ring), with a 0 column each side
// w4 is w rounded up to 4: rows are computed 4 columns at a time, the last vector's extra lanes
// land in slack that is either overwritten (border columns) or never read.
//   map     u8[(h + 2) * (w + 2)]  0 may be an edge, 1 cannot be, 2 is; a border of 1s
//   stack   i32[h * w]         map offsets of edge pixels whose neighbours are still to visit
// All checking is done in TS beforehand.

/** round(tan(22.5°) · 2^15): canny.cpp's fixed-point slope for the direction test. */
const TG22: i32 = 13573;

// Sobel dx and dy of image row y, replicate border (BORDER_REPLICATE), exact in i32. The vertical
// pass smooths (for dx) and differentiates (for dy) down each column; the horizontal pass then
// differentiates vs and smooths vd along the row. With `shift16`, ksize 7's 1/16 scale: the exact
// sum divided by 16, rounded half to even as cvRound rounds OpenCV's float sum.
function sobelRow(src: usize, w: i32, h: i32, y: i32, taps: usize, k: i32, shift16: bool,
  vs: usize, vd: usize, gx: usize, gy: usize): void {
  const r = k >> 1;
  const smooth = taps, deriv = taps + (<usize>k << 2);
  const vsr = vs + (<usize>r << 2), vdr = vd + (<usize>r << 2);
  for (let x = 0; x < w; x += 4) {
    let a = i32x4.splat(0), b = i32x4.splat(0);
    for (let t = 0; t < k; t++) {
      let yy = y + t - r;
      yy = yy < 0 ? 0 : yy >= h ? h - 1 : yy;
      const p = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(src + <usize>yy * <usize>w + <usize>x)));
      a = i32x4.add(a, i32x4.mul(p, i32x4.splat(load<i32>(smooth + (<usize>t << 2)))));
      b = i32x4.add(b, i32x4.mul(p, i32x4.splat(load<i32>(deriv + (<usize>t << 2)))));
    }
    v128.store(vsr + (<usize>x << 2), a);
    v128.store(vdr + (<usize>x << 2), b);
  }
  for (let t = 0; t < r; t++) {
    store<i32>(vs + (<usize>t << 2), load<i32>(vsr));
    store<i32>(vd + (<usize>t << 2), load<i32>(vdr));
    store<i32>(vsr + (<usize>(w + t) << 2), load<i32>(vsr + (<usize>(w - 1) << 2)));
    store<i32>(vdr + (<usize>(w + t) << 2), load<i32>(vdr + (<usize>(w - 1) << 2)));
  }
  for (let x = 0; x < w; x += 4) {
    let a = i32x4.splat(0), b = i32x4.splat(0);
    for (let t = 0; t < k; t++) {
      const o = <usize>(x + t) << 2;
      a = i32x4.add(a, i32x4.mul(v128.load(vs + o), i32x4.splat(load<i32>(deriv + (<usize>t << 2)))));
      b = i32x4.add(b, i32x4.mul(v128.load(vd + o), i32x4.splat(load<i32>(smooth + (<usize>t << 2)))));
    }
    if (shift16) { a = div16Even(a); b = div16Even(b); }
    v128.store(gx + (<usize>x << 2), a);
    v128.store(gy + (<usize>x << 2), b);
  }
}

// s / 16 rounded half to even, per lane: floor(s / 16), plus one when the remainder is above 8, or
// is 8 and the floor is odd. (s >> 4 floors, s & 15 is the remainder, for negative s too.)
@inline
function div16Even(s: v128): v128 {
  const q = i32x4.shr_s(s, 4);
  const rem = v128.and(s, i32x4.splat(15));
  const up = v128.or(i32x4.gt_s(rem, i32x4.splat(8)),
    v128.and(i32x4.eq(rem, i32x4.splat(8)), i32x4.eq(v128.and(q, i32x4.splat(1)), i32x4.splat(1))));
  return i32x4.sub(q, up); // a true lane is -1
}

// Magnitudes of one row into mag (already offset past its left 0): |dx| + |dy| or dx² + dy², 4 at
// a time; the caller puts back the right 0 column the last vector may cover.
function magnitudeRow(gx: usize, gy: usize, w: i32, l2: bool, mag: usize): void {
  for (let x = 0; x < w; x += 4) {
    const o = <usize>x << 2;
    const a = v128.load(gx + o), b = v128.load(gy + o);
    v128.store(mag + o, l2 ? i32x4.add(i32x4.mul(a, a), i32x4.mul(b, b)) : i32x4.add(i32x4.abs(a), i32x4.abs(b)));
  }
  store<i32>(mag + (<usize>w << 2), 0);
}

// Non-maximum suppression and double threshold of one row: writes the map row (0, 1 or 2) and
// pushes the row's edges (2) on the stack. pm, am, nm: magnitudes of the rows above, this, below.
// Four pixels a step (every case's comparisons made, the pixel's own case selected), then the
// scalar rule for the last w % 4; both are canny.cpp's arithmetic, in the same i32 lanes.
function suppressRow(mrow: usize, w: i32, dxRow: usize, dyRow: usize, pm: usize, am: usize, nm: usize,
  low: i32, high: i32, map: usize, stack: usize, top: usize): usize {
  store<u8>(mrow - 1, 1);
  store<u8>(mrow + <usize>w, 1);
  const lowV = i32x4.splat(low), highV = i32x4.splat(high), tg22 = i32x4.splat(TG22), one = i32x4.splat(1);
  let x = 0;
  for (; x + 4 <= w; x += 4) {
    const o = <usize>x << 2;
    const m = v128.load(am + o);
    const candidate = i32x4.gt_s(m, lowV);
    if (!v128.any_true(candidate)) {
      store<u32>(mrow + <usize>x, 0x01010101);
      continue;
    }
    const xs = v128.load(dxRow + o), ys = v128.load(dyRow + o);
    const ax = i32x4.abs(xs);
    const ay = i32x4.shl(i32x4.abs(ys), 15);
    const tg22x = i32x4.mul(ax, tg22);
    const horizontal = i32x4.lt_s(ay, tg22x);
    const vertical = i32x4.gt_s(ay, i32x4.add(tg22x, i32x4.shl(ax, 16)));
    // Left and up compare with >, right and down with >=, diagonals with > on both sides.
    const alongX = v128.and(i32x4.gt_s(m, v128.load(am + o - 4)), i32x4.ge_s(m, v128.load(am + o + 4)));
    const alongY = v128.and(i32x4.gt_s(m, v128.load(pm + o)), i32x4.ge_s(m, v128.load(nm + o)));
    // Opposite signs of dx and dy: up-right and down-left; same signs: up-left and down-right.
    const opposite = i32x4.lt_s(v128.xor(xs, ys), i32x4.splat(0));
    const above = v128.bitselect(v128.load(pm + o + 4), v128.load(pm + o - 4), opposite);
    const below = v128.bitselect(v128.load(nm + o - 4), v128.load(nm + o + 4), opposite);
    const diagonal = v128.and(i32x4.gt_s(m, above), i32x4.gt_s(m, below));
    const peak = v128.and(candidate, v128.bitselect(alongX, v128.bitselect(alongY, diagonal, vertical), horizontal));
    const strong = v128.and(peak, i32x4.gt_s(m, highV));
    // Lanes are -1 (true) or 0: 1 + peak − 2·strong is 1 (not a peak), 0 (weak) or 2 (strong).
    const flag = i32x4.sub(i32x4.add(one, peak), i32x4.shl(strong, 1));
    const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(flag, flag), i16x8.narrow_i32x4_s(flag, flag));
    v128.store32_lane(mrow + <usize>x, bytes, 0);
    if (v128.any_true(strong)) {
      for (let j = 0; j < 4; j++) {
        if (load<u8>(mrow + <usize>(x + j)) == 2) {
          store<i32>(stack + (top << 2), <i32>(mrow + <usize>(x + j) - map));
          top++;
        }
      }
    }
  }
  for (; x < w; x++) {
    const o = <usize>x << 2;
    const m = load<i32>(am + o);
    let flag: u8 = 1;
    if (m > low) {
      const xs = load<i32>(dxRow + o), ys = load<i32>(dyRow + o);
      const ax = abs<i32>(xs), ay = abs<i32>(ys) << 15;
      const tg22x = ax * TG22;
      let peak: bool;
      if (ay < tg22x) peak = m > load<i32>(am + o - 4) && m >= load<i32>(am + o + 4);
      else if (ay > tg22x + (ax << 16)) peak = m > load<i32>(pm + o) && m >= load<i32>(nm + o);
      else {
        const s: isize = (xs ^ ys) < 0 ? -4 : 4;
        peak = m > load<i32>(pm + o - s) && m > load<i32>(nm + o + s);
      }
      if (peak) {
        if (m > high) {
          flag = 2;
          store<i32>(stack + (top << 2), <i32>(mrow + <usize>x - map));
          top++;
        } else flag = 0;
      }
    }
    store<u8>(mrow + <usize>x, flag);
  }
  return top;
}

/**
 * cv2.Canny of a w×h 8-bit gray image at `src`; writes 0/255 over `src`. `taps` holds the k
 * smoothing then k derivative taps of cv2.getDerivKernels(1, 0, k); `low` and `high` are canny.cpp's
 * integer thresholds (already divided, squared and floored as it does).
 */
export function cannyEdges(src: usize, w: i32, h: i32, taps: usize, k: i32, shift16: bool, l2: bool,
  low: i32, high: i32, work: usize, map: usize, stack: usize): void {
  const r = k >> 1;
  const w4 = (w + 3) & ~3;
  const rowW = <usize>(w4 + 2 * r) << 2;
  const vs = work, vd = vs + rowW;
  const gRow = <usize>w4 << 2;
  const gx = vd + rowW, gy = gx + 2 * gRow;
  const magStride = <usize>(w4 + 2) << 2;
  const magBase = gy + 2 * gRow;
  const mapW = <usize>(w + 2);
  // The map's border rows and columns are 1: never an edge, so hysteresis stops there unchecked.
  memory.fill(map, 1, mapW);
  memory.fill(map + <usize>(h + 1) * mapW, 1, mapW);
  memory.fill(magBase, 0, 3 * magStride);
  // Rings: magnitudes of rows y - 1, y, y + 1 and gradients of rows y (slot y & 1) and y + 1. The
  // pass for y = -1 only computes row 0; rows -1 and h are all 0 (canny.cpp's zero border).
  let magPrev = magBase, magCur = magBase + magStride, magNext = magBase + 2 * magStride;
  let top: usize = 0; // stack entries, in i32s
  for (let y = -1; y < h; y++) {
    const cur = <usize>(y & 1) * gRow, next = <usize>((y + 1) & 1) * gRow;
    if (y + 1 < h) {
      sobelRow(src, w, h, y + 1, taps, k, shift16, vs, vd, gx + next, gy + next);
      magnitudeRow(gx + next, gy + next, w, l2, magNext + 4);
    } else {
      memory.fill(magNext, 0, magStride);
    }
    if (y >= 0) top = suppressRow(map + <usize>(y + 1) * mapW + 1, w, gx + cur, gy + cur, magPrev + 4, magCur + 4, magNext + 4, low, high, map, stack, top);
    const t = magPrev;
    magPrev = magCur;
    magCur = magNext;
    magNext = t;
  }
  // Hysteresis: every candidate (0) 8-connected to an edge (2) becomes an edge. The set reached
  // does not depend on the visiting order, so this matches OpenCV's banded, threaded version.
  const step = <isize>mapW;
  while (top > 0) {
    top--;
    const p = map + <usize>load<i32>(stack + (top << 2));
    top = visit(p - step - 1, map, stack, top);
    top = visit(p - step, map, stack, top);
    top = visit(p - step + 1, map, stack, top);
    top = visit(p - 1, map, stack, top);
    top = visit(p + 1, map, stack, top);
    top = visit(p + step - 1, map, stack, top);
    top = visit(p + step, map, stack, top);
    top = visit(p + step + 1, map, stack, top);
  }
  const edge = i8x16.splat(2);
  for (let y = 0; y < h; y++) {
    const mrow = map + <usize>(y + 1) * mapW + 1;
    const out = src + <usize>y * <usize>w;
    let x = 0;
    // Sixteen at a time: a lane equal to 2 compares to 0xFF, which is 255.
    for (; x + 16 <= w; x += 16) v128.store(out + <usize>x, i8x16.eq(v128.load(mrow + <usize>x), edge));
    for (; x < w; x++) store<u8>(out + <usize>x, load<u8>(mrow + <usize>x) == 2 ? 255 : 0);
  }
}

// Not inlined: eight call sites, and the hysteresis is a small part of the time.
function visit(p: usize, map: usize, stack: usize, top: usize): usize {
  if (load<u8>(p) == 0) {
    store<u8>(p, 2);
    store<i32>(stack + (top << 2), <i32>(p - map));
    return top + 1;
  }
  return top;
}
