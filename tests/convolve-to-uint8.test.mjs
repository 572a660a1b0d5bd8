import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d, convolveToUint8, kernels, toGrayscale, toUint8 } from '../dist/core/index.js';
import { wasmMemoryBytes } from '../dist/internal.js';
import { PIXEL_TYPES, assertThrows, randomImage, randomKernel, rng } from './helpers.mjs';

const fused = suite('convolveToUint8: the fused 8-bit pipeline');
const BORDERS = ['constant', 'edge', 'reflect', 'symmetric', 'wrap'];

function composed(image, kernel, options = {}) {
  const { grayscale, weights, map, ...rest } = options;
  const source = grayscale ? toGrayscale(image, weights === undefined ? undefined : { weights }) : image;
  return toUint8(convolve2d(source, kernel, rest), { map });
}

function assertSameBytes(got, want, label) {
  assert.equal([got.width, got.height, got.channels], [want.width, want.height, want.channels], label);
  assert.instance(got.data, Uint8Array);
  for (let i = 0; i < want.data.length; i++) {
    if (got.data[i] !== want.data[i]) assert.unreachable(`${label}: byte ${i} is ${got.data[i]}, composed gives ${want.data[i]}`);
  }
}

fused('equals composing toGrayscale, convolve2d and toUint8, byte for byte', () => {
  const r = rng(606);
  for (let t = 0; t < 250; t++) {
    const Type = t % 3 === 0 ? r.pick(PIXEL_TYPES) : r.pick([Uint8Array, Uint8ClampedArray]);
    const image = randomImage(r, r.int(1, 45), r.int(1, 30), r.int(1, 4), Type);
    const kernel = r() < 0.3 ? r.pick([kernels.edge, kernels.sobelX, kernels.gaussian(1), kernels.emboss]) : randomKernel(r, r.int(1, 6), r.int(1, 6));
    const options = {
      padding: r.pick([0, 1, 'same', 'full', [2, 5]]), border: r.pick(BORDERS), stride: r.int(1, 2),
      mode: r.pick(['convolution', 'correlation']), cval: r.int(-3, 300) / 2,
      grayscale: r() < 0.6, map: r.pick(['clamp', 'abs', 'normalize', undefined]),
      method: r.pick(['auto', 'direct', 'fft']),
    };
    if (r() < 0.2) options.weights = r.pick(['bt601', 'bt709', [0.5, 0.25, 0.25]]);
    let want;
    try {
      want = composed(image, kernel, options);
    } catch (e) {
      assertThrows(() => convolveToUint8(image, kernel, options), e.constructor, /./);
      continue;
    }
    assertSameBytes(convolveToUint8(image, kernel, options), want, `case ${t} ${JSON.stringify(options)}`);
  }
});

fused('large images across bands, with every path', () => {
  const r = rng(607);
  const image = randomImage(r, 700, 450, 4, Uint8Array);
  for (const [kernel, method] of [[kernels.edge, 'auto'], [kernels.gaussian(2), 'auto'], [randomKernel(r, 17, 17), 'auto'], [randomKernel(r, 5, 5), 'direct']]) {
    const options = { grayscale: true, padding: 'same', border: 'reflect', map: 'abs', method };
    assertSameBytes(convolveToUint8(image, kernel, options), composed(image, kernel, options), `${kernel.length}×${kernel.length} ${method}`);
  }
});

fused('bad options are refused and memory stays flat', () => {
  const image = randomImage(rng(1), 8, 8, 3, Uint8Array);
  const before = wasmMemoryBytes();
  assertThrows(() => convolveToUint8(image, kernels.edge, { grayscale: 'yes' }), TypeError, /options\.grayscale/);
  assertThrows(() => convolveToUint8(image, kernels.edge, { map: 'stretch' }), RangeError, /options\.map/);
  assertThrows(() => convolveToUint8(image, kernels.edge, { weights: 'srgb' }), RangeError, /options\.weights/);
  assertThrows(() => convolveToUint8(image, kernels.edge, { out: new Uint8Array(64) }), TypeError, /options\.out/);
  assertThrows(() => convolveToUint8(image, kernels.edge, { stride: 0 }), RangeError, /options\.stride/);
  assertThrows(() => convolveToUint8(image, [[1, 2], [3, 4]], { method: 'separable' }), RangeError, /options\.method/);
  assert.is(wasmMemoryBytes(), before);
  assertSameBytes(convolveToUint8(image, kernels.edge, { grayscale: true }), composed(image, kernels.edge, { grayscale: true }), 'after throws');
});

fused.run();
