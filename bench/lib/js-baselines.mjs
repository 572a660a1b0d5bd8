/**
 * The two pure-JS baselines of the benchmarks: 'same' padding, constant zero border, stride 1,
 * convolution (the kernel rotated 180°), one channel. Images are `{ width, height, data }` with a
 * Float32Array; kernels `{ height, width, data }` (row-major).
 *
 * `optimizedJs` is the one a careful user would write (the same algorithm as bench/core.mjs, which
 * keeps its own copy); `naiveJs` is a line-by-line port of the NumPy tutorial's loop.
 */

/**
 * Optimized pure JS: copies the image into a zero-padded Float32Array, then computes four
 * neighbouring outputs at once, sliding a window of four pixels along each kernel row so every
 * pixel is loaded once per tap row. Sums in float64 (JS numbers), stores float32.
 * @example
 * const out = optimizedJs({ width: 4, height: 4, data: new Float32Array(16).fill(1) }, { height: 3, width: 3, data: new Float32Array(9).fill(1) });
 */
export function optimizedJs(image, kernel, reuse) {
  const { width: W, height: H, data } = image;
  const { height: kH, width: kW } = kernel;
  const top = (kH - 1) >> 1, left = (kW - 1) >> 1;
  const padW = W + kW - 1, padH = H + kH - 1;
  // `reuse` (optimizedJsScratch): the padded copy and the output made once, as a careful user
  // running many frames would keep them; the padded copy's border stays zero between calls.
  const P = reuse?.padded ?? new Float32Array(padW * padH);
  for (let y = 0; y < H; y++) P.set(data.subarray(y * W, (y + 1) * W), (y + top) * padW + left);
  const K = Float32Array.from(kernel.data).reverse(); // rot180: convolution, not correlation
  const out = reuse?.out ?? new Float32Array(W * H);
  const W4 = W & ~3;
  for (let i = 0; i < H; i++) {
    const o = i * W;
    let j = 0;
    for (; j < W4; j += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let m = 0; m < kH; m++) {
        const s = (i + m) * padW + j;
        let t = m * kW, p0 = P[s], p1 = P[s + 1], p2 = P[s + 2];
        for (let n = 0; n < kW; n++, t++) {
          const w = K[t], p3 = P[s + n + 3];
          a0 += w * p0; a1 += w * p1; a2 += w * p2; a3 += w * p3;
          p0 = p1; p1 = p2; p2 = p3;
        }
      }
      out[o + j] = a0; out[o + j + 1] = a1; out[o + j + 2] = a2; out[o + j + 3] = a3;
    }
    for (; j < W; j++) { // the last W % 4 columns
      let a = 0;
      for (let m = 0; m < kH; m++) {
        const s = (i + m) * padW + j;
        for (let n = 0; n < kW; n++) a += K[m * kW + n] * P[s + n];
      }
      out[o + j] = a;
    }
  }
  return { width: W, height: H, channels: 1, data: out };
}

/**
 * The arrays `optimizedJs` can reuse for a width × height image and a kH × kW kernel.
 * @example
 * const reuse = optimizedJsScratch(640, 480, 3, 3); optimizedJs(image, kernel, reuse);
 */
export const optimizedJsScratch = (width, height, kH, kW) =>
  ({ padded: new Float32Array((width + kW - 1) * (height + kH - 1)), out: new Float32Array(width * height) });

/** A flat row-major Float32Array as nested number arrays (the naive port's input format). */
export const toRows = (data, width, height) =>
  Array.from({ length: height }, (_, y) => Array.from(data.subarray(y * width, (y + 1) * width)));

/**
 * The NumPy tutorial's convolution, ported as written: nested number arrays, a zero-padded copy,
 * the flipped kernel, and one output at a time as the sum of the kernel times the window under it.
 * @example
 * naiveJs([[1, 2], [3, 4]], [[0, 0, 0], [0, 1, 0], [0, 0, 0]]) // [[1, 2], [3, 4]]
 */
export function naiveJs(image, kernel) {
  const height = image.length, width = image[0].length;
  const kh = kernel.length, kw = kernel[0].length;
  const flipped = kernel.map((row) => [...row].reverse()).reverse();
  const top = Math.floor((kh - 1) / 2), left = Math.floor((kw - 1) / 2);
  const padded = [];
  for (let y = 0; y < height + kh - 1; y++) padded.push(new Array(width + kw - 1).fill(0));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) padded[y + top][x + left] = image[y][x];
  }
  const output = [];
  for (let y = 0; y < height; y++) {
    const row = [];
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let m = 0; m < kh; m++) {
        for (let n = 0; n < kw; n++) sum += flipped[m][n] * padded[y + m][x + n];
      }
      row.push(sum);
    }
    output.push(row);
  }
  return output;
}
