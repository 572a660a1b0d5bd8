// A large image is convolved in horizontal strips (bands of output rows), so WebAssembly memory
// stays bounded; these tests check that strips change no bits, in two steps:
// 1. The premise, without relying on how bands are sized: each image is convolved on a fresh
//    WebAssembly instance (in its own worker thread), whose linear memory ends up smaller than a
//    third of what one piece needs (its output plus one padded input plane). So the work was done
//    in at least three strips.
// 2. The result, against a one-piece evaluation in JS that knows nothing of strips: the formula in
//    float32, taps in order, which the WASM loops match bit for bit. It is evaluated for every
//    output row (strip edges are between rows) at a sample of columns, to stay fast.
import { Worker } from 'node:worker_threads';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { kernels } from '../dist/node/index.js';
import { orientedKernel, planConvolution } from '../dist/internal.js';
import { checkKernel } from '../dist/internal.js';
import { factorize } from '../dist/internal.js';
import { borderIndexFor, randomImage, randomKernel, rng } from './helpers.mjs';

const DIST = new URL('../dist/', import.meta.url).href;

/** convolve2d on a fresh WebAssembly instance; resolves to its result and the memory it grew to. */
function convolveFresh(image, kernel, options) {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    Promise.all([import(workerData.dist + 'node/index.js'), import(workerData.dist + 'internal.js')]).then(([lib, wasm]) => {
      const out = lib.convolve2d(workerData.image, workerData.kernel, workerData.options);
      parentPort.postMessage({ out, memory: wasm.wasmMemoryBytes() }, [out.data.buffer]);
    });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { dist: DIST, image, kernel, options } });
    worker.once('message', (msg) => { resolve(msg); void worker.terminate(); });
    worker.once('error', reject);
  });
}

/** Bytes one piece would need in linear memory: the whole output and one padded input plane. */
function onePieceBytes(image, plan) {
  const padH = image.height + plan.top + plan.bottom, padW = image.width + plan.left + plan.right;
  return plan.outH * plan.outW * image.channels * 4 + padH * padW * 4;
}

/** Every output row's value at column `j`, channel `c`, from one-piece float32 sums in tap order. */
function expectedColumn(image, kernel, options, j, c, separable) {
  const plan = planConvolution(options, image.height, image.width, kernel.length, kernel[0].length);
  const { width: W, height: H, channels: C, data } = image;
  const k = checkKernel(kernel);
  const fr = Math.fround;
  const cval = fr(plan.cval);
  const border = plan.border;
  const P = (y, x) => {
    const sy = borderIndexFor(y - plan.top, H, border), sx = borderIndexFor(x - plan.left, W, border);
    return sy < 0 || sx < 0 ? cval : fr(data[(sy * W + sx) * C + c]);
  };
  const out = new Float32Array(plan.outH);
  if (!separable) {
    const taps = orientedKernel(k.data, plan.correlation);
    for (let i = 0; i < plan.outH; i++) {
      let s = 0;
      for (let m = 0; m < k.height; m++) {
        for (let n = 0; n < k.width; n++) s = fr(s + fr(taps[m * k.width + n] * P(i * plan.sy + m * plan.dy, j * plan.sx + n * plan.dx)));
      }
      out[i] = s;
    }
    return out;
  }
  // Two passes, as the separable path runs them: down each padded column with the column factor
  // (stride sy, dilation dy), then along the row with the row factor (stride sx, dilation dx).
  const { column, row } = factorize(k);
  const down = orientedKernel(column, plan.correlation), across = orientedKernel(row, plan.correlation);
  for (let i = 0; i < plan.outH; i++) {
    let s = 0;
    for (let n = 0; n < k.width; n++) {
      const x = j * plan.sx + n * plan.dx;
      let t = 0;
      for (let m = 0; m < k.height; m++) t = fr(t + fr(down[m] * P(i * plan.sy + m * plan.dy, x)));
      s = fr(s + fr(across[n] * t));
    }
    out[i] = s;
  }
  return out;
}

/** Columns to check: both edges (where borders matter), and a spread across the middle. */
function sampleColumns(outW) {
  const cols = new Set();
  for (let j = 0; j < Math.min(6, outW); j++) cols.add(j).add(outW - 1 - j);
  for (let j = 0; j < outW; j += 97) cols.add(j);
  return [...cols].sort((a, b) => a - b);
}

async function check(image, kernel, options, { separable = false } = {}) {
  const plan = planConvolution(options, image.height, image.width, kernel.length, kernel[0].length);
  const { out, memory } = await convolveFresh(image, kernel, options);
  const need = onePieceBytes(image, plan);
  assert.ok(memory * 3 <= need, `premise: ${memory} bytes of linear memory for a job that needs ${need} in one piece`);
  assert.is(out.height, plan.outH);
  assert.is(out.width, plan.outW);
  const C = image.channels;
  for (const j of sampleColumns(plan.outW)) {
    for (let c = 0; c < C; c++) {
      const want = expectedColumn(image, kernel, options, j, c, separable);
      for (let i = 0; i < plan.outH; i++) {
        const got = out.data[(i * plan.outW + j) * C + c];
        if (!Object.is(got, want[i])) {
          assert.unreachable(`output (${j}, ${i}) channel ${c}: strips give ${got}, one piece ${want[i]} (${JSON.stringify(options)})`);
        }
      }
    }
  }
}

const strips = suite('convolve2d in strips equals one piece');

strips('direct path: grayscale Uint8, "same" padding, reflect borders', async () => {
  const r = rng(41);
  await check(randomImage(r, 3000, 1500, 1, Uint8Array), randomKernel(r, 3, 3), { padding: 'same', border: 'reflect', method: 'direct' });
});

strips('direct path: RGB, stride, dilation, "full" padding, wrap (halos cross strip edges)', async () => {
  const r = rng(42);
  const options = { padding: 'full', stride: 2, dilation: [3, 1], border: 'wrap', mode: 'correlation', method: 'direct' };
  await check(randomImage(r, 1600, 1200, 3, Uint8Array), randomKernel(r, 5, 4), options);
});

strips('two-pass path: Gaussian 7×7 on Float32, constant border with cval', async () => {
  const r = rng(43);
  const options = { padding: 'same', border: 'constant', cval: 3.25, method: 'separable' };
  await check(randomImage(r, 2000, 1500, 1, Float32Array), kernels.gaussian(1.5, 7), options, { separable: true });
});

strips.run();
