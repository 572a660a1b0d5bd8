import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d, toGrayscale } from '../dist/core/index.js';
import { assertThrows, rng } from './helpers.mjs';

const gray = suite('toGrayscale');
const rgb = (values, channels = 3, Type = Uint8Array) =>
  ({ width: values.length / channels, height: 1, channels, data: Type.from(values) });

gray('bt601 on 8-bit uses OpenCV 15-bit fixed point (9798, 19235, 3735)', () => {
  const out = toGrayscale(rgb([255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 1, 7, 255, 255, 255]));
  assert.instance(out.data, Uint8Array);
  assert.is(out.channels, 1);
  // (r·9798 + g·19235 + b·3735 + 2^14) >> 15
  assert.equal(Array.from(out.data), [76, 150, 29, 40, 255]);
  const r = rng(5);
  const px = Array.from({ length: 3000 }, () => r.int(0, 255));
  const got = toGrayscale(rgb(px)).data;
  for (let i = 0; i < 1000; i++) {
    assert.is(got[i], (px[3 * i] * 9798 + px[3 * i + 1] * 19235 + px[3 * i + 2] * 3735 + 16384) >> 15);
  }
});

gray('alpha is ignored; 1 and 2 channels return the gray channel', () => {
  const a = toGrayscale(rgb([10, 20, 30, 0, 10, 20, 30, 255], 4)).data;
  assert.is(a[0], a[1]);
  assert.equal(Array.from(toGrayscale(rgb([5, 200, 7, 100], 2)).data), [5, 7]);
  const one = rgb([1, 2, 3], 1);
  const out = toGrayscale(one);
  assert.equal(Array.from(out.data), [1, 2, 3]);
  assert.is.not(out.data, one.data, 'a copy, never the caller\'s array');
});

gray('keeps the data type; float is not rounded', () => {
  assert.instance(toGrayscale(rgb([1, 2, 3], 3, Uint8ClampedArray)).data, Uint8ClampedArray);
  const u16 = toGrayscale(rgb([65535, 65535, 65535, 1000, 0, 0], 3, Uint16Array));
  assert.instance(u16.data, Uint16Array);
  assert.equal(Array.from(u16.data), [65535, (1000 * 9798 + 16384) >> 15]);
  const f = toGrayscale(rgb([1, 2, 3], 3, Float32Array));
  assert.instance(f.data, Float32Array);
  assert.is(f.data[0], Math.fround(0.299 * 1 + 0.587 * 2 + 0.114 * 3));
});

gray('bt709 and explicit weights', () => {
  const f = toGrayscale(rgb([10, 20, 30], 3, Float32Array), { weights: 'bt709' });
  assert.is(f.data[0], Math.fround(0.2126 * 10 + 0.7152 * 20 + 0.0722 * 30));
  assert.equal(Array.from(toGrayscale(rgb([10, 20, 30]), { weights: [1, 0, 0] }).data), [10]);
  assert.equal(Array.from(toGrayscale(rgb([10, 20, 30]), { weights: [0.5, 0, 0] }).data), [5]);
  // 0.5 · 5 = 2.5 rounds to even; negative results saturate at 0, large ones at 255.
  assert.equal(Array.from(toGrayscale(rgb([5, 0, 0, 7, 0, 0]), { weights: [0.5, 0, 0] }).data), [2, 4]);
  assert.equal(Array.from(toGrayscale(rgb([10, 20, 30, 200, 200, 200]), { weights: [-1, 0, 2] }).data), [50, 200]);
  assert.equal(Array.from(toGrayscale(rgb([200, 0, 0]), { weights: [2, 0, 0] }).data), [255]);
});

gray('a Buffer image gives a plain Uint8Array, with no deprecation warning', async () => {
  const warnings = [];
  const onWarning = (w) => warnings.push(w.code ?? w.name);
  process.on('warning', onWarning);
  const out = toGrayscale({ width: 2, height: 1, channels: 3, data: Buffer.from([10, 20, 30, 40, 50, 60]) });
  await new Promise((resolve) => setTimeout(resolve, 10));
  process.off('warning', onWarning);
  assert.equal(warnings, []);
  assert.is(Object.getPrototypeOf(out.data), Uint8Array.prototype);
});

gray('bad arguments', () => {
  const img = rgb([1, 2, 3]);
  assertThrows(() => toGrayscale(img, { weights: 'srgb' }), RangeError, /options\.weights/);
  assertThrows(() => toGrayscale(img, { weights: [1, 2] }), RangeError, /options\.weights/);
  assertThrows(() => toGrayscale(img, { weights: [1, NaN, 2] }), RangeError, /options\.weights\[1\]/);
  assertThrows(() => toGrayscale(img, { weights: [1, '0', 2] }), TypeError, /options\.weights\[1\]/);
  assertThrows(() => toGrayscale(img, { weights: 601 }), TypeError, /options\.weights/);
  assertThrows(() => toGrayscale(img, { wieghts: 'bt601' }), TypeError, /options\.wieghts/);
  assertThrows(() => toGrayscale(img, 'bt601'), TypeError, /options/);
  assertThrows(() => toGrayscale(img, new Date(0)), TypeError, /options/);
  assertThrows(() => toGrayscale({ ...img, channels: 0 }), RangeError, /image\.channels/);
  assertThrows(() => toGrayscale(undefined), TypeError, /image/);
  assert.equal(Array.from(toGrayscale(img).data), [2]);
  assert.is(convolve2d(toGrayscale(img), [[2]]).data[0], 4);
});

gray.run();
