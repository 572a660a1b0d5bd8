/**
 * OpenCV's saturate_cast<uchar>/<ushort> from a float: round to nearest, ties to even
 * (cvRound uses the FPU's default rounding), then clip. NaN becomes 0, as cvRound(NaN) saturates low.
 */

/** Round half to even. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v); // ties go up here...
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r; // ...so step back from odd ties
}

/** saturate_cast to 0..max (255 or 65535). */
export function saturate(v: number, max: number): number {
  if (!(v > 0)) return 0; // also NaN
  if (v >= max) return max;
  return roundHalfEven(v);
}
