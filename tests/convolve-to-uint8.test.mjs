import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d, convolveToUint8, kernels, toGrayscale, toUint8 } from '../dist/core/index.js';
import { wasmMemoryBytes } from '../dist/internal.js';
import { PIXEL_TYPES, assertThrows, randomImage, randomKernel, rng } from './helpers.mjs';

const fused = suite('convolveToUint8: the fused 8-bit pipeline');
const BORDERS = ['constant', 'edge', 'reflect', 'symmetric', 'wrap'];

function composed(image, kernel, options = {}) {
  const { grayscale, weights, map, alpha, ...rest } = options;
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
      method: r.pick(['auto', 'direct', 'fft']), alpha: 'convolve',
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

fused('alpha is kept by default: the colours are the composition on the colour channels, alpha the input\'s', () => {
  const r = rng(608);
  for (let t = 0; t < 120; t++) {
    const channels = r.pick([2, 4]);
    const Type = r.pick(PIXEL_TYPES);
    const image = randomImage(r, r.int(1, 30), r.int(1, 20), channels, Type);
    const kernel = randomKernel(r, r.int(1, 5), r.int(1, 5));
    const options = {
      padding: r.pick([0, 1, 'same', 'full', [2, 5]]), border: r.pick(BORDERS), stride: [r.int(1, 3), r.int(1, 3)],
      dilation: r.int(1, 2), mode: r.pick(['convolution', 'correlation']), cval: r.int(0, 300), map: r.pick(['clamp', 'abs', 'normalize']),
    };
    let got;
    try {
      got = convolveToUint8(image, kernel, options);
    } catch (e) {
      assertThrows(() => composed(image, kernel, options), e.constructor, /./);
      continue;
    }
    const C = channels, keep = C - 1, n = image.width * image.height;
    const colours = { ...image, channels: keep, data: new image.data.constructor(n * keep) };
    for (let i = 0; i < n; i++) for (let c = 0; c < keep; c++) colours.data[i * keep + c] = image.data[i * C + c];
    const want = composed(colours, kernel, options);
    assert.is(got.channels, C);
    for (let i = 0; i < want.width * want.height; i++) {
      for (let c = 0; c < keep; c++) if (got.data[i * C + c] !== want.data[i * keep + c]) assert.unreachable(`case ${t}: colour byte ${i}.${c}`);
    }
    // Alpha: the input's at each window's centre, through the border (a one-hot kernel at the centre,
    // in correlation, computes exactly that), scaled to bytes like a pixel of its type.
    const [dy, dx] = [options.dilation, options.dilation];
    const alphaOnly = { ...image, channels: 1, data: new image.data.constructor(n) };
    for (let i = 0; i < n; i++) alphaOnly.data[i] = image.data[i * C + C - 1];
    const sH = dy * (kernel.length - 1), sW = dx * (kernel[0].length - 1);
    const centre = Array.from({ length: sH + 1 }, (_, y) => Array.from({ length: sW + 1 }, (_, x) => (y === Math.floor(sH / 2) && x === Math.floor(sW / 2) ? 1 : 0)));
    const { map: _map, ...geometry } = options;
    const carried = convolve2d(alphaOnly, centre, { ...geometry, dilation: 1, mode: 'correlation', method: 'direct' });
    const scale = Type === Uint16Array ? 1 / 257 : 1;
    const bytes = toUint8({ ...carried, data: carried.data.map((v) => v * scale) }, { map: 'clamp' });
    for (let i = 0; i < bytes.data.length; i++) {
      if (got.data[i * C + C - 1] !== bytes.data[i]) assert.unreachable(`case ${t} ${JSON.stringify(options)}: alpha ${i} is ${got.data[i * C + C - 1]}, expected ${bytes.data[i]}`);
    }
  }
  // The everyday case: an edge kernel on an opaque RGBA photo stays opaque.
  const photo = randomImage(r, 40, 30, 4, Uint8Array);
  for (let i = 3; i < photo.data.length; i += 4) photo.data[i] = 255;
  const edges = convolveToUint8(photo, kernels.edge, { padding: 'same' });
  for (let i = 3; i < edges.data.length; i += 4) if (edges.data[i] !== 255) assert.unreachable(`alpha ${i >> 2} is ${edges.data[i]}`);
  assertThrows(() => convolveToUint8(photo, kernels.edge, { alpha: 'drop' }), RangeError, /options\.alpha/);
  assertThrows(() => convolveToUint8(photo, kernels.edge, { alpha: true }), TypeError, /options\.alpha/);
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
