import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d, convolve2dAsync, kernels } from '../dist/node/index.js';
import { assertRejects, randomImage, rng } from './helpers.mjs';

const as = suite('convolve2dAsync (worker thread)');

as('gives exactly the synchronous result', async () => {
  const r = rng(11);
  for (const [options, kernel] of [
    [{ padding: 'same', border: 'reflect' }, kernels.sobelX],
    [{ padding: 3, stride: [2, 1], dilation: 2, mode: 'correlation', border: 'wrap' }, kernels.gaussian(1)],
    [undefined, { width: 2, height: 3, data: Float64Array.from([1, 2, 3, 4, 5, 6]) }],
  ]) {
    const image = randomImage(r, 50, 37, 3, Uint16Array);
    const got = await convolve2dAsync(image, kernel, options);
    const want = convolve2d(image, kernel, options);
    assert.equal([got.width, got.height, got.channels], [want.width, want.height, want.channels]);
    assert.instance(got.data, Float32Array);
    assert.equal(Array.from(got.data), Array.from(want.data));
  }
});

as('many concurrent calls each get their own answer', async () => {
  const r = rng(12);
  const images = Array.from({ length: 40 }, () => randomImage(r, 17, 9, 1, Float32Array));
  const outs = await Promise.all(images.map((img) => convolve2dAsync(img, kernels.laplacian, { padding: 1 })));
  outs.forEach((out, i) => assert.equal(Array.from(out.data), Array.from(convolve2d(images[i], kernels.laplacian, { padding: 1 }).data)));
});

as('does not detach or modify the caller\'s arrays', async () => {
  const image = randomImage(rng(13), 8, 8, 1, Float32Array);
  const copy = Float32Array.from(image.data);
  await convolve2dAsync(image, kernels.box(3));
  assert.is(image.data.length, 64);
  assert.equal(Array.from(image.data), Array.from(copy));
});

as('bad arguments reject with the synchronous error classes, and later calls work', async () => {
  const image = randomImage(rng(14), 4, 4, 1, Uint8Array);
  await assertRejects(() => convolve2dAsync(image, [[1, NaN]]), RangeError, /kernel\[0\]\[1\]/);
  await assertRejects(() => convolve2dAsync(image, [[1]], { stride: '1' }), TypeError, /options\.stride/);
  await assertRejects(() => convolve2dAsync({ ...image, width: -1 }, [[1]]), RangeError, /image\.width/);
  await assertRejects(() => convolve2dAsync(image, [[1, 1, 1, 1, 1]]), RangeError, /larger than the padded image/);
  const out = await convolve2dAsync(image, [[2]]);
  assert.equal(Array.from(out.data), Array.from(image.data, (v) => 2 * v));
});

as('options.out receives the result', async () => {
  const image = randomImage(rng(15), 12, 7, 1, Float32Array);
  const out = new Float32Array(12 * 7);
  const result = await convolve2dAsync(image, kernels.laplacian, { padding: 'same', out });
  assert.is(result.data, out);
  assert.equal(Array.from(out), Array.from(convolve2d(image, kernels.laplacian, { padding: 'same' }).data));
  await assertRejects(() => convolve2dAsync(image, kernels.laplacian, { out: new Float32Array(3) }), RangeError, /options\.out/);
});

as.run();
