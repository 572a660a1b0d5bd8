// The PNG codec's row work, driven by src/core/wasm/png-rows.ts: the row filters both ways (PNG
// spec §9.2), and 8-bit rows expanded to RGBA for the decoder. Node's module only (./node.ts):
// browsers run the codec's JavaScript loops and do not download these.
//
// Filtering (the encoder): each filtered byte is the row's byte minus a predictor made of raw
// bytes only (left a, above b, upper-left c), so no byte depends on another filtered one and
// sixteen lanes go at once; the first `bpp` bytes of a row (no left neighbour) and a row's last
// n % 16 take the scalar rule. The caller puts the row above the first (zeros for an image's
// first row) just before `src`.
//
// Unfiltering (the decoder) is serial: each byte's predictor reads the byte `bpp` to its left
// already unfiltered. Up has no such chain and goes sixteen bytes at once; Sub, Average and Paeth
// go a pixel a step, its 3–8 bytes in lanes, the left pixel carried in a register; pixels of 1 or
// 2 bytes a byte a step. All without branches on the data: in a photo the Paeth choice is close
// to random, and a mispredicted branch a byte made JavaScript's loop 4× slower.

/**
 * Paeth's predictor in i16 lanes: of a, b, c, the one closest to a + b − c; ties to a, then b.
 * pa = |b − c| does not depend on the left byte a, so in the unfilter's loop-carried chain only
 * a − c and what follows are; written with "greater than" (one instruction; "at most" is two) and
 * the selects swapped.
 */
@inline
function paethLanes(a: v128, b: v128, c: v128): v128 {
  const bc = i16x8.sub(b, c);
  const ac = i16x8.sub(a, c);
  const pa = i16x8.abs(bc);
  const pb = i16x8.abs(ac);
  const pc = i16x8.abs(i16x8.add(ac, bc));
  const notA = v128.or(i16x8.gt_s(pa, pb), i16x8.gt_s(pa, pc));
  return v128.bitselect(v128.bitselect(c, b, i16x8.gt_s(pb, pc)), a, notA);
}

/** Paeth's choice with `select` (no branches): for the filter's scalar edges and the byte-a-step unfilter. */
@inline
function paethSelect(a: i32, b: i32, c: i32): i32 {
  const pa = abs<i32>(b - c), pb = abs<i32>(a - c), pc = abs<i32>(a + b - 2 * c);
  return select<i32>(a, select<i32>(b, c, pb <= pc), (pa <= pb) & (pa <= pc));
}

/** The predictor of byte x of a row at `s` whose row above is at `s − n` (not inlined: two call sites, few bytes each). */
function predictor(type: i32, s: usize, x: i32, n: i32, bpp: i32): i32 {
  const a: i32 = x >= bpp ? <i32>load<u8>(s + <usize>(x - bpp)) : 0;
  const b: i32 = <i32>load<u8>(s + <usize>x - <usize>n);
  const c: i32 = x >= bpp ? <i32>load<u8>(s + <usize>(x - bpp) - <usize>n) : 0;
  switch (type) {
    case 1: return a;
    case 2: return b;
    case 3: return (a + b) >> 1;
    case 4: return paethSelect(a, b, c);
    default: return 0;
  }
}

/**
 * Filters `rows` rows of `n` bytes at `src` (the row above the first at `src − n`) with filter
 * `type` (0–4) into `out`: each row its type byte, then its n filtered bytes.
 */
export function filterRows(src: usize, rows: i32, n: i32, type: i32, bpp: i32, out: usize): void {
  for (let y = 0; y < rows; y++) {
    const s = src + <usize>y * <usize>n;
    const o = out + <usize>y * <usize>(n + 1) + 1;
    store<u8>(o - 1, <u8>type);
    const head = min<i32>(bpp, n);
    for (let x = 0; x < head; x++) store<u8>(o + <usize>x, <u8>(<i32>load<u8>(s + <usize>x) - predictor(type, s, x, n, bpp)));
    let x = head;
    if (type != 0) {
      for (; x + 16 <= n; x += 16) {
        const p = s + <usize>x;
        const raw = v128.load(p);
        const b = v128.load(p - <usize>n);
        let pred: v128;
        if (type == 1) pred = v128.load(p - <usize>bpp);
        else if (type == 2) pred = b;
        else if (type == 3) {
          // floor((a + b) / 2) bytewise: the common bits, plus half the differing ones.
          const a = v128.load(p - <usize>bpp);
          pred = i8x16.add(v128.and(a, b), i8x16.shr_u(v128.xor(a, b), 1));
        } else {
          const a = v128.load(p - <usize>bpp);
          const c = v128.load(p - <usize>bpp - <usize>n);
          const low = paethLanes(i16x8.extend_low_i8x16_u(a), i16x8.extend_low_i8x16_u(b), i16x8.extend_low_i8x16_u(c));
          const high = paethLanes(i16x8.extend_high_i8x16_u(a), i16x8.extend_high_i8x16_u(b), i16x8.extend_high_i8x16_u(c));
          pred = i8x16.narrow_i16x8_u(low, high);
        }
        v128.store(o + <usize>x, i8x16.sub(raw, pred));
      }
    }
    for (; x < n; x++) store<u8>(o + <usize>x, <u8>(<i32>load<u8>(s + <usize>x) - predictor(type, s, x, n, bpp)));
  }
}

/** Unfilters one row of `n` bytes at `d`, filter `type` 1, 3 or 4, a byte a step (`bpp` 1 or 2). */
function unfilterBytes(type: i32, d: usize, n: i32, bpp: i32): void {
  const u = d - <usize>n - 1;
  if (type == 1) {
    for (let x = bpp; x < n; x++) store<u8>(d + <usize>x, load<u8>(d + <usize>x) + load<u8>(d + <usize>(x - bpp)));
  } else if (type == 3) {
    for (let x = 0; x < min<i32>(bpp, n); x++) store<u8>(d + <usize>x, load<u8>(d + <usize>x) + (load<u8>(u + <usize>x) >> 1));
    for (let x = bpp; x < n; x++) {
      const avg = (<i32>load<u8>(d + <usize>(x - bpp)) + <i32>load<u8>(u + <usize>x)) >> 1;
      store<u8>(d + <usize>x, <i32>load<u8>(d + <usize>x) + avg);
    }
  } else {
    for (let x = 0; x < min<i32>(bpp, n); x++) store<u8>(d + <usize>x, load<u8>(d + <usize>x) + load<u8>(u + <usize>x));
    for (let x = bpp; x < n; x++) {
      const p = paethSelect(load<u8>(d + <usize>(x - bpp)), load<u8>(u + <usize>x), load<u8>(u + <usize>(x - bpp)));
      store<u8>(d + <usize>x, <i32>load<u8>(d + <usize>x) + p);
    }
  }
}

/**
 * Unfilters one row of `n` bytes at `d`, filter `type` 1, 3 or 4, a pixel of `bpp` (3, 4, 6 or 8,
 * dividing n) bytes a step: eight bytes are loaded each step (the lanes past the pixel are
 * computed and dropped), so the caller leaves 8 bytes of room after a block.
 */
function unfilterPixels(type: i32, d: usize, n: i32, bpp: i32): void {
  const u = d - <usize>n - 1;
  const low = i16x8.splat(255);
  // Lanes are i16 and the left pixel stays in them: the loop-carried chain is only the predictor
  // and an add and a mask (narrowing to bytes is off it).
  let a = i16x8.splat(0); // the pixel to the left, unfiltered (0 for the first)
  let c = i16x8.splat(0); // the pixel above it
  for (let x = 0; x < n; x += bpp) {
    const p = d + <usize>x;
    const b = i16x8.extend_low_i8x16_u(v128.load64_zero(u + <usize>x));
    const raw = i16x8.extend_low_i8x16_u(v128.load64_zero(p));
    let pred: v128;
    if (type == 1) pred = a;
    else if (type == 3) pred = i16x8.shr_u(i16x8.add(a, b), 1);
    else pred = paethLanes(a, b, c);
    a = v128.and(i16x8.add(raw, pred), low);
    const out = i8x16.narrow_i16x8_u(a, a);
    // Only the pixel's own bytes are stored: a wider store would overlap the next pixel's load,
    // which then waits for the store to retire (store forwarding fails on a partial overlap);
    // that made Sub 2× slower. The lanes past the pixel are computed and dropped.
    if (bpp == 4) v128.store32_lane(p, out, 0);
    else if (bpp == 3) {
      v128.store16_lane(p, out, 0);
      v128.store8_lane(p + 2, out, 2);
    } else if (bpp == 8) v128.store64_lane(p, out, 0);
    else {
      v128.store32_lane(p, out, 0);
      v128.store16_lane(p + 4, out, 2);
    }
    c = b;
  }
}

/**
 * Unfilters `rows` rows in place: row i is its filter type at `src + i·(n + 1)`, then its n bytes;
 * the row above row 0 is the n bytes just before `src` (zeros for a pass's first row). Returns −1,
 * or the index of the first row whose filter type is not 0–4 (the rows before it unfiltered).
 */
export function unfilterRows(src: usize, rows: i32, n: i32, bpp: i32): i32 {
  const wide = (bpp == 3 || bpp == 4 || bpp == 6 || bpp == 8) && n % bpp == 0;
  for (let y = 0; y < rows; y++) {
    const d = src + <usize>y * <usize>(n + 1) + 1;
    const type = <i32>load<u8>(d - 1);
    if (<u32>type > 4) return y;
    if (type == 0) continue;
    if (type == 2) {
      const u = d - <usize>n - 1;
      let x = 0;
      for (; x + 16 <= n; x += 16) v128.store(d + <usize>x, i8x16.add(v128.load(d + <usize>x), v128.load(u + <usize>x)));
      for (; x < n; x++) store<u8>(d + <usize>x, load<u8>(d + <usize>x) + load<u8>(u + <usize>x));
    } else if (wide) unfilterPixels(type, d, n, bpp);
    else unfilterBytes(type, d, n, bpp);
  }
  return -1;
}

/**
 * Expands `rows` rows of `w` pixels of 8-bit gray (channels 1), gray + alpha (2) or RGB (3) at
 * `src` (`stride` bytes apart) to RGBA at `dst` (w · 4 bytes a row, rows adjacent): gray fills r,
 * g and b, a missing alpha is 255. Sixteen output bytes a step by one swizzle (an index of 255
 * gives 0, and the alpha is or-ed in); the loads read up to 16 bytes from a step's first pixel,
 * so the caller leaves 16 bytes of room after the last row. A row's last pixels go one by one.
 */
export function rgbaRows(src: usize, stride: i32, rows: i32, w: i32, channels: i32, dst: usize): void {
  const opaque = i32x4.splat(<i32>0xff000000);
  for (let y = 0; y < rows; y++) {
    const s = src + <usize>y * <usize>stride;
    const d = dst + <usize>y * <usize>w * 4;
    let x = 0;
    if (channels == 3) {
      const rgb = i8x16(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
      for (; x + 4 <= w; x += 4) {
        v128.store(d + (<usize>x << 2), v128.or(i8x16.swizzle(v128.load(s + <usize>x * 3), rgb), opaque));
      }
      for (; x < w; x++) {
        const p = s + <usize>x * 3;
        store<u32>(d + (<usize>x << 2), <u32>load<u8>(p) | (<u32>load<u8>(p, 1) << 8) | (<u32>load<u8>(p, 2) << 16) | 0xff000000);
      }
    } else if (channels == 1) {
      for (; x + 16 <= w; x += 16) {
        const px = v128.load(s + <usize>x);
        const o = d + (<usize>x << 2);
        v128.store(o, v128.or(i8x16.swizzle(px, i8x16(0, 0, 0, -1, 1, 1, 1, -1, 2, 2, 2, -1, 3, 3, 3, -1)), opaque));
        v128.store(o, v128.or(i8x16.swizzle(px, i8x16(4, 4, 4, -1, 5, 5, 5, -1, 6, 6, 6, -1, 7, 7, 7, -1)), opaque), 16);
        v128.store(o, v128.or(i8x16.swizzle(px, i8x16(8, 8, 8, -1, 9, 9, 9, -1, 10, 10, 10, -1, 11, 11, 11, -1)), opaque), 32);
        v128.store(o, v128.or(i8x16.swizzle(px, i8x16(12, 12, 12, -1, 13, 13, 13, -1, 14, 14, 14, -1, 15, 15, 15, -1)), opaque), 48);
      }
      for (; x < w; x++) {
        const v = <u32>load<u8>(s + <usize>x);
        store<u32>(d + (<usize>x << 2), v | (v << 8) | (v << 16) | 0xff000000);
      }
    } else {
      for (; x + 8 <= w; x += 8) {
        const px = v128.load(s + (<usize>x << 1));
        const o = d + (<usize>x << 2);
        v128.store(o, i8x16.swizzle(px, i8x16(0, 0, 0, 1, 2, 2, 2, 3, 4, 4, 4, 5, 6, 6, 6, 7)));
        v128.store(o, i8x16.swizzle(px, i8x16(8, 8, 8, 9, 10, 10, 10, 11, 12, 12, 12, 13, 14, 14, 14, 15)), 16);
      }
      for (; x < w; x++) {
        const v = <u32>load<u8>(s + (<usize>x << 1));
        store<u32>(d + (<usize>x << 2), v | (v << 8) | (v << 16) | (<u32>load<u8>(s + (<usize>x << 1), 1) << 24));
      }
    }
  }
}
