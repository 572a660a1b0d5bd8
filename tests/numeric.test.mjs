// Numeric edge cases of convolve2d, toGrayscale and toUint8: float32 overflow, subnormals,
// Infinity and NaN in image data, -0, and the extremes of Uint16 and Float32. Each expectation is
// IEEE 754 float32 arithmetic; where scipy/numpy is quoted, it was checked with numpy 1.24 /
// scipy.signal (Debian python3-scipy) on float32 arrays:
//   scipy.signal.correlate2d(np.float32([[inf, 1, 2]]), np.float32([[0, 1]]), 'valid') → [[nan, 2]]
// The README section "Limits and numerics" documents the same behaviour.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d, kernels, toGrayscale, toUint8 } from '../dist/node/index.js';
import { checkKernel, choosePath, factorsFor, planConvolution, referenceConvolve2d } from '../dist/internal.js';
import { float32Convolve } from './helpers.mjs';

const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN = 1.1754943508222875e-38; // smallest normal
const SUB_MIN = 1.401298464324817e-45; // smallest subnormal
const row = (values) => ({ width: values.length, height: 1, channels: 1, data: Float32Array.from(values) });
const out = (image, kernel, options) => Array.from(convolve2d(image, kernel, options).data);
/** Object.is per element, so NaN equals NaN and -0 differs from +0. */
function same(got, want, label) {
  assert.is(got.length, want.length, `${label}: length`);
  got.forEach((g, i) => assert.ok(Object.is(g, want[i]), `${label}: [${i}] is ${g}, expected ${want[i]} (got ${got}, expected ${want})`));
}

// ---------------------------------------------------------------------------------------------
const ieee = suite('Infinity and NaN in image data propagate as IEEE arithmetic does');

ieee('0 · Infinity is NaN: a zero tap over an Infinity pixel gives NaN, as scipy does', () => {
  // scipy.signal.correlate2d(np.float32([[inf, 1, 2]]), np.float32([[0, 1]]), 'valid') → [[nan, 2.]]
  same(out(row([Infinity, 1, 2]), [[0, 1]], { mode: 'correlation' }), [NaN, 2], 'correlation');
  // scipy.signal.convolve2d(np.float32([[1, inf, 1]]), np.float32([[1, 0, 0]]), 'same') → [[inf, nan, nan]]
  same(out(row([1, Infinity, 1]), [[1, 0, 0]], { padding: 'same' }), [Infinity, NaN, NaN], 'same');
});

ieee('Infinity − Infinity is NaN; a negative tap flips the sign; NaN stays inside its windows', () => {
  // scipy: convolve2d([[inf, -inf]], ones((1, 2))) → [[nan]]; correlate2d([[inf, 1]], [[-1, 1]]) → [[-inf]]
  same(out(row([Infinity, -Infinity]), [[1, 1]]), [NaN], 'inf - inf');
  same(out(row([Infinity, 1]), [[-1, 1]], { mode: 'correlation' }), [-Infinity], 'negative tap');
  // scipy: convolve2d([[nan, 1, 1]], ones((1, 2)), 'valid') → [[nan, 2.]]
  same(out(row([NaN, 1, 1]), [[1, 1]]), [NaN, 2], 'nan');
});

ieee('every border mode carries non-finite pixels into the padding like any other value', () => {
  const image = row([Infinity, 2, NaN]);
  same(out(image, [[1]], { padding: [0, 2], border: 'edge' }), [Infinity, Infinity, Infinity, 2, NaN, NaN, NaN], 'edge');
  same(out(image, [[1]], { padding: [0, 2], border: 'reflect' }), [NaN, 2, Infinity, 2, NaN, 2, Infinity], 'reflect');
  same(out(image, [[1]], { padding: [0, 2], border: 'wrap' }), [2, NaN, Infinity, 2, NaN, Infinity, 2], 'wrap');
  same(out(image, [[1]], { padding: [0, 1], cval: 5 }), [5, Infinity, 2, NaN, 5], 'constant');
});

ieee('the separable path gives the same NaN and Infinity pattern as the direct one', () => {
  const data = Float32Array.from({ length: 144 }, (_, i) => (i === 27 ? Infinity : i === 40 ? -Infinity : i === 100 ? NaN : i % 5));
  const image = { width: 12, height: 12, channels: 1, data };
  for (const kernel of [kernels.gaussian(1), kernels.sobelX, kernels.box(5), [[0, 0, 0], [0, 0, 0], [0, 0, 1]]]) {
    for (const options of [{ padding: 'same' }, { padding: 'valid', border: 'wrap' }, { padding: 2, border: 'reflect', stride: 2 }]) {
      const direct = convolve2d(image, kernel, { ...options, method: 'direct' }).data;
      const separable = convolve2d(image, kernel, { ...options, method: 'separable' }).data;
      direct.forEach((d, i) => {
        const s = separable[i];
        if (Number.isFinite(d) && Number.isFinite(s)) assert.ok(Math.abs(d - s) <= 1e-4 * (1 + Math.abs(d)), `[${i}] ${d} vs ${s}`);
        else assert.ok(Object.is(d, s), `[${i}]: direct ${d}, separable ${s} (${JSON.stringify(options)})`);
      });
    }
  }
});

// A 256² texture with one special pixel, and a 15×15 kernel: large enough that "auto" would take
// the FFT, whose error scales with a tile's largest value and which turns a whole tile NaN for one
// NaN pixel (FUZZING.md findings 4 and 5). Such images must get the direct answer.
const K15 = Array.from({ length: 15 }, (_, i) => Array.from({ length: 15 }, (_, j) => ((i * 7 + j * 3) % 11) - 5));
function texture(at, value) {
  const data = new Float32Array(256 * 256).map((_, i) => (i * 7919) % 256);
  data[at] = value;
  return { width: 256, height: 256, channels: 1, data };
}

ieee('auto and fft put NaN and Infinity exactly where the direct sum does', () => {
  for (const special of [NaN, Infinity, -Infinity]) {
    const image = texture(100 * 256 + 100, special);
    const direct = convolve2d(image, K15, { padding: 'same', method: 'direct' }).data;
    assert.ok(direct.some((v) => !Number.isFinite(v)) && direct.some(Number.isFinite));
    for (const method of ['auto', 'fft']) {
      const got = convolve2d(image, K15, { padding: 'same', method }).data;
      got.forEach((v, i) => {
        if (!Number.isFinite(v) || !Number.isFinite(direct[i])) assert.ok(Object.is(v, direct[i]), `${method}, one ${special} pixel: output ${i} is ${v}, direct ${direct[i]}`);
      });
    }
  }
});

ieee.run();

// ---------------------------------------------------------------------------------------------
const big = suite('very large values: float32 overflows to ±Infinity as IEEE does');

big('FLT_MAX + FLT_MAX is Infinity; halves of it are not; products come before sums', () => {
  // scipy: convolve2d([[max, max]], [[1, 1]]) → [[inf]]; with [[0.5, 0.5]] → [[3.4028235e+38]]
  same(out(row([FLT_MAX, FLT_MAX]), [[1, 1]]), [Infinity], 'max + max');
  same(out(row([FLT_MAX, FLT_MAX]), [[0.5, 0.5]]), [FLT_MAX], 'half + half');
  same(out(row([FLT_MAX, FLT_MAX]), [[1, -1]]), [0], 'max - max');
  same(out(row([-FLT_MAX]), [[2]]), [-Infinity], '-max · 2');
  same(out(row([FLT_MAX]), [[1]], { padding: 1, cval: FLT_MAX }).slice(4, 5), [FLT_MAX], 'cval FLT_MAX is allowed');
});

big('sums are float32 in tap order: an intermediate overflow stays Infinity', () => {
  // K' (the rotated kernel) runs over the padded image row-major: 3e38 + 3e38 = Infinity first,
  // and Infinity − 3e38 is still Infinity. The float64 reference gives 3e38; so does scipy, which
  // happens to add in another order. Documented in the README ("Limits and numerics").
  const image = row([3e38, 3e38, -3e38]);
  same(out(image, [[1, 1, 1]]), [Infinity], 'float32 accumulation');
  same(Array.from(float32Convolve(image, [[1, 1, 1]]).data), [Infinity], 'float32 evaluation in tap order agrees');
  same(Array.from(referenceConvolve2d(image, [[1, 1, 1]]).data), [Math.fround(3e38)], 'the float64 reference does not overflow');
});

big('integer extremes: Uint16 65535 sums exactly while they fit in float32', () => {
  const white = { width: 9, height: 9, channels: 1, data: new Uint16Array(81).fill(65535) };
  // scipy: convolve2d(full((5, 5), 65535, float32), ones((3, 3), float32), 'valid')[0, 0] → 589815.0
  same(out(white, kernels.box(3).map((r) => r.map(() => 1)), { padding: 'valid' }).slice(0, 1), [589815], '3×3 ones');
  same(out(white, Array.from({ length: 7 }, () => new Array(7).fill(1))).slice(0, 1), [3211215], '7×7 ones');
  same(out(white, kernels.laplacian, { padding: 'same', border: 'edge' }), new Array(81).fill(0), 'laplacian of a flat image');
  same(out(white, [[1e34]]).slice(0, 1), [Math.fround(65535 * Math.fround(1e34))], 'large but finite');
  same(out(white, [[1e35]]).slice(0, 1), [Infinity], '65535 · 1e35 overflows');
  const rgb = { width: 1, height: 1, channels: 3, data: Uint16Array.from([65535, 65535, 65535]) };
  assert.equal(Array.from(toGrayscale(rgb).data), [65535], 'bt601 fixed point keeps white white');
  assert.equal(Array.from(toGrayscale(rgb, { weights: 'bt709' }).data), [65535], 'bt709 too');
  assert.equal(Array.from(toUint8(white).data.subarray(0, 1)), [255]);
  const u8 = { width: 3, height: 1, channels: 1, data: Uint8Array.from([255, 0, 255]) };
  same(out(u8, [[-1, 2, -1]]), [-510], 'Uint8 255 with a signed kernel');
});

big('toUint8 at the float32 extremes', () => {
  const image = row([FLT_MAX, -FLT_MAX, 0, Infinity, -Infinity, NaN]);
  assert.equal(Array.from(toUint8(image).data), [255, 0, 0, 255, 0, 0]);
  assert.equal(Array.from(toUint8(image, { map: 'abs' }).data), [255, 255, 0, 255, 255, 0]);
  // finite min..max = −FLT_MAX..FLT_MAX: 0 lands on 127.5, which rounds half to even → 128
  assert.equal(Array.from(toUint8(image, { map: 'normalize' }).data), [255, 0, 128, 255, 0, 0]);
});

big('one huge pixel does not spoil the small outputs around it, whatever the method', () => {
  const image = texture(5, 1e30);
  const want = referenceConvolve2d(image, K15, { padding: 'same' }).data;
  for (const method of ['auto', 'fft', 'direct']) {
    const got = convolve2d(image, K15, { padding: 'same', method }).data;
    let bad = 0;
    for (let i = 0; i < want.length; i++) if (Math.abs(got[i] - want[i]) > 1e-3 * (Math.abs(want[i]) + 1000)) bad++;
    assert.is(bad, 0, `${method}: ${bad} outputs off; output 9 is ${got[9]}, reference ${want[9]}`);
  }
});

big.run();

// ---------------------------------------------------------------------------------------------
const tiny = suite('subnormals and signed zero');

tiny('subnormals are kept, not flushed to zero, and round to even', () => {
  // numpy: float32(1.4e-45) * float32(0.5) → 0.0 (a tie, rounded to even); 1e-45 + 1e-45 → 3e-45
  same(out(row([SUB_MIN]), [[1]]), [SUB_MIN], 'smallest subnormal × 1');
  same(out(row([SUB_MIN, SUB_MIN]), [[1, 1]]), [2 * SUB_MIN], 'sum of subnormals');
  same(out(row([SUB_MIN]), [[0.5]]), [0], 'half the smallest subnormal');
  same(out(row([FLT_MIN]), [[0.5]]), [FLT_MIN / 2], 'FLT_MIN / 2 is subnormal and exact');
  same(out(row([1]), [[1e-40]]), [Math.fround(1e-40)], 'a subnormal tap');
  same(out(row([1e30]), [[1e-40]]), [Math.fround(Math.fround(1e-40) * 1e30)], 'a subnormal tap on a large value');
});

tiny('kernel taps and cval are rounded to float32 first', () => {
  same(out(row([1]), [[0.1]]), [Math.fround(0.1)], '0.1');
  same(out(row([1]), [[1e-46]]), [0], 'a tap below the smallest subnormal is 0');
  same(out(row([1]), [[1]], { padding: [0, 1], cval: 0.1 }), [Math.fround(0.1), 1, Math.fround(0.1)], 'cval 0.1');
});

tiny('-0 in the image or the kernel gives +0, as scipy does (sums start at +0)', () => {
  // scipy.signal.convolve2d(float32([[-0.]]), ones((1, 1))) → [[0.]] with signbit False
  same(out(row([-0]), [[1]]), [0], '-0 pixel');
  same(out(row([1]), [[-0]]), [0], '-0 tap');
  same(out(row([1]), [[1]], { padding: [0, 1], cval: -0 }), [0, 1, 0], '-0 cval');
  assert.equal(Array.from(toUint8(row([-0, -0.4, -0.5, -0.6])).data), [0, 0, 0, 0]);
  assert.equal(Array.from(toUint8(row([-0.5, -1.5]), { map: 'abs' }).data), [0, 2]);
});

tiny('toGrayscale on float input: IEEE arithmetic, unrounded', () => {
  const rgb = (r, g, b) => ({ width: 1, height: 1, channels: 3, data: Float32Array.from([r, g, b]) });
  same(Array.from(toGrayscale(rgb(Infinity, 0, 0)).data), [Infinity], 'Infinity red');
  same(Array.from(toGrayscale(rgb(1, Infinity, 1), { weights: [1, 0, 0] }).data), [NaN], '0 · Infinity in a weight');
  same(Array.from(toGrayscale(rgb(FLT_MAX, FLT_MAX, FLT_MAX)).data), [Math.fround(0.299 * FLT_MAX + 0.587 * FLT_MAX + 0.114 * FLT_MAX)], 'FLT_MAX white');
  same(Array.from(toGrayscale(rgb(SUB_MIN, SUB_MIN, SUB_MIN), { weights: [1, 1, 1] }).data), [3 * SUB_MIN], 'subnormal');
});

tiny.run();

const fallback = suite('fast paths fall back where they would not give the direct sum');
// src/core/convolve/separable.ts / src/core/wasm/paths.ts (FUZZING.md finding 6, seed 4242 case 7802): the
// separable path's vertical pass multiplies by the column factor, which carries the kernel's
// largest tap, so for |P| > FLT_MAX / max|K| the intermediate overflows to ±Infinity although
// every product K·P of the definition is finite. A zero tap over it then gives NaN (0·Inf), and a
// small one gives Infinity, where the direct path and the reference give finite answers.
// Fixed: separable (asked for or chosen by "auto") runs only while max|P|·Σ|u| ≤ 1e37, else the
// direct sum (src/core/wasm/paths.ts pathSafe).
fallback('separable: no intermediate overflow where every product is finite', () => {
  const direct = (image, kernel) => Array.from(convolve2d(image, kernel, { mode: 'correlation', method: 'direct' }).data);
  const cases = [
    [row([FLT_MAX, 1, 1]), [[0, 2]]], // direct and reference [2, 2]; separable [NaN, 2]
    [row([2e38, 1, 1]), [[0.5, 2]]], // direct [1e38, 2.5]; separable [Infinity, 2.5]
  ];
  for (const [image, kernel] of cases) {
    const want = direct(image, kernel);
    assert.ok(want.every(Number.isFinite));
    same(Array.from(referenceConvolve2d(image, kernel, { mode: 'correlation' }).data), want, 'reference');
    same(Array.from(convolve2d(image, kernel, { mode: 'correlation', method: 'separable' }).data), want, `separable ${JSON.stringify(kernel)}`);
  }
  // Through "auto" (which takes the separable path here): a 7×7 rank-1 kernel u·vᵀ on a 256² image
  // of ones with FLT_MAX at row 1, column 0, under u[1] = 1 and v[0] = 0. Output 0: direct 110, auto NaN.
  const image = { width: 256, height: 256, channels: 1, data: new Float32Array(256 * 256).fill(1) };
  image.data[256] = FLT_MAX;
  const u = [0, 1, 2, 3, 2, 1, 1], v = [0, 1, 2, 4, 2, 1, 1];
  const kernel = u.map((a) => v.map((b) => a * b));
  const got = convolve2d(image, kernel, { mode: 'correlation' }).data;
  const want = convolve2d(image, kernel, { mode: 'correlation', method: 'direct' }).data;
  assert.is(want[0], 110);
  same(Array.from(got.subarray(0, 8)), Array.from(want.subarray(0, 8)), 'auto');
});

// The scan behind these decisions (paths.ts `magnitude`, assembly/pixels.ts `magnitudeF32`) reads
// the image in 65536-value pieces, four lanes at a time with a scalar tail: one bad value
// anywhere, in a lane, in a tail or in a later piece, must be seen.
fallback('one NaN, Infinity or huge value anywhere sends fast paths to the direct sum', () => {
  const width = 363, height = 367; // 133221 values: two whole pieces, then 2149, itself 1 past a lane
  const kernel = checkKernel(Array.from({ length: 15 }, (_, i) => Array.from({ length: 15 }, (_, j) => (i + 1) * (j + 2) / 100)));
  const plan = planConvolution({ padding: 'same' }, height, width, 15, 15);
  const factors = factorsFor(kernel, plan);
  assert.ok(factors, 'a rank-1 kernel');
  const positions = [0, 1, 2, 3, 4, 65535, 65536, 65537, 131071, 131072, 133216, 133219, 133220];
  for (const at of positions) {
    // The FFT needs every value finite and max|P|·Σ|K| ≤ 1e9; the two passes only max|P|·Σ|u| ≤ 1e37.
    for (const [value, separable] of [[NaN, 'separable'], [Infinity, 'separable'], [-Infinity, 'separable'], [1e38, 'direct'], [-1e9, 'separable']]) {
      const data = new Float32Array(width * height).fill(0.5);
      data[at] = value;
      const image = { width, height, channels: 1, data };
      assert.is(choosePath(image, kernel, { ...plan, method: 'fft' }, factors), 'direct', `fft asked, ${value} at ${at}`);
      assert.is(choosePath(image, kernel, { ...plan, method: 'separable' }, factors), separable, `separable asked, ${value} at ${at}`);
    }
    const data = new Float32Array(width * height).fill(0.5);
    data[at] = -7;
    assert.is(choosePath({ width, height, channels: 1, data }, kernel, { ...plan, method: 'fft' }, factors), 'fft', `a finite -7 at ${at}`);
  }
});

fallback.run();
