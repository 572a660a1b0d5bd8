// Soak and concurrency: 100,000 small calls with WASM memory and RSS flat; 1,000 concurrent
// convolve2dAsync calls; workers killed while calls are queued; two copies of the library in one
// process. (The single-worker death case is in convolve2d-async.test.mjs.)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pathToFileURL } from 'node:url';
import { convolve2d, convolve2dAsync, decodePng, encodePng, kernels, toGrayscale, toUint8 } from '../dist/node/index.js';
import { poolWorkers } from '../dist/internal.js';
import { wasmMemoryBytes } from '../dist/internal.js';
import { assertMatchesReference, randomImage, randomKernel, rng } from './helpers.mjs';

// A real gc() makes RSS readings comparable (the flag only has to be set before the context exists).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const rssMB = () => {
  gc();
  return process.memoryUsage().rss / 2 ** 20;
};

const list = (x) => Array.from(x.data);
const BORDERS = ['constant', 'edge', 'reflect', 'symmetric', 'wrap'];

// ---------------------------------------------------------------------------------------------
const soak = suite('soak: 100,000 small synchronous calls');

soak('WASM memory and RSS stay flat; every 1,000th result is checked', () => {
  const r = rng(100000);
  const images = Array.from({ length: 16 }, (_, i) => randomImage(r, r.int(1, 24), r.int(1, 24), r.int(1, 4), [Uint8Array, Uint16Array, Float32Array][i % 3]));
  const kernelList = [kernels.sobelX, kernels.gaussian(1), kernels.box(3), [[1, -2.5]], randomKernel(r, 4, 2), [[0.5]]];
  const optionList = [
    { padding: 'same', border: 'reflect' }, { padding: 1, stride: 2 }, {}, { padding: 'full', mode: 'correlation', border: 'wrap' },
    { padding: [2, 0], dilation: [1, 2], border: 'symmetric' }, { padding: 3, border: 'edge', cval: 4 }, { padding: 'same', method: 'direct' },
  ];
  const png = encodePng(toUint8(images[0]));
  const N = 100000;
  // Warm up to the largest band, then record.
  for (let i = 0; i < 2000; i++) callNumber(i);
  const memory = wasmMemoryBytes();
  const rss = [rssMB()];
  let checked = 0;
  for (let i = 0; i < N; i++) {
    const result = callNumber(i);
    if (i % 1000 === 0 && result) {
      const { image, kernel, options } = result;
      assertMatchesReference(result.out, image, kernel, options, `call ${i}`);
      checked++;
    }
    if ((i + 1) % (N / 2) === 0) rss.push(rssMB());
  }
  assert.is(wasmMemoryBytes(), memory, 'WASM memory grew');
  const [start, middle, end] = rss;
  // A leak of even 100 bytes a call would add 5 MB over a half; allow noise, catch growth.
  assert.ok(end - middle < 24, `RSS grew ${(end - middle).toFixed(1)} MB over the second half (first half: ${(middle - start).toFixed(1)} MB; ${rss.map((m) => m.toFixed(0)).join(' → ')} MB)`);
  assert.ok(checked >= 60, `only ${checked} results checked`);

  /** Call number i: mostly convolutions, some PNG and pixel calls, and every 10th one a throw. */
  function callNumber(i) {
    const image = images[i % images.length];
    const kernel = kernelList[i % kernelList.length];
    const options = optionList[i % optionList.length];
    if (i % 10 === 9) {
      try {
        convolve2d(image, kernel, { ...options, stride: [1, i % 2 ? 0 : NaN] });
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        return undefined;
      }
      throw new Error('a bad stride was accepted');
    }
    if (i % 50 === 3) {
      decodePng(png);
      return undefined;
    }
    if (i % 50 === 7) {
      toUint8(toGrayscale(image), { map: 'normalize' });
      return undefined;
    }
    try {
      return { out: convolve2d(image, kernel, options), image, kernel, options };
    } catch (e) {
      if (!/larger than the padded image/.test(e.message)) throw e;
      return undefined;
    }
  }
});

soak.run();

// ---------------------------------------------------------------------------------------------
const many = suite('convolve2dAsync under load');

many('1,000 concurrent calls all resolve, each to its own correct answer', async () => {
  const r = rng(1000);
  const calls = Array.from({ length: 1000 }, (_, i) => {
    const image = randomImage(r, r.int(1, 40), r.int(1, 30), r.int(1, 4), [Uint8Array, Uint16Array, Float32Array][i % 3]);
    const kernel = randomKernel(r, r.int(1, 5), r.int(1, 5));
    const options = { padding: 'same', border: BORDERS[i % 5], stride: 1 + (i % 3), mode: i % 2 ? 'correlation' : 'convolution', threads: 1 + (i % 2) };
    return { image, kernel, options };
  });
  const results = await Promise.all(calls.map(({ image, kernel, options }) => convolve2dAsync(image, kernel, options)));
  results.forEach((got, i) => {
    const { image, kernel, options } = calls[i];
    const { threads, ...rest } = options;
    // Bit-identical to the synchronous call, which is itself checked against the reference.
    assert.equal(list(got), list(convolve2d(image, kernel, rest)), `call ${i}`);
    if (i % 50 === 0) assertMatchesReference(got, image, kernel, rest, `call ${i}`);
  });
});

many('workers killed while calls are queued: only their running calls reject, the queue drains on replacements', async () => {
  const r = rng(2000);
  const big = randomImage(r, 1000, 700, 1, Float32Array);
  // Direct path on purpose: ~4·10⁸ multiply-adds a call, so the queue is still full at the kill.
  const bigKernel = randomKernel(r, 25, 25);
  const bigOptions = { padding: 'same', method: 'direct', threads: 1 };
  const bigCount = Math.max(8, availableParallelism() + 4);
  // allSettled at once, so the rejections to come are handled.
  const bigSettled = Promise.allSettled(Array.from({ length: bigCount }, () => convolve2dAsync(big, bigKernel, bigOptions)));
  const smallCalls = Array.from({ length: 12 }, (_, i) => {
    const image = randomImage(r, 20 + i, 10, 1 + (i % 4), Uint8Array);
    const promise = convolve2dAsync(image, kernels.sharpen, { padding: 'same', border: 'edge', threads: 1 });
    promise.catch(() => {}); // checked below
    return { image, promise };
  });
  await new Promise((resolve) => setTimeout(resolve, 30));
  const victims = poolWorkers();
  assert.ok(victims.length >= 1 && victims.length < bigCount, `${victims.length} workers for ${bigCount} big calls: some must be queued`);
  // Idle workers are unref'd: awaiting their terminate() alone does not keep Node running.
  const keepAlive = setInterval(() => {}, 1000);
  await Promise.all(victims.map((w) => w.terminate()));
  clearInterval(keepAlive);

  const settled = await bigSettled;
  const rejected = settled.filter((s) => s.status === 'rejected');
  assert.ok(rejected.length >= 1 && rejected.length <= victims.length, `${rejected.length} rejected for ${victims.length} killed workers`);
  for (const { reason } of rejected) {
    assert.instance(reason, Error);
    assert.match(reason.message, /conv2d-wasm: a worker thread .*(exited|failed).* during convolve2dAsync/);
  }
  const want = list(convolve2d(big, bigKernel, { padding: 'same', method: 'direct' }));
  const fulfilled = settled.filter((s) => s.status === 'fulfilled');
  assert.ok(fulfilled.length >= bigCount - victims.length, 'queued big calls completed');
  for (const { value } of fulfilled) assert.equal(list(value), want);
  for (const { image, promise } of smallCalls) {
    assert.equal(list(await promise), list(convolve2d(image, kernels.sharpen, { padding: 'same', border: 'edge' })), 'a queued small call');
  }
  // The pool is whole again: new calls on new workers.
  const after = randomImage(r, 31, 17, 3, Uint16Array);
  assert.equal(list(await convolve2dAsync(after, kernels.emboss, { padding: 1, threads: 2 })), list(convolve2d(after, kernels.emboss, { padding: 1 })));
  assert.ok(poolWorkers().every((w) => !victims.includes(w)), 'dead workers left in the pool');
});

many.run();

// ---------------------------------------------------------------------------------------------
const copies = suite('two copies of the library in one process');

// `import('../dist/node/index.js?copy=2')` would duplicate only the entry module: its imports
// resolve to the same core/wasm.js, so the WASM instance would be shared. A real second copy
// (as when two packages depend on two installs of conv2d-wasm) is the whole dist/ at another path.
const COPY_DIR = new URL(`../test-artifacts/copy-${process.pid}/`, import.meta.url);

copies('interleaved sync and async calls of two copies stay independent and right', async () => {
  mkdirSync(COPY_DIR, { recursive: true });
  cpSync(new URL('../dist/', import.meta.url), new URL('dist/', COPY_DIR), { recursive: true });
  try {
    const other = await import(new URL('dist/node/index.js', COPY_DIR).href);
    const otherWasm = await import(new URL('dist/internal.js', COPY_DIR).href);
    const sameEntry = await import(`${pathToFileURL(new URL('../dist/node/index.js', import.meta.url).pathname).href}?copy=2`);
    assert.is.not(other.convolve2d, convolve2d, 'the copy is a distinct module');
    assert.is(sameEntry.convolve2d, convolve2d, 'a query string alone does not copy core');

    const r = rng(3000);
    // A large call on the copy grows its memory only.
    const mine = wasmMemoryBytes();
    const theirs = otherWasm.wasmMemoryBytes();
    const wide = randomImage(r, 3000, 40, 4, Float32Array);
    other.convolve2d(wide, kernels.gaussian(2), { padding: 'same' });
    assert.ok(otherWasm.wasmMemoryBytes() > theirs, 'the copy has its own memory, and it grew');
    assert.is(wasmMemoryBytes(), mine, 'this copy\'s memory did not change');

    const pending = [];
    for (let i = 0; i < 300; i++) {
      const lib = i % 2 ? other : { convolve2d, convolve2dAsync };
      const image = randomImage(r, r.int(1, 30), r.int(1, 30), r.int(1, 4), [Uint8Array, Uint16Array, Float32Array][i % 3]);
      const kernel = randomKernel(r, r.int(1, 4), r.int(1, 4));
      const options = { padding: 'same', border: BORDERS[i % 5], dilation: 1 + (i % 2) };
      assertMatchesReference(lib.convolve2d(image, kernel, options), image, kernel, options, `sync call ${i}`);
      if (i % 3 === 0) pending.push(lib.convolve2dAsync(image, kernel, options).then((got) => assertMatchesReference(got, image, kernel, options, `async call ${i}`), (e) => assert.unreachable(`async call ${i}: ${e.message}`)));
    }
    await Promise.all(pending);
    // PNG through both copies.
    const img = toUint8(randomImage(r, 13, 7, 3, Uint8Array));
    assert.equal(list(other.decodePng(encodePng(img))), list(decodePng(other.encodePng(img))));
  } finally {
    rmSync(COPY_DIR, { recursive: true, force: true });
  }
});

copies.run();
