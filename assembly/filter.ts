// PNG's row filters for the encoder (PNG spec §9.2): each filtered byte is the row's byte minus a
// predictor made of raw bytes only (left a, above b, upper-left c), so no byte depends on another
// filtered one and sixteen lanes go at once; the first `bpp` bytes of a row (no left neighbour)
// and a row's last n % 16 take the scalar rule. Driven by src/core/wasm/filter.ts, which puts the
// row above the first (zeros for an image's first row) just before `src`.

/** Paeth's predictor in i16 lanes: of a, b, c, the one closest to a + b − c; ties to a, then b. */
@inline
function paethLanes(a: v128, b: v128, c: v128): v128 {
  const pa = i16x8.abs(i16x8.sub(b, c));
  const pb = i16x8.abs(i16x8.sub(a, c));
  const pc = i16x8.abs(i16x8.sub(i16x8.add(a, b), i16x8.add(c, c)));
  const useA = v128.and(i16x8.le_s(pa, pb), i16x8.le_s(pa, pc));
  return v128.bitselect(a, v128.bitselect(b, c, i16x8.le_s(pb, pc)), useA);
}

function paethScalar(a: i32, b: i32, c: i32): i32 {
  const pa = abs<i32>(b - c), pb = abs<i32>(a - c), pc = abs<i32>(a + b - 2 * c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
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
    case 4: return paethScalar(a, b, c);
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
