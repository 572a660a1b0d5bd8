/**
 * The Paeth predictor (PNG spec section 9.4), which the encoder's filter and the decoder's
 * unfilter share: of the left (a), upper (b) and upper-left (c) bytes, the one closest to
 * a + b − c, ties going to a, then b.
 * @example
 * paeth(10, 20, 10); // 20: a + b − c = 20 is b exactly
 */
export function paeth(a: number, b: number, c: number): number {
  let pa = b - c;
  let pb = a - c;
  let pc = pa + pb;
  if (pa < 0) pa = -pa;
  if (pb < 0) pb = -pb;
  if (pc < 0) pc = -pc;
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
