import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d } from '../dist/core/index.js';
import { splitRows } from '../dist/internal.js';
import { PIXEL_TYPES, randomImage, randomKernel, rng } from './helpers.mjs';

const split = suite('splitRows: pieces for worker pools');
const BORDERS = ['constant', 'edge', 'reflect', 'symmetric', 'wrap'];

/** Runs each piece on its own and stacks the rows, as a pool would. */
function stacked(image, kernel, options, parts) {
  const { plan, channels, pieces } = splitRows(image, kernel, options, parts);
  const out = new Float32Array(plan.outH * plan.outW * channels);
  for (const p of pieces) {
    const r = convolve2d(p.image, kernel, p.options);
    assert.is(r.height, p.rows);
    assert.is(r.width, plan.outW);
    out.set(r.data, p.row * plan.outW * channels);
  }
  return { pieces, out };
}

split('stacked pieces are bit-identical to one piece, for every option', () => {
  const r = rng(31);
  for (let t = 0; t < 250; t++) {
    const image = randomImage(r, r.int(1, 30), r.int(1, 40), r.int(1, 4), r.pick(PIXEL_TYPES));
    const separable = r() < 0.3;
    const kernel = separable
      ? ((u, v) => u.map((a) => v.map((b) => a * b)))([r() + 1, r() - 2, 3], [r(), 2, r() - 1])
      : randomKernel(r, r.int(1, 5), r.int(1, 4));
    const options = {
      padding: r.pick([0, 'same', 'full', [r.int(0, 9), r.int(0, 3)], { top: r.int(0, 50), bottom: r.int(0, 3) }]),
      stride: [r.int(1, 3), r.int(1, 2)], dilation: [r.int(1, 3), 1],
      border: r.pick(BORDERS), mode: r.pick(['convolution', 'correlation']), cval: r() * 7 - 3,
    };
    let whole;
    try {
      whole = convolve2d(image, kernel, options);
    } catch {
      continue;
    }
    const parts = r.int(2, 5);
    const { pieces, out } = stacked(image, kernel, options, parts);
    assert.ok(pieces.length <= parts);
    for (let i = 0; i < out.length; i++) {
      if (!Object.is(out[i], whole.data[i])) assert.unreachable(`case ${t}: index ${i} ${out[i]} !== ${whole.data[i]} ${JSON.stringify(options)}`);
    }
  }
});

split('never more pieces than output rows; minRows is honoured', () => {
  const image = randomImage(rng(1), 10, 3, 1);
  assert.is(splitRows(image, [[1]], {}, 8).pieces.length, 3);
  assert.is(splitRows(image, [[1]], {}, 8, 2).pieces.length, 1);
  const tall = randomImage(rng(2), 4, 100, 1);
  const { pieces } = splitRows(tall, [[1], [1]], { padding: 'same' }, 3, 10);
  assert.equal(pieces.map((p) => p.rows), [33, 33, 34]);
});

split('checks its arguments like convolve2d', () => {
  assert.throws(() => splitRows({ width: 1, height: 1, channels: 1, data: new Float32Array(1) }, [[1]], { stride: 0 }, 2), (e) => e instanceof RangeError && /options\.stride/.test(e.message));
});

split.run();
