import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d, kernels } from '../dist/core/index.js';
import { assertThrows } from './helpers.mjs';

const k = suite('kernels');

k('fixed kernels are the textbook matrices, frozen', () => {
  assert.equal(kernels.edge, [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]);
  assert.equal(kernels.sobelX, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]);
  assert.equal(kernels.sobelY, [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]);
  assert.equal(kernels.scharrX, [[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]]);
  assert.equal(kernels.scharrY, [[-3, -10, -3], [0, 0, 0], [3, 10, 3]]);
  assert.equal(kernels.prewittY, [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]);
  assert.equal(kernels.laplacian, [[0, 1, 0], [1, -4, 1], [0, 1, 0]]);
  assert.equal(kernels.identity, [[0, 0, 0], [0, 1, 0], [0, 0, 0]]);
  assert.ok(Object.isFrozen(kernels.edge) && Object.isFrozen(kernels.edge[0]));
  assert.throws(() => { 'use strict'; kernels.edge[0][0] = 5; });
  assert.is(kernels.edge[0][0], -1);
});

k('sobelX under correlation rises with brightness to the right', () => {
  const ramp = { width: 3, height: 3, channels: 1, data: Float32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2]) };
  assert.is(convolve2d(ramp, kernels.sobelX, { mode: 'correlation' }).data[0], 8);
  assert.is(convolve2d(ramp, kernels.sobelX).data[0], -8);
});

k('box and gaussian', () => {
  assert.equal(kernels.box(2), [[0.25, 0.25], [0.25, 0.25]]);
  const g = kernels.gaussian(1);
  assert.is(g.length, 9);
  const sum = g.flat().reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-12);
  assert.ok(Math.abs(g[4][4] - g[4][3] * Math.exp(0.5)) < 1e-12, 'centre / neighbour = e^(1/2σ²)');
  assert.is(kernels.gaussian(2, 5).length, 5);
  assert.is(kernels.gaussian(0.5).length, 5); // 2·floor(2.5) + 1
  // The outer product of OpenCV's cv2.getGaussianKernel(7, 1.3) (printed by python3-opencv 4.6).
  const cv = [0.02153191, 0.09452136, 0.22961404, 0.30866539, 0.22961404, 0.09452136, 0.02153191];
  const g7 = kernels.gaussian(1.3, 7);
  for (let y = 0; y < 7; y++) for (let x = 0; x < 7; x++) assert.ok(Math.abs(g7[y][x] - cv[y] * cv[x]) < 1e-8, `(${x}, ${y})`);
});

k('bad parameters', () => {
  assertThrows(() => kernels.box(0), RangeError, /size/);
  assertThrows(() => kernels.box('3'), TypeError, /size/);
  assertThrows(() => kernels.gaussian(0), RangeError, /sigma/);
  assertThrows(() => kernels.gaussian(NaN), RangeError, /sigma/);
  assertThrows(() => kernels.gaussian(1, 2.5), RangeError, /size/);
  assert.is(kernels.box(3).length, 3);
});

k.run();
