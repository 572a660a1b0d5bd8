/**
 * Where a padded coordinate reads from: OpenCV's borderInterpolate in closed form.
 * Inside the image the answer is the coordinate itself; outside, each numpy.pad mode is a
 * periodic extension (wrap: period n, symmetric: 2n, reflect: 2n − 2), so pads wider than the
 * image keep repeating the pattern instead of failing. `constant` answers -1: "use cval".
 */
import type { BorderMode } from '../types.js';

/** Non-negative remainder. */
function mod(a: number, n: number): number {
  const r = a % n;
  return r < 0 ? r + n : r;
}

/** Source index for coordinate `p` of a side of length `n`, or -1 for the constant border. */
export function borderIndex(p: number, n: number, border: BorderMode): number {
  if (p >= 0 && p < n) return p;
  switch (border) {
    case 'constant':
      return -1;
    case 'edge':
      return p < 0 ? 0 : n - 1;
    case 'wrap':
      return mod(p, n);
    case 'symmetric': {
      // fedcba|abcdef|fedcba: the edge pixel repeats; period 2n.
      const q = mod(p, 2 * n);
      return q < n ? q : 2 * n - 1 - q;
    }
    case 'reflect': {
      // gfedcb|abcdefg|fedcba: the edge pixel does not repeat; period 2n − 2.
      if (n === 1) return 0;
      const q = mod(p, 2 * n - 2);
      return q < n ? q : 2 * n - 2 - q;
    }
  }
}

/** The map for one axis: padded position i → source index (or -1), for i in [0, before + n + after). */
export function borderMap(n: number, before: number, after: number, border: BorderMode): Int32Array {
  const map = new Int32Array(before + n + after);
  for (let i = 0; i < map.length; i++) map[i] = borderIndex(i - before, n, border);
  return map;
}
