// convolveFiles with batch.edges: Canny or the gradient magnitude of each image, checked like the
// other batch options (TypeError / RangeError naming batch.edges...).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canny, convolveFiles, decodePng, encodePng, gradient, kernels, toGrayscale, toUint8 } from '../dist/node/index.js';
import { randomImage, rng } from './helpers.mjs';

const batch = suite('convolveFiles batch.edges');
let dir;
batch.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'conv2d-batch-edges-'));
  writeFileSync(join(dir, 'p.png'), encodePng(randomImage(rng(4), 40, 30, 3, Uint8Array)));
});
batch.after(() => rmSync(dir, { recursive: true, force: true }));

const gray = (file) => toGrayscale(decodePng(readFileSync(join(dir, file))));

batch('canny and gradient outputs', async () => {
  let report = await convolveFiles([join(dir, 'p.png')], kernels.edge, undefined,
    { suffix: '-canny', edges: { canny: { low: 200, high: 400, ksize: 3 } } });
  assert.is(report.totals.written, 1);
  assert.equal(gray('p-canny.png').data, canny(gray('p.png'), { low: 200, high: 400 }).data);
  report = await convolveFiles([join(dir, 'p.png')], kernels.edge, undefined,
    { suffix: '-grad', map: 'normalize', edges: { gradient: { operator: 'scharr', norm: 'L1' } } });
  assert.is(report.totals.written, 1);
  const want = toUint8(gradient(gray('p.png'), { operator: 'scharr', norm: 'L1' }).magnitude, { map: 'normalize' });
  assert.equal(gray('p-grad.png').data, want.data);
});

batch('bad edges are refused before any file is touched, naming the option', async () => {
  const input = [join(dir, 'p.png')];
  const cases = [
    [{ edges: 'canny' }, TypeError, /batch\.edges/],
    [{ edges: {} }, TypeError, /batch\.edges/],
    [{ edges: { canny: { low: 1, high: 2 }, gradient: {} } }, TypeError, /batch\.edges/],
    [{ edges: { sobel: {} } }, TypeError, /batch\.edges\.sobel/],
    [{ edges: { canny: { high: 2 } } }, TypeError, /batch\.edges\.canny\.low/],
    [{ edges: { canny: { low: 1, high: 2, ksize: 9 } } }, RangeError, /batch\.edges\.canny\.ksize/],
    [{ edges: { gradient: { norm: 'L3' } } }, RangeError, /batch\.edges\.gradient\.norm/],
    [{ edges: { gradient: { direction: 'degrees' } } }, TypeError, /batch\.edges\.gradient\.direction/],
    [{ edges: { canny: { low: 1, high: 2 } }, color: true }, RangeError, /batch\.color/],
  ];
  for (const [options, Class, pattern] of cases) {
    let error;
    try {
      await convolveFiles(input, kernels.edge, undefined, { suffix: '-x', ...options });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof Class, `${JSON.stringify(options)}: ${error}`);
    assert.match(error.message, pattern);
  }
});

batch.run();
