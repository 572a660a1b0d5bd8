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

api.run();
