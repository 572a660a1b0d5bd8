import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d, convolveBank, kernels } from '../dist/core/index.js';
import { checkApart, wasmMemoryBytes } from '../dist/internal.js';
import { PIXEL_TYPES, assertThrows, randomImage, randomKernel, rng } from './helpers.mjs';

/** '' when a and b hold the same bits, else where they first differ. */
function sameBits(a, b) {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `at ${i}: ${a[i]} vs ${b[i]}`;
  return '';
}

const bank = suite('convolveBank equals convolve2d kernel by kernel');

bank('random banks, images, options and paths: bit for bit', () => {
  const r = rng(1414);
  let compared = 0;
  for (let n = 0; n < 160; n++) {
    const big = n % 16 === 0; // several bands
    const width = r.int(1, big ? 1300 : 40), height = r.int(1, big ? 500 : 40);
    const image = randomImage(r, width, height, r.int(1, 4), r.pick(PIXEL_TYPES));
    const bankKernels = Array.from({ length: r.int(1, 4) }, () => {
      const kind = r.int(0, 3);
      if (kind === 0) return kernels.gaussian(r.pick([0.7, 1, 1.6]), r.pick([3, 5, 7]));
      if (kind === 1) return kernels.sobel(r.int(0, 1), 1, r.pick([1, 3, 5]));
      return randomKernel(r, r.int(1, 6), r.int(1, 6));
    });
    const options = {
      padding: r.pick(['same', 'valid', 'full', r.int(0, 3), [r.int(0, 2), r.int(0, 4)]]),
      border: r.pick(['constant', 'edge', 'reflect', 'symmetric', 'wrap']),
      stride: r.chance(0.7) ? 1 : [r.int(1, 3), r.int(1, 3)],
      dilation: r.chance(0.7) ? 1 : r.int(1, 2),
      mode: r.pick(['convolution', 'correlation']),
      method: r.pick(['direct', 'direct', 'auto']),
      cval: r.pick([0, 2.5]),
    };
    let alone;
    try {
      alone = bankKernels.map((k) => convolve2d(image, k, options));
    } catch (error) {
      assertThrows(() => convolveBank(image, bankKernels, options), error.constructor, /./);
      continue;
    }
    const together = convolveBank(image, bankKernels, options);
    assert.is(together.length, bankKernels.length);
    together.forEach((got, i) => {
      const label = `case ${n} kernel ${i} ${width}×${height}×${image.channels} ${image.data.constructor.name} ${JSON.stringify(options)}`;
      assert.is(got.width, alone[i].width, label);
      assert.is(got.height, alone[i].height, label);
      assert.is(got.channels, alone[i].channels, label);
      assert.is(sameBits(got.data, alone[i].data), '', label);
      compared++;
    });
  }
  assert.ok(compared > 250, `${compared} outputs compared`);
});

bank('the FFT path, asked for, is convolve2d\'s too', () => {
  const r = rng(5);
  const image = randomImage(r, 90, 70, 1, Uint8Array);
  const bankKernels = [randomKernel(r, 17, 17), kernels.sobelX, kernels.gaussian(3)];
  for (const method of ['fft', 'auto']) {
    const options = { padding: 'same', border: 'reflect', method };
    const got = convolveBank(image, bankKernels, options);
    bankKernels.forEach((k, i) => assert.is(sameBits(got[i].data, convolve2d(image, k, options).data), '', `${method} ${i}`));
  }
});

bank.run();

const api = suite('convolveBank options');

api('out: one array per kernel, written and returned', () => {
  const r = rng(6);
  const image = randomImage(r, 20, 15, 2, Float32Array);
  const bankKernels = [kernels.sobelX, [[1, 2]]];
  const out = [new Float32Array(20 * 15 * 2), new Float32Array(20 * 15 * 2)];
  const got = convolveBank(image, bankKernels, { padding: 'same', out });
  assert.is(got[0].data, out[0]);
  assert.is(got[1].data, out[1]);
  assert.is(sameBits(out[1], convolve2d(image, [[1, 2]], { padding: 'same' }).data), '');
});

api('bad arguments throw, naming them, and the next call works', () => {
  const r = rng(7);
  const image = randomImage(r, 12, 9, 1, Uint8Array);
  const good = [kernels.sobelX, kernels.sobelY];
  const want = convolveBank(image, good, { padding: 'same' });
  const memory = wasmMemoryBytes();
  const length = 12 * 9;
  const shared = new Float32Array(2 * length);
  const cases = [
    [() => convolveBank(image, kernels.sobelX.flat()), TypeError, /kernels\[0\]/],
    [() => convolveBank(image, 'sobel'), TypeError, /kernels/],
    [() => convolveBank(image, []), RangeError, /kernels/],
    [() => convolveBank(image, [kernels.sobelX, [[1, NaN]]]), RangeError, /kernels\[1\]\[0\]\[1\]/],
    [() => convolveBank(image, [kernels.sobelX, 'x']), TypeError, /kernels\[1\]/],
    [() => convolveBank(image, good, { stride: 0 }), RangeError, /options\.stride/],
    [() => convolveBank(image, good, { threads: 2 }), TypeError, /options\.threads/],
    [() => convolveBank(image, good, { padding: 'same', out: new Float32Array(length) }), TypeError, /options\.out/],
    [() => convolveBank(image, good, { padding: 'same', out: [new Float32Array(length)] }), RangeError, /options\.out/],
    [() => convolveBank(image, good, { padding: 'same', out: [new Float32Array(length), new Float32Array(3)] }), RangeError, /options\.out\[1\]/],
    [() => convolveBank(image, good, { padding: 'same', out: [new Float32Array(length), []] }), TypeError, /options\.out\[1\]/],
    [() => convolveBank(image, good, { padding: 'same', out: [shared.subarray(0, length), shared.subarray(length / 2, length * 1.5)] }), RangeError, /options\.out\[1\]/],
  ];
  for (const [fn, Class, pattern] of cases) {
    assertThrows(fn, Class, pattern);
    const again = convolveBank(image, good, { padding: 'same' });
    again.forEach((g, i) => assert.is(sameBits(g.data, want[i].data), ''));
    assert.is(wasmMemoryBytes(), memory);
  }
});

api('a bank of 150,000 kernels (more than Math.max(...list) can take as arguments)', () => {
  const r = rng(150000);
  const image = randomImage(r, 5, 4, 1);
  const bank = Array.from({ length: 150000 }, (_, i) => [[1 + (i % 7)], [i % 3 === 0 ? 2 : 0.5]]);
  const got = convolveBank(image, bank, { padding: 'same', border: 'reflect' });
  assert.is(got.length, bank.length);
  for (const i of [0, 1, 2, 77777, 149999]) {
    assert.is(sameBits(got[i].data, convolve2d(image, bank[i], { padding: 'same', border: 'reflect', method: 'direct' }).data), '', `kernel ${i}`);
  }
});

api('checkApart finds an overlap exactly when some pair overlaps (against every pair, random layouts)', () => {
  const r = rng(4242);
  for (let round = 0; round < 400; round++) {
    const buffers = Array.from({ length: r.int(1, 3) }, () => new ArrayBuffer(256));
    const arrays = Array.from({ length: r.int(1, 9) }, () => {
      const start = r.int(0, 60);
      return new Float32Array(r.pick(buffers), start * 4, r.int(1, 64 - start));
    });
    const names = arrays.map((_, i) => `out[${i}]`);
    let pair;
    for (let j = 1; j < arrays.length && !pair; j++) {
      for (let i = 0; i < j && !pair; i++) {
        const [a, b] = [arrays[i], arrays[j]];
        if (a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength) pair = [i, j];
      }
    }
    let error;
    try { checkApart(arrays, names); } catch (e) { error = e; }
    assert.is(error !== undefined, pair !== undefined, `round ${round}`);
    if (error) {
      assert.ok(error instanceof RangeError);
      // The message names two arrays that do overlap.
      const [, one, other] = /^Expected an array that does not overlap out\[(\d+)\] for out\[(\d+)\]/.exec(error.message);
      const [a, b] = [arrays[+one], arrays[+other]];
      assert.ok(one !== other && a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength, error.message);
    }
  }
});

api.run();
