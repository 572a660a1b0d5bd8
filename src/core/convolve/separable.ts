/**
 * Rank-1 kernels (Gaussian, box, Sobel...) are outer products K = u·vᵀ, and convolving with them
 * is a vertical 1-D pass with u then a horizontal one with v: kH + kW taps per output instead of
 * kH·kW. This finds u and v when they exist.
 */
import { rangeError } from '../errors.js';
import type { ConvolvePlan } from './options.js';
import type { KernelMatrix } from '../validate.js';

/** The two factors of a rank-1 kernel, as K[m][n] = column[m] · row[n]. */
export interface Factors {
  column: Float64Array; // length kH
  row: Float64Array; // length kW
}

/**
 * Factors `k` when it is rank 1 to within float32 rounding of each entry, else undefined.
 * The pivot is the largest entry: u = its column, v = its row divided by it. The check is per
 * entry (|K − u·v| ≤ 2⁻²²·|K| plus a hair for zeros: a float32-rounded Gaussian is off by just over 2⁻²³), so the two passes compute the same products
 * the 2-D sum would, up to float32 rounding.
 */
export function factorize(k: KernelMatrix): Factors | undefined {
  const { width: kW, height: kH, data } = k;
  let p = 0;
  for (let i = 1; i < data.length; i++) if (Math.abs(data[i]) > Math.abs(data[p])) p = i;
  const pivot = data[p];
  if (pivot === 0) return undefined;
  const pm = Math.floor(p / kW), pn = p % kW;
  const column = new Float64Array(kH);
  const row = new Float64Array(kW);
  for (let m = 0; m < kH; m++) column[m] = data[m * kW + pn];
  for (let n = 0; n < kW; n++) row[n] = data[pm * kW + n] / pivot;
  const hair = Math.abs(pivot) * 1e-12;
  for (let m = 0; m < kH; m++) {
    for (let n = 0; n < kW; n++) {
      const want = data[m * kW + n];
      if (Math.abs(want - column[m] * row[n]) > Math.abs(want) * 2 ** -22 + hair) return undefined;
    }
  }
  return { column, row };
}

/** The factors a plan may use: looked for under "auto" and "separable"; "separable" needs them. */
export function factorsFor(k: KernelMatrix, plan: ConvolvePlan): Factors | undefined {
  if (plan.method !== 'auto' && plan.method !== 'separable') return undefined;
  const factors = factorize(k);
  if (plan.method === 'separable' && !factors) {
    throw rangeError('options.method', '"auto" or "direct" for this kernel, which is not separable (rank 1)', plan.method);
  }
  return factors;
}
