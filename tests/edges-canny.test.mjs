import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canny, kernels, toGrayscale } from '../dist/core/index.js';
import { referenceCanny, wasmMemoryBytes } from '../dist/internal.js';
import { edgeDiff, edgeFixtures, fixtureImage, unpackEdges } from './edge-fixtures.mjs';
import { assertThrows, randomImage, rng } from './helpers.mjs';

const fixtures = suite('canny against cv2.Canny (python3-opencv 4.6 fixtures)');

fixtures('every case, every ksize and norm, bit for bit (WASM and the TS reference)', () => {
  assert.ok(edgeFixtures.canny.length >= 300, 'the fixture file has its cases');
  const kinds = new Set();
  for (const c of edgeFixtures.canny) {
    const image = fixtureImage(c.image);
    const want = unpackEdges(c.edges, image.width * image.height);
    const options = { low: c.low, high: c.high, ksize: c.ksize, L2gradient: c.L2gradient };
    const label = `${c.image} ${JSON.stringify(options)}`;
    const got = canny(image, options);
    assert.is(got.width, image.width);
    assert.is(got.height, image.height);
    assert.is(got.channels, 1);
    assert.instance(got.data, Uint8Array);
    assert.is(edgeDiff(got.data, want, image.width), '', label);
    assert.is(edgeDiff(referenceCanny(image.data, image.width, image.height, options), want, image.width), '', `reference ${label}`);
    kinds.add(`${c.ksize}${c.L2gradient}`);
  }
  assert.is(kinds.size, 6);
});

fixtures('the fixtures are not trivial: photos have edges, high thresholds give none', () => {
  const photo = edgeFixtures.canny.filter((c) => c.image === 'photo-face' && c.low === 50 && c.high === 150);
  for (const c of photo) assert.ok(c.count > 100, `${c.ksize} ${c.L2gradient}: ${c.count} edge pixels`);
  for (const c of edgeFixtures.canny.filter((c) => c.high === 1e6 && c.ksize === 3 && !c.L2gradient)) assert.is(c.count, 0, c.image);
});

fixtures.run();

// opencv.js is a benchmark dependency only (bench/package.json); the random oracle here is the TS
// transcription, itself checked against every python3-opencv fixture above.
const oracle = suite('canny against the TS reference on random images');

oracle('random sizes, contents, thresholds, ksizes and norms', () => {
  const r = rng(14);
  for (let n = 0; n < 120; n++) {
    const width = r.int(1, 70), height = r.int(1, 70);
    const image = randomImage(r, width, height, 1, Uint8Array);
    if (r.chance(0.5)) {
      // Smooth it (a 5×5 box in integers) so edges are long and thresholds matter.
      const d = image.data, s = new Uint8Array(d.length);
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
        let sum = 0, count = 0;
        for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) {
          const yy = y + i, xx = x + j;
          if (yy >= 0 && yy < height && xx >= 0 && xx < width) { sum += d[yy * width + xx]; count++; }
        }
        s[y * width + x] = Math.round(sum / count);
      }
      image.data = s;
    }
    const ksize = r.pick([3, 5, 7]);
    const L2gradient = r.chance(0.5);
    const scale = (ksize === 7 ? 16 : 1) * (ksize === 3 ? 1 : 8);
    const options = { low: Math.round(r() * 200 * scale) / (r.chance(0.3) ? 4 : 1), high: Math.round(r() * 400 * scale), ksize, L2gradient };
    const want = referenceCanny(image.data, width, height, options);
    assert.is(edgeDiff(canny(image, options).data, want, width), '', `${width}×${height} ${JSON.stringify(options)}`);
  }
});

oracle.run();

const api = suite('canny API');

api('color images go through toGrayscale; Uint8ClampedArray works', () => {
  const r = rng(3);
  const rgb = randomImage(r, 31, 23, 3, Uint8Array);
  const options = { low: 40, high: 120 };
  assert.equal(canny(rgb, options).data, canny(toGrayscale(rgb), options).data);
  const gray = toGrayscale(rgb);
  const clamped = { ...gray, data: new Uint8ClampedArray(gray.data) };
  assert.equal(canny(clamped, options).data, canny(gray, options).data);
});

api('a low threshold above the high one is swapped, as OpenCV does', () => {
  const image = fixtureImage('photo-face');
  assert.equal(canny(image, { low: 150, high: 50 }).data, canny(image, { low: 50, high: 150 }).data);
});

api('the input is left unchanged', () => {
  const image = fixtureImage('noise');
  const copy = image.data.slice();
  canny(image, { low: 10, high: 20 });
  assert.equal(image.data, copy);
});

api('options.out: the map lands in the array given, the bits of a new one, on gray and color images', () => {
  const r = rng(5);
  for (const [w, h, channels] of [[37, 29, 1], [16, 16, 3], [1, 9, 4]]) {
    const image = randomImage(r, w, h, channels, Uint8Array);
    const options = { low: 30, high: 90, ksize: r.pick([3, 5, 7]) };
    const want = canny(image, options).data;
    const out = new Uint8Array(w * h).fill(77);
    for (let k = 0; k < 2; k++) { // twice into the same array: nothing of the first call stays
      const got = canny(image, { ...options, out });
      assert.ok(got.data === out, 'the array given is returned');
      assert.equal(out, want, `${w}×${h}×${channels}`);
    }
  }
});

api('bad arguments throw, naming them, and the next call works', () => {
  const image = fixtureImage('blurred');
  const want = canny(image, { low: 20, high: 60, ksize: 5 }).data;
  const n = image.data.length;
  const shared = new Uint8Array(2 * n); // an out that overlaps the image's last byte
  shared.set(image.data);
  const memory = wasmMemoryBytes();
  const cases = [
    [() => canny(image), TypeError, /options/],
    [() => canny(image, { high: 10 }), TypeError, /options\.low/],
    [() => canny(image, { low: 10 }), TypeError, /options\.high/],
    [() => canny(image, { low: '10', high: 20 }), TypeError, /options\.low/],
    [() => canny(image, { low: NaN, high: 20 }), RangeError, /options\.low/],
    [() => canny(image, { low: 1, high: Infinity }), RangeError, /options\.high/],
    [() => canny(image, { low: 1, high: 2 ** 31 }), RangeError, /options\.high/],
    [() => canny(image, { low: 1, high: 2, ksize: 4 }), RangeError, /options\.ksize/],
    [() => canny(image, { low: 1, high: 2, ksize: 1 }), RangeError, /options\.ksize/],
    [() => canny(image, { low: 1, high: 2, ksize: '3' }), TypeError, /options\.ksize/],
    [() => canny(image, { low: 1, high: 2, L2gradient: 1 }), TypeError, /options\.L2gradient/],
    [() => canny(image, { low: 1, high: 2, sigma: 1 }), TypeError, /options\.sigma/],
    [() => canny(image, { low: 1, high: 2, limitInputPixels: 100 }), RangeError, /limitInputPixels/],
    [() => canny({ ...image, data: new Float32Array(image.data) }, { low: 1, high: 2 }), TypeError, /image\.data/],
    [() => canny({ ...image, data: new Uint16Array(image.data) }, { low: 1, high: 2 }), TypeError, /image\.data/],
    [() => canny({ ...image, width: 0 }, { low: 1, high: 2 }), RangeError, /image\.width/],
    [() => canny(image, { low: 1, high: 2, out: new Float32Array(image.data.length) }), TypeError, /options\.out/],
    [() => canny(image, { low: 1, high: 2, out: [] }), TypeError, /options\.out/],
    [() => canny(image, { low: 1, high: 2, out: new Uint8Array(image.data.length - 1) }), RangeError, /options\.out/],
    [() => canny(image, { low: 1, high: 2, out: image.data }), RangeError, /options\.out/],
    [() => canny({ ...image, data: shared.subarray(0, n) }, { low: 1, high: 2, out: shared.subarray(n - 1, 2 * n - 1) }), RangeError, /options\.out/],
  ];
  for (const [fn, Class, pattern] of cases) {
    assertThrows(fn, Class, pattern);
    assert.equal(canny(image, { low: 20, high: 60, ksize: 5 }).data, want);
    assert.is(wasmMemoryBytes(), memory);
  }
});

api.run();

const deriv = suite('kernels.sobel against cv2.getDerivKernels');

deriv('every ksize and order in the fixtures, as correlation matrices', () => {
  assert.ok(edgeFixtures.deriv.length > 20);
  for (const c of edgeFixtures.deriv) {
    const ksize = c.ksize === -1 ? 'scharr' : c.ksize;
    assert.equal(kernels.sobel(c.dx, c.dy, ksize), c.matrix, `${c.dx} ${c.dy} ${c.ksize}`);
    if (c.ksize === -1) assert.equal(kernels.sobel(c.dx, c.dy, -1), c.matrix);
  }
});

deriv('ksize 1 is 1×3 or 3×1, the default is 3, Sobel 3 is sobelX', () => {
  assert.equal(kernels.sobel(1, 0, 1), [[-1, 0, 1]]);
  assert.equal(kernels.sobel(0, 1, 1), [[-1], [0], [1]]);
  assert.equal(kernels.sobel(1, 0), kernels.sobelX);
  assert.equal(kernels.sobel(0, 1, 'scharr'), kernels.scharrY);
});

deriv('bad orders and sizes', () => {
  assertThrows(() => kernels.sobel(0, 0), RangeError, /dx/);
  assertThrows(() => kernels.sobel(1, 0, 4), RangeError, /ksize/);
  assertThrows(() => kernels.sobel(1, 0, 33), RangeError, /ksize/);
  assertThrows(() => kernels.sobel(1, 0, '3'), TypeError, /ksize/);
  assertThrows(() => kernels.sobel(-1, 1), RangeError, /dx/);
  assertThrows(() => kernels.sobel(1.5, 0), RangeError, /dx/);
  assertThrows(() => kernels.sobel(1, 'a'), TypeError, /dy/);
  assertThrows(() => kernels.sobel(3, 0, 3), RangeError, /dx/);
  assertThrows(() => kernels.sobel(1, 1, 'scharr'), RangeError, /dx/);
  assert.equal(kernels.sobel(2, 0, 1), [[1, -2, 1]]);
});

deriv.run();
