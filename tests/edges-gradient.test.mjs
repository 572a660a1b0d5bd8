import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d, gradient, kernels } from '../dist/core/index.js';
import { wasmMemoryBytes } from '../dist/internal.js';
import { assertThrows, randomImage, rng } from './helpers.mjs';

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/gradient-cases.json', import.meta.url), 'utf8'));
const floats = (text) => { const b = Buffer.from(text, 'base64'); return new Float32Array(b.buffer, b.byteOffset, b.length / 4).slice(); };
function image(name) {
  const { width, height, type, data } = fixtures.images[name];
  const b = Buffer.from(data, 'base64');
  return { width, height, channels: 1, data: type === 'float32' ? new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)) : Uint8Array.from(b) };
}

/** Index and values of the first difference beyond `tol(want)`, or ''. */
function firstDiff(got, want, tol = () => 0) {
  if (got.length !== want.length) return `length ${got.length} vs ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol(want[i], i))) return `at ${i}: got ${got[i]} want ${want[i]}`;
  }
  return '';
}

/** Float32 rounding bound of a Sobel sum on a float image: 2^-21 · Σ|kernel| · max|pixel|. */
function floatBound(img, ksize) {
  const sums = { 1: 2, 3: 16, 5: 96, 7: 1280, scharr: 32 };
  let max = 0;
  for (const v of img.data) max = Math.max(max, Math.abs(v));
  return 2 ** -21 * sums[ksize] * max;
}

/** Angles apart by at most `tol`, 0 and 360 (or 2π) being the same angle. */
const angleDiff = (a, b, full) => Math.min(Math.abs(a - b), full - Math.abs(a - b));

const cv = suite('gradient against cv2.Sobel / cv2.Scharr, cv2.magnitude, cv2.phase (python3-opencv 4.6)');

cv('gx and gy for every ksize and border: bit for bit on 8-bit images', () => {
  assert.ok(fixtures.cases.length >= 100);
  for (const c of fixtures.cases) {
    const img = image(c.image);
    const options = c.ksize === 'scharr' ? { operator: 'scharr', border: c.border } : { ksize: c.ksize, border: c.border };
    const got = gradient(img, options);
    const label = `${c.image} ${JSON.stringify(options)}`;
    const isFloat = img.data instanceof Float32Array;
    // Float input: cv2 sums a row pass then a column pass in its own order; float32 rounding apart.
    const tol = isFloat ? () => floatBound(img, c.ksize) : () => 0;
    assert.is(firstDiff(got.gx.data, floats(c.gx), tol), '', `gx ${label}`);
    assert.is(firstDiff(got.gy.data, floats(c.gy), tol), '', `gy ${label}`);
  }
});

cv('magnitude as cv2.magnitude, direction as cv2.phase (radians and degrees)', () => {
  let checked = 0;
  for (const c of fixtures.cases.filter((c) => c.magnitude)) {
    const img = image(c.image);
    const options = c.ksize === 'scharr' ? { operator: 'scharr' } : { ksize: c.ksize };
    const deg = gradient(img, { ...options, direction: 'degrees' });
    const rad = gradient(img, { ...options, direction: 'radians' });
    const label = `${c.image} ${JSON.stringify(options)}`;
    const isFloat = img.data instanceof Float32Array;
    // cv2.magnitude and cv2.phase use FMA in their AVX2 loops and not in their tails: one float32
    // rounding of x² + y² apart at most (exact for 8-bit ksize ≤ 3, where x² + y² < 2^24).
    const ulp = (w) => Math.max(Math.abs(w) * 2 ** -23, 1e-30) * 1.01;
    const bound = isFloat ? floatBound(img, c.ksize) : 0;
    const tolMag = isFloat ? () => 2 * bound : ulp;
    assert.is(firstDiff(deg.magnitude.data, floats(c.magnitude), tolMag), '', `magnitude ${label}`);
    // Angles: a few float32 ulps (FMA or not); on float images, where the gradient is well above
    // its rounding bound, within the angle that rounding can turn it by.
    for (const [got, want, full] of [[deg.direction.data, floats(c.degrees), 360], [rad.direction.data, floats(c.radians), 2 * Math.PI]]) {
      for (let i = 0; i < want.length; i++) {
        const m = deg.magnitude.data[i];
        if (isFloat && m < 1e3 * bound) continue;
        const tol = isFloat ? full * 1e-3 : 4 * Math.max(Math.abs(want[i]), full / 360) * 2 ** -23;
        assert.ok(angleDiff(got[i], want[i], full) <= tol, `${full === 360 ? 'degrees' : 'radians'} ${label} at ${i}: got ${got[i]} want ${want[i]}`);
      }
    }
    checked++;
  }
  assert.ok(checked >= 25);
});

cv.run();

const api = suite('gradient API');

api('gx, gy equal convolveBank / convolve2d with kernels.sobel; L1 is |gx| + |gy|; no direction unless asked', () => {
  const r = rng(7);
  const img = randomImage(r, 37, 29, 3, Uint8Array);
  for (const ksize of [1, 3, 5, 7]) {
    const g = gradient(img, { ksize, norm: 'L1', border: 'symmetric' });
    const opts = { padding: 'same', mode: 'correlation', border: 'symmetric', method: 'direct' };
    assert.is(firstDiff(g.gx.data, convolve2d(img, kernels.sobel(1, 0, ksize), opts).data), '');
    assert.is(firstDiff(g.gy.data, convolve2d(img, kernels.sobel(0, 1, ksize), opts).data), '');
    assert.is(firstDiff(g.magnitude.data, g.gx.data.map((v, i) => Math.abs(v) + Math.abs(g.gy.data[i]))), '');
    assert.is(g.direction, undefined);
    assert.is(g.magnitude.channels, 3);
  }
});

api('default border is "reflect" (BORDER_DEFAULT), not convolve2d\'s "constant"', () => {
  const img = randomImage(rng(8), 12, 10, 1, Uint8Array);
  assert.is(firstDiff(gradient(img).gx.data, gradient(img, { border: 'reflect' }).gx.data), '');
  assert.ok(firstDiff(gradient(img).gx.data, gradient(img, { border: 'constant' }).gx.data) !== '');
});

api('large images, many bands: the same as small pieces computed alone', () => {
  const img = randomImage(rng(9), 700, 900, 1, Uint8Array);
  const g = gradient(img, { ksize: 5, direction: 'radians' });
  const opts = { padding: 'same', mode: 'correlation', border: 'reflect', method: 'direct' };
  assert.is(firstDiff(g.gy.data, convolve2d(img, kernels.sobel(0, 1, 5), opts).data), '');
  assert.is(firstDiff(g.gx.data, convolve2d(img, kernels.sobel(1, 0, 5), opts).data), '');
  for (const i of [0, 1234, 700 * 450 + 3, 700 * 900 - 1]) {
    const x = g.gx.data[i], y = g.gy.data[i];
    assert.is(g.magnitude.data[i], Math.fround(Math.sqrt(Math.fround(Math.fround(x * x) + Math.fround(y * y)))));
    const a = Math.atan2(y, x);
    assert.ok(Math.abs((a < 0 ? a + 2 * Math.PI : a) - g.direction.data[i]) < 0.006, `angle at ${i}`);
  }
});

api('bad options throw, naming them, and the next call works', () => {
  const img = randomImage(rng(10), 9, 8, 1, Uint8Array);
  const want = gradient(img, { direction: 'degrees' });
  const memory = wasmMemoryBytes();
  const cases = [
    [() => gradient(img, 3), TypeError, /options/],
    [() => gradient(img, { operator: 'prewitt' }), RangeError, /options\.operator/],
    [() => gradient(img, { operator: 1 }), TypeError, /options\.operator/],
    [() => gradient(img, { ksize: 9 }), RangeError, /options\.ksize/],
    [() => gradient(img, { ksize: '3' }), TypeError, /options\.ksize/],
    [() => gradient(img, { operator: 'scharr', ksize: 3 }), RangeError, /options\.ksize/],
    [() => gradient(img, { norm: 'L3' }), RangeError, /options\.norm/],
    [() => gradient(img, { direction: true }), TypeError, /options\.direction/],
    [() => gradient(img, { direction: 'turns' }), RangeError, /options\.direction/],
    [() => gradient(img, { border: 'mirror' }), RangeError, /options\.border/],
    [() => gradient(img, { cval: NaN }), RangeError, /options\.cval/],
    [() => gradient(img, { padding: 1 }), TypeError, /options\.padding/],
    [() => gradient(img, { limitInputPixels: 10 }), RangeError, /limitInputPixels/],
    [() => gradient({ ...img, channels: 5 }), RangeError, /image\.channels/],
  ];
  for (const [fn, Class, pattern] of cases) {
    assertThrows(fn, Class, pattern);
    const again = gradient(img, { direction: 'degrees' });
    assert.equal(again.magnitude.data, want.magnitude.data);
    assert.equal(again.direction.data, want.direction.data);
    assert.is(wasmMemoryBytes(), memory);
  }
});

api('Sobel 3 and Scharr on 8- and 16-bit gray (the one-pass pair) equal the kernels one by one, every border and size', () => {
  const r = rng(11);
  // Widths under 4 take the pair's scalar loop; 1100 rows take several bands; wide columns of
  // 255 / 65535 and 0 make the largest sums; a non-integer cval makes the bank's loops run instead.
  const sizes = [[1, 1], [2, 7], [3, 5], [4, 4], [5, 3], [17, 13], [64, 1100]];
  let cases = 0;
  for (const Type of [Uint8Array, Uint8ClampedArray, Uint16Array, Float32Array]) {
    for (const [w, h] of sizes) {
      const img = randomImage(r, w, h, 1, Type);
      const top = Type === Uint16Array ? 65535 : 255;
      if (w > 8) for (let i = 0; i < img.data.length; i++) if ((i % w) % 7 < 2) img.data[i] = (i % w) % 7 ? top : 0;
      for (const op of [{ ksize: 3 }, { operator: 'scharr' }]) {
        for (const [border, cval] of [['reflect'], ['edge'], ['symmetric'], ['wrap'], ['constant', 0], ['constant', 300], ['constant', -7], ['constant', 2.5]]) {
          const norm = r() < 0.5 ? 'L1' : 'L2';
          const g = gradient(img, { ...op, border, cval, norm, direction: 'radians' });
          const opts = { padding: 'same', mode: 'correlation', border, cval, method: 'direct' };
          const kx = kernels.sobel(1, 0, op.operator ? 'scharr' : 3), ky = kernels.sobel(0, 1, op.operator ? 'scharr' : 3);
          const label = `${Type.name} ${w}×${h} ${JSON.stringify(op)} ${border} ${cval} ${norm}`;
          const gx = convolve2d(img, kx, opts).data, gy = convolve2d(img, ky, opts).data;
          assert.is(firstDiff(g.gx.data, gx), '', `gx ${label}`);
          assert.is(firstDiff(g.gy.data, gy), '', `gy ${label}`);
          const l2 = (x, y) => Math.fround(Math.sqrt(Math.fround(Math.fround(x * x) + Math.fround(y * y))));
          const want = gx.map((v, i) => norm === 'L1' ? Math.abs(v) + Math.abs(gy[i]) : l2(v, gy[i]));
          assert.is(firstDiff(g.magnitude.data, want), '', `magnitude ${label}`);
          for (const i of [0, gx.length >> 1, gx.length - 1]) assert.ok(Math.abs(g.direction.data[i] - (Math.atan2(gy[i], gx[i]) + 2 * Math.PI) % (2 * Math.PI)) < 0.006 || gx[i] === 0 && gy[i] === 0 || Math.abs(g.direction.data[i] - (Math.atan2(gy[i], gx[i]) + 2 * Math.PI) % (2 * Math.PI)) > 6.27, `direction ${label} at ${i}`);
          cases++;
        }
      }
    }
  }
  assert.is(cases, 4 * 7 * 2 * 8);
});

api('options.out: results land in the arrays given (any of them), with the bits of new arrays', () => {
  const r = rng(12);
  for (const [Type, ksize] of [[Uint8Array, 3], [Uint16Array, 5], [Float32Array, 3]]) {
    const img = randomImage(r, 61, 47, 1, Type);
    const want = gradient(img, { ksize, direction: 'degrees' });
    const n = img.data.length;
    const out = { gx: new Float32Array(n).fill(7), gy: new Float32Array(n).fill(7), magnitude: new Float32Array(n).fill(7), direction: new Float32Array(n).fill(7) };
    const got = gradient(img, { ksize, direction: 'degrees', out });
    for (const key of ['gx', 'gy', 'magnitude', 'direction']) {
      assert.ok(got[key].data === out[key], `${key} is the array given`);
      assert.equal(got[key].data, want[key].data, `${Type.name} ${key}`);
    }
    // Some given, the rest new; twice into the same arrays gives the same bits.
    for (const keys of [['gx'], ['gy'], ['magnitude'], ['gy', 'magnitude']]) {
      const some = Object.fromEntries(keys.map((k) => [k, new Float32Array(n)]));
      const again = gradient(img, { ksize, direction: 'degrees', out: some });
      const twice = gradient(img, { ksize, direction: 'degrees', out: some });
      for (const key of ['gx', 'gy', 'magnitude', 'direction']) {
        assert.is(again[key].data === some[key], keys.includes(key), `${keys} ${key}`);
        assert.equal(twice[key].data, want[key].data, `${Type.name} ${keys} ${key}`);
      }
    }
  }
});

api('bad options.out throws, naming the array, and the next call works', () => {
  const img = randomImage(rng(13), 9, 8, 1, Uint8Array);
  const n = 72;
  const want = gradient(img);
  const shared = new Float32Array(2 * n);
  const floatImg = { ...img, data: new Float32Array(n) };
  const cases = [
    [() => gradient(img, { out: 1 }), TypeError, /options\.out\b/],
    [() => gradient(img, { out: { dx: new Float32Array(n) } }), TypeError, /options\.out\.dx/],
    [() => gradient(img, { out: { gx: new Float64Array(n) } }), TypeError, /options\.out\.gx/],
    [() => gradient(img, { out: { gy: new Float32Array(n - 1) } }), RangeError, /options\.out\.gy/],
    [() => gradient(img, { out: { magnitude: [] } }), TypeError, /options\.out\.magnitude/],
    [() => gradient(img, { out: { direction: new Float32Array(n) } }), RangeError, /options\.out\.direction/],
    [() => gradient(img, { out: { gx: shared.subarray(0, n), magnitude: shared.subarray(n - 1, 2 * n - 1) } }), RangeError, /options\.out\.magnitude/],
    [() => gradient(floatImg, { out: { gy: floatImg.data } }), RangeError, /options\.out\.gy/],
  ];
  for (const [fn, Class, pattern] of cases) {
    assertThrows(fn, Class, pattern);
    assert.equal(gradient(img).magnitude.data, want.magnitude.data);
  }
});

api.run();
