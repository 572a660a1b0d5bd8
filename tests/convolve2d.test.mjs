import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d, kernels } from '../dist/core/index.js';
import { wasmMemoryBytes } from '../dist/internal.js';
import { PIXEL_TYPES, assertMatchesReference, float32Convolve, assertThrows, randomImage, randomKernel, rng } from './helpers.mjs';

const f32 = (width, height, values, channels = 1) => ({ width, height, channels, data: Float32Array.from(values) });
const list = (img) => Array.from(img.data);

// ---------------------------------------------------------------------------------------------
const hand = suite('convolve2d: hand-computed cases');

hand('convolution rotates the kernel; correlation does not', () => {
  const img = f32(3, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const k = [[1, 2], [3, 4]];
  // K' = [[4,3],[2,1]]: 4·1 + 3·2 + 2·4 + 1·5 = 23, and so on.
  assert.equal(list(convolve2d(img, k)), [23, 33, 53, 63]);
  // 1·1 + 2·2 + 3·4 + 4·5 = 37
  assert.equal(list(convolve2d(img, k, { mode: 'correlation' })), [37, 47, 67, 77]);
});

hand('"same" puts the odd pad of an even kernel after (bottom/right)', () => {
  const img = f32(4, 1, [1, 2, 3, 4]);
  const out = convolve2d(img, [[1, 10]], { padding: 'same', mode: 'correlation' });
  assert.equal([out.width, out.height], [4, 1]);
  assert.equal(list(out), [21, 32, 43, 4]);
});

hand('"full" and "valid" sizes', () => {
  const img = f32(5, 4, Array.from({ length: 20 }, (_, i) => i + 1));
  const full = convolve2d(img, [[1, 1, 1], [1, 1, 1]], { padding: 'full' });
  assert.equal([full.width, full.height], [7, 5]);
  assert.is(full.data[0], 1); // only the image's corner under the kernel's far corner
  const valid = convolve2d(img, [[1, 1, 1], [1, 1, 1]], { padding: 'valid' });
  assert.equal([valid.width, valid.height], [3, 3]);
  assert.is(valid.data[0], 1 + 2 + 3 + 6 + 7 + 8);
});

hand('each border mode pads as numpy.pad does', () => {
  const img = f32(3, 1, [1, 2, 3]);
  const pad = { left: 2, right: 2 };
  const run = (border, extra = {}) => list(convolve2d(img, [[1]], { padding: pad, border, ...extra }));
  assert.equal(run('constant', { cval: 9 }), [9, 9, 1, 2, 3, 9, 9]);
  assert.equal(run('constant'), [0, 0, 1, 2, 3, 0, 0]);
  assert.equal(run('edge'), [1, 1, 1, 2, 3, 3, 3]);
  assert.equal(run('reflect'), [3, 2, 1, 2, 3, 2, 1]);
  assert.equal(run('symmetric'), [2, 1, 1, 2, 3, 3, 2]);
  assert.equal(run('wrap'), [2, 3, 1, 2, 3, 1, 2]);
});

hand('pads wider than the image repeat periodically (OpenCV borderInterpolate)', () => {
  const img = f32(2, 1, [1, 2]);
  const run = (border) => list(convolve2d(img, [[1]], { padding: [0, 5], border }));
  assert.equal(run('reflect'), [2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]); // period 2n − 2 = 2
  assert.equal(run('symmetric'), [1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2]); // period 2n = 4
  assert.equal(run('wrap'), [2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]);
  assert.equal(run('edge'), [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
  const one = f32(1, 1, [7]);
  for (const border of ['edge', 'reflect', 'symmetric', 'wrap']) {
    assert.equal(list(convolve2d(one, [[1]], { padding: 2, border })), new Array(25).fill(7), border);
  }
});

hand('stride and dilation', () => {
  const img = f32(5, 1, [1, 2, 3, 4, 5]);
  assert.equal(list(convolve2d(img, [[1]], { stride: 2 })), [1, 3, 5]);
  assert.equal(list(convolve2d(img, [[1, 10]], { dilation: 2, mode: 'correlation' })), [31, 42, 53]);
  assert.equal(list(convolve2d(img, [[1, 10]], { dilation: [1, 2], stride: [1, 2], mode: 'correlation' })), [31, 53]);
  const tall = f32(1, 5, [1, 2, 3, 4, 5]);
  assert.equal(list(convolve2d(tall, [[1], [10]], { dilation: [2, 1], mode: 'correlation' })), [31, 42, 53]);
});

hand('channels are convolved independently and interleaved', () => {
  const img = f32(2, 1, [1, 10, 100, 2, 20, 200], 3);
  const out = convolve2d(img, [[1, 1]], { padding: { right: 1 } });
  assert.is(out.channels, 3);
  assert.equal(list(out), [3, 30, 300, 2, 20, 200]);
});

hand('integer inputs of every type, and the kernel object form', () => {
  for (const Type of PIXEL_TYPES) {
    const img = { width: 3, height: 1, channels: 1, data: Type.from([1, 2, 250]) };
    const out = convolve2d(img, { width: 2, height: 1, data: [1, -1] }, { mode: 'correlation' });
    assert.equal(list(out), [-1, -248], Type.name);
  }
  const wide = { width: 2, height: 1, channels: 1, data: Uint16Array.from([65535, 1]) };
  assert.equal(list(convolve2d(wide, [[1, 1]])), [65536]);
});

hand('inputs are never modified', () => {
  const data = Float32Array.from([1, 2, 3, 4]);
  const kernel = [[1, 2], [3, 4]];
  const options = { padding: [1, 1], stride: [1, 1] };
  convolve2d({ width: 2, height: 2, channels: 1, data }, kernel, options);
  assert.equal(Array.from(data), [1, 2, 3, 4]);
  assert.equal(kernel, [[1, 2], [3, 4]]);
  assert.equal(options, { padding: [1, 1], stride: [1, 1] });
});

hand('IEEE values in the image propagate', () => {
  const img = f32(3, 1, [1, NaN, Infinity]);
  const out = list(convolve2d(img, [[1]], { padding: 0 }));
  assert.ok(Number.isNaN(out[1]));
  assert.is(out[2], Infinity);
});

hand.run();

// ---------------------------------------------------------------------------------------------
const property = suite('convolve2d: WASM path equals the reference on random inputs');
const BORDERS = ['constant', 'edge', 'reflect', 'symmetric', 'wrap'];

function randomOptions(r, kh, kw) {
  const padding = r.pick([
    () => undefined, () => r.int(0, 4), () => [r.int(0, 3), r.int(0, 6)], () => r.pick(['valid', 'same', 'full']),
    () => ({ top: r.int(0, 3), bottom: r.int(0, 3), left: r.int(0, 9), right: r.int(0, 2) }), () => r.int(8, 14),
  ])();
  const o = {};
  if (padding !== undefined) o.padding = padding;
  if (r() < 0.6) o.stride = r() < 0.5 ? r.int(1, 3) : [r.int(1, 3), r.int(1, 3)];
  if (r() < 0.5) o.dilation = r() < 0.5 ? r.int(1, 2) : [r.int(1, 3), r.int(1, 2)];
  if (r() < 0.7) o.border = r.pick(BORDERS);
  if (r() < 0.5) o.mode = r.pick(['convolution', 'correlation']);
  if (r() < 0.4) o.cval = Math.round((r() * 20 - 10) * 100) / 100;
  return o;
}

property('800 random images, kernels and option sets', () => {
  const r = rng(20261125);
  let compared = 0;
  for (let t = 0; t < 800; t++) {
    const Type = r.pick(PIXEL_TYPES);
    const image = randomImage(r, r.int(1, 13), r.int(1, 11), r.int(1, 4), Type);
    const kernel = randomKernel(r, r.int(1, 5), r.int(1, 5));
    const options = randomOptions(r, kernel.length, kernel[0].length);
    let got;
    try {
      got = convolve2d(image, kernel, options);
    } catch (e) {
      // Only an empty output may be refused; the reference must refuse it too.
      assert.instance(e, RangeError);
      assert.match(e.message, /larger than the padded image/);
      continue;
    }
    assertMatchesReference(got, image, kernel, options, `case ${t}`);
    compared++;
  }
  assert.ok(compared > 600, `only ${compared} cases produced output`);
});

property('larger images with named kernels', () => {
  const r = rng(7);
  for (const name of ['sobelX', 'scharrY', 'laplacian8', 'emboss', 'sharpen']) {
    const image = randomImage(r, 67, 45, 2, Float32Array);
    const options = { padding: 'same', border: r.pick(BORDERS) };
    assertMatchesReference(convolve2d(image, kernels[name], options), image, kernels[name], options, name);
  }
  const image = randomImage(r, 40, 33, 1, Uint8Array);
  const g = kernels.gaussian(2);
  assertMatchesReference(convolve2d(image, g, { padding: 'same', border: 'reflect' }), image, g, { padding: 'same', border: 'reflect' }, 'gaussian');
});

property('bit-identical to float32 evaluation in tap order, across SIMD block edges', () => {
  const r = rng(99);
  for (let t = 0; t < 60; t++) {
    const image = randomImage(r, r.int(1, 70), r.int(1, 9), r.int(1, 3), r.pick(PIXEL_TYPES));
    const kernel = randomKernel(r, r.int(1, 4), r.int(1, 6));
    const options = randomOptions(r);
    let got;
    try {
      got = convolve2d(image, kernel, options);
    } catch {
      continue;
    }
    const want = float32Convolve(image, kernel, options);
    for (let i = 0; i < want.data.length; i++) {
      if (!Object.is(got.data[i], want.data[i])) {
        assert.unreachable(`case ${t} index ${i}: ${got.data[i]} !== ${want.data[i]} (${image.width}×${image.height}, ${JSON.stringify(options)})`);
      }
    }
  }
});

property('horizontal strides 2..8 (stride-1 SIMD rows, subsampled) and beyond: bit-identical to float32 evaluation', () => {
  const r = rng(303);
  for (let sx = 1; sx <= 11; sx++) {
    for (let t = 0; t < 4; t++) {
      const image = randomImage(r, r.int(sx, 140), r.int(2, 12), r.int(1, 4), r.pick(PIXEL_TYPES));
      const kernel = randomKernel(r, r.int(1, 4), r.int(1, 6));
      const options = { padding: r.pick(['same', 'full', [1, 2]]), stride: [r.int(1, 3), sx], dilation: [1, r.int(1, 2)],
        border: r.pick(BORDERS), method: 'direct' };
      let got;
      try {
        got = convolve2d(image, kernel, options);
      } catch {
        continue; // an empty output
      }
      const want = float32Convolve(image, kernel, options);
      const i = want.data.findIndex((v, k) => !Object.is(got.data[k], v));
      assert.is(i, -1, `sx ${sx} case ${t} index ${i} (${image.width}×${image.height}×${image.channels}, ${JSON.stringify(options)})`);
    }
  }
});

property('separable path equals the reference on rank-1 kernels, every option', () => {
  const r = rng(2024);
  for (let t = 0; t < 300; t++) {
    const u = Array.from({ length: r.int(2, 6) }, () => r() * 4 - 2);
    const v = Array.from({ length: r.int(2, 6) }, () => r() * 4 - 2);
    const kernel = u.map((a) => v.map((b) => a * b));
    const image = randomImage(r, r.int(1, 40), r.int(1, 12), r.int(1, 4), r.pick(PIXEL_TYPES));
    const options = { ...randomOptions(r), method: r.pick(['separable', 'auto']) };
    let got;
    try {
      got = convolve2d(image, kernel, options);
    } catch (e) {
      assert.match(e.message, /larger than the padded image/);
      continue;
    }
    assertMatchesReference(got, image, kernel, options, `case ${t}`);
  }
  for (const name of ['sobelX', 'scharrY', 'prewittX']) {
    const image = randomImage(r, 70, 20, 1, Uint8Array);
    const a = convolve2d(image, kernels[name], { padding: 'same', method: 'separable' });
    assertMatchesReference(a, image, kernels[name], { padding: 'same' }, name);
  }
  const g = kernels.gaussian(2.5);
  const image = randomImage(r, 90, 61, 3, Float32Array);
  assertMatchesReference(convolve2d(image, g, { padding: 'same', border: 'symmetric' }), image, g, { padding: 'same', border: 'symmetric' }, 'gaussian');
});

property('FFT path equals the reference, every option', () => {
  const r = rng(4242);
  for (let t = 0; t < 150; t++) {
    const kernel = randomKernel(r, r.int(1, 12), r.int(1, 12));
    const image = randomImage(r, r.int(1, 90), r.int(1, 60), r.int(1, 3), r.pick(PIXEL_TYPES));
    const options = { ...randomOptions(r), method: 'fft' };
    let got;
    try {
      got = convolve2d(image, kernel, options);
    } catch (e) {
      assert.match(e.message, /larger than the padded image/);
      continue;
    }
    assertMatchesReference(got, image, kernel, options, `case ${t}`);
  }
});

property('FFT path with large kernels and tiles across wide images', () => {
  const r = rng(77);
  for (const [w, h, kh, kw, options] of [
    [700, 90, 31, 31, { padding: 'same', border: 'reflect' }],
    [260, 300, 15, 21, { padding: 'full', border: 'wrap', stride: [3, 2] }],
    [129, 129, 17, 17, { padding: 'valid', dilation: [2, 3], mode: 'correlation' }],
  ]) {
    const image = randomImage(r, w, h, 1, Float32Array);
    const kernel = randomKernel(r, kh, kw);
    assertMatchesReference(convolve2d(image, kernel, { ...options, method: 'fft' }), image, kernel, options, `${kh}×${kw}`);
  }
});

property('FFT path at every tile size from 8 to 512 (radix-4 passes, and the radix-8 pass when log2 T is odd)', () => {
  const r = rng(808);
  // A dilated 3×3 kernel reaching `reach` rows and columns needs tiles of at least that side.
  for (const reach of [5, 7, 9, 17, 33, 65, 129, 257]) { // tiles 8, 16, 32, 32, 64, 128, 256, 512
    const d = (reach - 1) / 2;
    const image = randomImage(r, reach + 23, reach + 11, 1, Float32Array);
    const kernel = randomKernel(r, 3, 3);
    const options = { padding: 'same', border: 'reflect', dilation: d };
    assertMatchesReference(convolve2d(image, kernel, { ...options, method: 'fft' }), image, kernel, options, `reach ${reach}`);
  }
});

property('method "direct" is bit-identical to float32 evaluation even for rank-1 kernels', () => {
  const r = rng(5);
  const image = randomImage(r, 37, 9, 2, Float32Array);
  const g = kernels.gaussian(1);
  const options = { padding: 'same', border: 'reflect', method: 'direct' };
  const got = convolve2d(image, g, options);
  const want = float32Convolve(image, g, { padding: 'same', border: 'reflect' });
  assert.ok(got.data.every((x, i) => Object.is(x, want.data[i])));
});

property('options.out receives the result', () => {
  const image = randomImage(rng(8), 20, 10, 2, Uint16Array);
  const out = new Float32Array(20 * 10 * 2).fill(NaN);
  const result = convolve2d(image, kernels.sharpen, { padding: 'same', out });
  assert.is(result.data, out);
  assert.equal(Array.from(out), Array.from(convolve2d(image, kernels.sharpen, { padding: 'same' }).data));
});

property('typed-array kernel rows are accepted', () => {
  const image = randomImage(rng(4), 9, 5, 1, Float32Array);
  const rows = [Float32Array.from([1, 2, 3]), Float64Array.from([-1, 0.5, 2])];
  assert.equal(Array.from(convolve2d(image, rows).data), Array.from(convolve2d(image, [[1, 2, 3], [-1, 0.5, 2]]).data));
});

property.run();

// ---------------------------------------------------------------------------------------------
property('images and outs in SharedArrayBuffers, at any alignment, give the same bits', () => {
  const r = rng(4242);
  for (const Type of PIXEL_TYPES) {
    for (const [width, channels, shift] of [[37, 1, 1], [64, 1, 3], [33, 3, 1], [20, 4, 2], [31, 2, 5]]) {
      const image = randomImage(r, width, 29, channels, Type);
      // A view `shift` elements into a shared buffer, so rows start at every address modulo 8.
      const shared = new Type(new SharedArrayBuffer((image.data.length + 8) * Type.BYTES_PER_ELEMENT), shift * Type.BYTES_PER_ELEMENT, image.data.length);
      shared.set(image.data);
      const kernel = randomKernel(r, 3, 5);
      for (const options of [{ padding: 'same', border: 'reflect' }, { padding: [2, 1], stride: [1, 2], method: 'direct' }, { padding: 'same', method: 'fft' }]) {
        const want = convolve2d(image, kernel, options);
        const outShift = (shift + 1) % 4;
        const out = new Float32Array(new SharedArrayBuffer((want.data.length + 4) * 4), outShift * 4, want.data.length);
        const got = convolve2d({ ...image, data: shared }, kernel, { ...options, out });
        const label = `${Type.name} ${width}×29×${channels} shift ${shift} ${JSON.stringify(options)}`;
        assert.ok(got.data === out, label);
        assert.ok(out.every((v, i) => Object.is(v, want.data[i])), label);
      }
    }
  }
});

const errors = suite('convolve2d: bad arguments');
const good = () => f32(4, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
const K = [[1, 2], [3, 4]];

const cases = [
  ['image not an object', () => convolve2d(null, K), TypeError, /image/],
  ['image.width 0', () => convolve2d({ ...good(), width: 0 }, K), RangeError, /image\.width/],
  ['image.width fractional', () => convolve2d({ ...good(), width: 2.5 }, K), RangeError, /image\.width/],
  ['image.height string', () => convolve2d({ ...good(), height: '3' }, K), TypeError, /image\.height/],
  ['image.channels 5', () => convolve2d({ ...good(), channels: 5 }, K), RangeError, /image\.channels/],
  ['image.data plain array', () => convolve2d({ ...good(), data: [1, 2, 3] }, K), TypeError, /image\.data/],
  ['image.data Float64Array', () => convolve2d({ ...good(), data: new Float64Array(12) }, K), TypeError, /image\.data/],
  ['image.data wrong length', () => convolve2d({ ...good(), data: new Float32Array(11) }, K), RangeError, /length 12.*image\.data/],
  ['kernel missing', () => convolve2d(good()), TypeError, /kernel/],
  ['kernel empty', () => convolve2d(good(), []), RangeError, /kernel/],
  ['kernel empty row', () => convolve2d(good(), [[]]), RangeError, /kernel\[0\]/],
  ['kernel ragged', () => convolve2d(good(), [[1, 2], [3]]), RangeError, /kernel\[1\]/],
  ['kernel row not array', () => convolve2d(good(), [[1], 2]), TypeError, /kernel\[1\]/],
  ['kernel NaN', () => convolve2d(good(), [[1, 2], [NaN, 4]]), RangeError, /kernel\[1\]\[0\]/],
  ['kernel Infinity', () => convolve2d(good(), [[1, Infinity]]), RangeError, /kernel\[0\]\[1\]/],
  ['kernel string entry', () => convolve2d(good(), [[1, '2']]), TypeError, /kernel\[0\]\[1\]/],
  ['kernel object bad length', () => convolve2d(good(), { width: 2, height: 2, data: [1, 2, 3] }), RangeError, /kernel\.data/],
  ['kernel object NaN', () => convolve2d(good(), { width: 1, height: 2, data: [1, NaN] }), RangeError, /kernel\.data\[1\]/],
  ['kernel object width 0', () => convolve2d(good(), { width: 0, height: 1, data: [] }), RangeError, /kernel\.width/],
  ['options not object', () => convolve2d(good(), K, 3), TypeError, /options/],
  ['unknown option', () => convolve2d(good(), K, { strides: 2 }), TypeError, /options\.strides/],
  ['stride 0', () => convolve2d(good(), K, { stride: 0 }), RangeError, /options\.stride/],
  ['stride NaN', () => convolve2d(good(), K, { stride: NaN }), RangeError, /options\.stride/],
  ['stride 1.5', () => convolve2d(good(), K, { stride: 1.5 }), RangeError, /options\.stride/],
  ['stride string', () => convolve2d(good(), K, { stride: '2' }), TypeError, /options\.stride/],
  ['stride[1] negative', () => convolve2d(good(), K, { stride: [1, -1] }), RangeError, /options\.stride\[1\]/],
  ['stride triple', () => convolve2d(good(), K, { stride: [1, 1, 1] }), RangeError, /options\.stride/],
  ['dilation 0', () => convolve2d(good(), K, { dilation: 0 }), RangeError, /options\.dilation/],
  ['dilation Infinity', () => convolve2d(good(), K, { dilation: [Infinity, 1] }), RangeError, /options\.dilation\[0\]/],
  ['padding negative', () => convolve2d(good(), K, { padding: -1 }), RangeError, /options\.padding/],
  ['padding NaN', () => convolve2d(good(), K, { padding: NaN }), RangeError, /options\.padding/],
  ['padding bad name', () => convolve2d(good(), K, { padding: 'half' }), RangeError, /options\.padding/],
  ['padding boolean', () => convolve2d(good(), K, { padding: true }), TypeError, /options\.padding/],
  ['padding.left fractional', () => convolve2d(good(), K, { padding: { left: 0.5 } }), RangeError, /options\.padding\.left/],
  ['padding unknown side', () => convolve2d(good(), K, { padding: { up: 1 } }), TypeError, /options\.padding\.up/],
  ['padding[0] string', () => convolve2d(good(), K, { padding: ['1', 1] }), TypeError, /options\.padding\[0\]/],
  ['mode bad', () => convolve2d(good(), K, { mode: 'conv' }), RangeError, /options\.mode/],
  ['border bad', () => convolve2d(good(), K, { border: 'mirror' }), RangeError, /options\.border/],
  ['border not string', () => convolve2d(good(), K, { border: 1 }), TypeError, /options\.border/],
  ['cval NaN', () => convolve2d(good(), K, { cval: NaN }), RangeError, /options\.cval/],
  ['cval -Infinity', () => convolve2d(good(), K, { cval: -Infinity }), RangeError, /options\.cval/],
  ['cval string', () => convolve2d(good(), K, { cval: '0' }), TypeError, /options\.cval/],
  ['method bad', () => convolve2d(good(), K, { method: 'fast' }), RangeError, /options\.method/],
  ['method separable on a rank-2 kernel', () => convolve2d(good(), K, { method: 'separable' }), RangeError, /not separable.*options\.method/],
  ['out not Float32Array', () => convolve2d(good(), K, { out: new Float64Array(6) }), TypeError, /options\.out/],
  ['out wrong length', () => convolve2d(good(), K, { out: new Float32Array(5) }), RangeError, /length 6.*options\.out/],
  ['out overlaps the image', () => { const img = good(); convolve2d(img, K, { out: img.data.subarray(0, 6) }); }, RangeError, /overlap/],
  ['image over limitInputPixels', () => convolve2d(good(), K, { limitInputPixels: 11 }), RangeError, /4 × 3 = 12 pixels exceeds options\.limitInputPixels \(11\)/],
  ['output over limitInputPixels', () => convolve2d(good(), K, { padding: 100, limitInputPixels: 1000 }), RangeError, /The output of 203 × 202.*options\.limitInputPixels \(1000\)/],
  ['padding making a huge output', () => convolve2d(good(), K, { padding: 20000 }), RangeError, /exceeds options\.limitInputPixels \(268402689\)/],
  ['limitInputPixels 0', () => convolve2d(good(), K, { limitInputPixels: 0 }), RangeError, /options\.limitInputPixels/],
  ['limitInputPixels string', () => convolve2d(good(), K, { limitInputPixels: '1e9' }), TypeError, /options\.limitInputPixels/],
  ['kernel too wide', () => convolve2d(good(), { width: 5000, height: 1, data: new Float32Array(5000) }), RangeError, /kernel size limit.*1×5000/],
  ['kernel with too many taps', () => convolve2d(good(), { width: 2000, height: 2000, data: [] }), RangeError, /kernel size limit/],
  ['options a Map', () => convolve2d(good(), K, new Map([['padding', 1]])), TypeError, /options/],
  ['padding a Date', () => convolve2d(good(), K, { padding: new Date(0) }), TypeError, /options\.padding/],
  ['kernel tap beyond float32', () => convolve2d(good(), [[1e39]]), RangeError, /float32 range.*kernel\[0\]\[0\]/],
  ['kernel.data beyond float32', () => convolve2d(good(), { width: 1, height: 1, data: [-1e39] }), RangeError, /kernel\.data\[0\]/],
  ['cval beyond float32', () => convolve2d(good(), K, { padding: 1, cval: 1e39 }), RangeError, /options\.cval/],
  ['empty output', () => convolve2d(good(), [[1, 1, 1, 1, 1]], { padding: 'valid' }), RangeError, /larger than the padded image/],
  ['empty output from dilation', () => convolve2d(good(), K, { dilation: 4 }), RangeError, /dilated/],
];

for (const [label, call, Class, pattern] of cases) {
  errors(label, () => {
    const before = wasmMemoryBytes();
    assertThrows(call, Class, pattern, label);
    // The library still answers correctly right after the throw, and memory did not grow.
    assert.equal(list(convolve2d(good(), K, { mode: 'correlation' })), [44, 54, 64, 84, 94, 104]);
    assert.is(wasmMemoryBytes(), before);
  });
}

errors.run();

// ---------------------------------------------------------------------------------------------
const memory = suite('convolve2d: linear memory');

memory('stays flat over many calls of the same size', () => {
  const r = rng(3);
  const image = randomImage(r, 300, 200, 3, Uint8Array);
  convolve2d(image, kernels.gaussian(1.5), { padding: 'same' });
  const size = wasmMemoryBytes();
  for (let i = 0; i < 200; i++) convolve2d(image, kernels.sobelX, { padding: 'same', border: 'reflect' });
  assert.is(wasmMemoryBytes(), size);
});

memory('results do not alias linear memory', () => {
  const a = convolve2d(f32(2, 1, [1, 2]), [[1]]);
  convolve2d(f32(2, 1, [5, 6]), [[1]]);
  assert.equal(list(a), [1, 2]);
});

memory('limitInputPixels: false or a number lifts the limit', () => {
  const img = good();
  assert.is(convolve2d(img, K, { padding: 100, limitInputPixels: false }).width, 203);
  assert.is(convolve2d(img, K, { padding: 100, limitInputPixels: 203 * 202 }).height, 202);
  assert.is(convolve2d(img, K, { limitInputPixels: true }).width, 3);
});

memory('huge strides and dilations gather only the rows they read (memory stays small)', () => {
  const one = () => ({ width: 1, height: 1, channels: 1, data: Float32Array.from([5]) });
  const dilated = convolve2d(one(), [[1], [1], [1]], { padding: { top: 2 ** 18, bottom: 2 ** 18, right: 999 }, dilation: [2 ** 18, 1] });
  assert.equal([dilated.width, dilated.height, dilated.data[0]], [1000, 1, 5]);
  const strided = convolve2d(one(), [[1]], { padding: { right: 999, bottom: 3 }, stride: [1000000, 1] });
  assert.equal([strided.width, strided.height, strided.data[0], strided.data[1]], [1000, 1, 5, 0]);
  assert.ok(wasmMemoryBytes() < 64 * 2 ** 20, `WASM memory is ${wasmMemoryBytes()} bytes`);
  // And the sparse bands give the reference's answer on a real image.
  const r = rng(9);
  const image = randomImage(r, 300, 120, 2, Float32Array);
  const kernel = randomKernel(r, 3, 4);
  const options = { padding: { top: 40000, bottom: 40000, left: 3 }, dilation: [40000, 2], stride: [997, 1], border: 'wrap' };
  assertMatchesReference(convolve2d(image, kernel, options), image, kernel, options, 'sparse');
});

memory.run();
