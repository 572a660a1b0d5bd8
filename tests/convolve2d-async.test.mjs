import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d, convolve2dAsync, convolveToUint8, kernels } from '../dist/node/index.js';
import { poolWorkers } from '../dist/internal.js';
import { SharedScratch } from '../dist/internal.js';
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

as('large calls split over threads and stay bit-identical', async () => {
  const r = rng(16);
  for (const [threads, channels, kernel, options] of [
    [2, 1, kernels.gaussian(1.5), { padding: 'same', border: 'reflect' }],
    [3, 3, [[1, -2, 3, 0.5, 2], [2, 1, 0, -1, 4], [0.25, 3, -3, 1, 1]], { padding: [4, 2], stride: [2, 1], border: 'wrap' }],
    [4, 2, kernels.sharpen, { padding: 'full', dilation: [3, 1], border: 'constant', cval: 7.5, mode: 'correlation' }],
  ]) {
    const image = randomImage(r, 301, 257, channels, Uint8Array);
    const got = await convolve2dAsync(image, kernel, { ...options, threads });
    const want = convolve2d(image, kernel, options);
    assert.equal([got.width, got.height, got.channels], [want.width, want.height, want.channels]);
    assert.ok(got.data.every((v, i) => Object.is(v, want.data[i])), `threads ${threads}`);
  }
  assert.ok(poolWorkers().length >= 2, 'more than one worker started');
});

as('a small view into a large buffer is sent as its own pixels', async () => {
  const big = new Float32Array(32 * 2 ** 20); // 128 MB
  big.set([1, 2, 3, 4], 1000);
  const image = { width: 2, height: 2, channels: 1, data: big.subarray(1000, 1004) };
  const t = performance.now();
  const out = await convolve2dAsync(image, [[2]], { threads: 1 });
  assert.ok(performance.now() - t < 1000, `took ${(performance.now() - t).toFixed(0)} ms`);
  assert.equal(Array.from(out.data), [2, 4, 6, 8]);
  assert.is(big.length, 32 * 2 ** 20, 'the caller\'s buffer is not detached');
});

as('options.threads beyond the cores starts no more workers than cores', async () => {
  const image = randomImage(rng(20), 600, 600, 1, Float32Array);
  const out = await convolve2dAsync(image, kernels.laplacian8, { threads: 64 });
  assert.equal(Array.from(out.data), Array.from(convolve2d(image, kernels.laplacian8).data));
  assert.ok(poolWorkers().length <= Math.max(2, (await import('node:os')).availableParallelism()), `${poolWorkers().length} workers`);
});

as('options.threads is checked', async () => {
  const image = randomImage(rng(17), 4, 4, 1, Uint8Array);
  await assertRejects(() => convolve2dAsync(image, [[1]], { threads: 0 }), RangeError, /options\.threads/);
  await assertRejects(() => convolve2dAsync(image, [[1]], { threads: 1.5 }), RangeError, /options\.threads/);
  await assertRejects(() => convolve2dAsync(image, [[1]], { threads: '2' }), TypeError, /options\.threads/);
  await assertRejects(() => convolve2dAsync(image, [[1]], 'fast'), TypeError, /options/);
  assert.is((await convolve2dAsync(image, [[1]], { threads: 1 })).data.length, 16);
});

as('a worker that dies mid-task rejects that call; the pool replaces it', async () => {
  // About 4·10⁹ multiply-adds on the direct path: seconds of work, so the kill lands mid-task.
  const image = randomImage(rng(18), 2000, 2000, 1, Float32Array);
  const big = Array.from({ length: 31 }, (_, i) => Array.from({ length: 31 }, (_, j) => ((i * 7 + j * 3) % 11) - 5));
  const doomed = convolve2dAsync(image, big, { padding: 'same', method: 'direct', threads: 1 });
  // The rejection can arrive while the kill is still being awaited: catch it now, or Node
  // reports it as unhandled and stops the test run.
  const settled = doomed.then(() => undefined, (error) => error);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const busy = poolWorkers();
  assert.ok(busy.length >= 1);
  // Idle workers are unref'd: awaiting their terminate() alone does not keep Node running.
  const keepAlive = setInterval(() => {}, 1000);
  await Promise.all(busy.map((w) => w.terminate()));
  clearInterval(keepAlive);
  await assertRejects(() => settled.then((e) => { if (e) throw e; }), Error, /worker thread .*(exited|failed)/);
  const small = randomImage(rng(19), 30, 20, 1, Uint8Array);
  const out = await convolve2dAsync(small, kernels.emboss, { padding: 'same' });
  assert.equal(Array.from(out.data), Array.from(convolve2d(small, kernels.emboss, { padding: 'same' }).data));
});

as('big calls share memory with the workers: every path, type and layout, bit-identical', async () => {
  const r = rng(21);
  const gauss = kernels.gaussian(1.2, 7);
  const random = (h, w) => Array.from({ length: h }, () => Array.from({ length: w }, () => r() * 2 - 1));
  for (const [Type, channels, kernel, options] of [
    [Float32Array, 1, random(5, 5), { padding: 'same' }],
    [Uint8Array, 1, random(3, 7), { padding: [1, 3], border: 'reflect', method: 'direct' }],
    [Uint16Array, 3, gauss, { padding: 'same', border: 'wrap', method: 'separable' }],
    [Uint8Array, 4, gauss, { padding: 'same', border: 'edge' }],
    [Float32Array, 1, random(17, 17), { padding: 'same', method: 'fft', border: 'symmetric' }],
    [Float32Array, 2, random(9, 9), { padding: 'full', stride: [2, 3], dilation: [1, 2], border: 'constant', cval: -3 }],
    [Uint8Array, 1, random(13, 11), { padding: 'same', stride: 3, method: 'fft', mode: 'correlation' }],
  ]) {
    const image = randomImage(r, 613, 421, channels, Type);
    for (const threads of [1, 2, 3]) {
      const got = await convolve2dAsync(image, kernel, { ...options, threads });
      const want = convolve2d(image, kernel, options);
      const label = `${Type.name}×${channels} ${JSON.stringify(options)} threads ${threads}`;
      assert.equal([got.width, got.height, got.channels], [want.width, want.height, want.channels], label);
      assert.ok(got.data.buffer instanceof ArrayBuffer, `${label}: the result is a plain ArrayBuffer`);
      assert.ok(got.data.every((v, i) => Object.is(v, want.data[i])), label);
    }
  }
});

as('a SharedArrayBuffer image is read in place; a shared options.out is written in place', async () => {
  const source = randomImage(rng(22), 800, 600, 1, Float32Array);
  const data = new Float32Array(new SharedArrayBuffer(source.data.byteLength));
  data.set(source.data);
  const image = { ...source, data };
  const kernel = kernels.gaussian(2);
  const want = convolve2d(source, kernel, { padding: 'same' });
  const out = new Float32Array(new SharedArrayBuffer(want.data.byteLength));
  const got = await convolve2dAsync(image, kernel, { padding: 'same', out, threads: 2 });
  assert.ok(got.data === out, 'the result is options.out');
  assert.ok(out.every((v, i) => Object.is(v, want.data[i])));
  const plain = await convolve2dAsync(image, kernel, { padding: 'same', threads: 2 });
  assert.ok(plain.data.every((v, i) => Object.is(v, want.data[i])));
  assert.equal(Array.from(data.subarray(0, 100)), Array.from(source.data.subarray(0, 100)), 'the image is not changed');
});

as('shared scratch: reused when big enough, bounded, let go when idle', async () => {
  const scratch = new SharedScratch(50, 1000);
  const a = scratch.acquire(100, 200);
  assert.ok(a.input.byteLength >= 100 && a.output.byteLength >= 200);
  scratch.release(a);
  assert.is(scratch.keptBytes(), 300);
  const b = scratch.acquire(80, 150);
  assert.ok(b === a, 'a kept pair that fits is reused');
  const c = scratch.acquire(400, 400);
  assert.ok(c !== a, 'a bigger call gets new buffers');
  scratch.release(b);
  scratch.release(c);
  assert.ok(scratch.keptBytes() <= 1000, `kept ${scratch.keptBytes()} bytes, more than the bound`);
  const huge = scratch.acquire(2000, 2000);
  scratch.release(huge);
  assert.ok(scratch.keptBytes() <= 1000, 'a pair over the bound is not kept');
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.is(scratch.keptBytes(), 0, 'idle buffers are let go');
});

as('a Node Buffer image is copied, never transferred: the caller\'s memory and its neighbours\' stay', async () => {
  // Found by the fuzzer: Buffer#slice is a view, so transferring "the copy" detached the caller's
  // ArrayBuffer, and with it every other view of that memory.
  const backing = new ArrayBuffer(100);
  const data = Buffer.from(backing, 10, 35);
  for (let i = 0; i < 35; i++) data[i] = (i * 37) & 255;
  const neighbour = new Uint8Array(backing, 60, 5);
  neighbour.set([1, 2, 3, 4, 5]);
  const image = { width: 1, height: 35, channels: 1, data };
  const want = convolve2d(image, kernels.box(3), { padding: 'same' });
  const got = await convolve2dAsync(image, kernels.box(3), { padding: 'same' });
  assert.equal(Array.from(got.data), Array.from(want.data));
  assert.is(backing.byteLength, 100, 'the caller\'s memory is not detached');
  assert.equal(Array.from(data.subarray(0, 3)), [0, 37, 74]);
  assert.equal(Array.from(neighbour), [1, 2, 3, 4, 5], 'another view of that memory is intact');
});

as('Node Buffer pixels never reach the deprecated Buffer() constructor (DEP0005), big calls and alpha included', async () => {
  const seen = [];
  const onWarning = (w) => { if (w.code === 'DEP0005') seen.push(w.message); };
  process.on('warning', onWarning);
  try {
    const r = rng(77);
    // Big enough for the shared-memory path (the image is viewed on a SharedArrayBuffer).
    const big = randomImage(r, 300, 200, 1, Uint8Array);
    const image = { ...big, data: Buffer.from(big.data) };
    const want = convolve2d(big, kernels.box(5), { padding: 'same' });
    const got = await convolve2dAsync(image, kernels.box(5), { padding: 'same', threads: 2 });
    assert.equal(got.data, want.data);
    // Alpha split off and carried back (withoutAlpha / withAlpha make arrays of the input's type).
    const rgba = randomImage(r, 20, 10, 4, Uint8Array);
    const fromBuffer = convolveToUint8({ ...rgba, data: Buffer.from(rgba.data) }, kernels.box(3), { padding: 'same' });
    assert.equal(fromBuffer.data, convolveToUint8(rgba, kernels.box(3), { padding: 'same' }).data);
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', onWarning);
  }
  assert.equal(seen, []);
});

as.run();
