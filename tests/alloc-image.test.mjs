// allocImage: images in linear memory. Every function gives the same bits on them as on ordinary
// arrays (inputs and `out` arrays), also when memory grows in the middle of the call (which
// detaches every older view), never writes over another live image, and frees without leaking.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  allocImage, canny, convolve2d, convolve2dAsync, convolveBank, convolveToUint16, convolveToUint8, decodePng, encodePng,
  gradient, kernels, toGrayscale, toUint16, toUint8,
} from '../dist/node/index.js';
import { linearImages, wasmMemoryBytes } from '../dist/internal.js';
import { randomImage, randomKernel, rng } from './helpers.mjs';

const TYPES = { float32: Float32Array, uint8: Uint8Array, uint16: Uint16Array };

/** An allocImage copy of an ordinary image. */
function linearCopy(image) {
  const type = Object.keys(TYPES).find((t) => image.data instanceof TYPES[t]);
  const img = allocImage(image.width, image.height, image.channels, type);
  img.data.set(image.data);
  return img;
}

/**
 * A random one-channel float image and a side × side kernel, convolve2d's 'same' result of them,
 * and allocImage copies: the image, and an out of its size.
 */
function sameCase(r, width, height, side) {
  const image = randomImage(r, width, height, 1);
  const kernel = randomKernel(r, side, side);
  return { image, kernel, expected: convolve2d(image, kernel, { padding: 'same' }), input: linearCopy(image), out: allocImage(width, height) };
}

/**
 * Fills linear memory up to its end with a live image, so that the next call's scratch (which
 * starts above every live image) must grow memory mid-call. Returns the filler, to free.
 */
function fillToEnd() {
  const room = wasmMemoryBytes() - linearImages().end - 64;
  return room >= 16 ? allocImage(Math.floor(room / 16), 1, 4, 'float32') : undefined;
}

/**
 * Runs `call` with memory made to grow during it if it uses linear memory at all; checks that it
 * grew (`usesMemory: false` for functions that run in JavaScript only, like toUint16).
 */
function growing(call, usesMemory = true) {
  const filler = fillToEnd();
  const before = wasmMemoryBytes();
  try {
    const result = call();
    if (usesMemory) assert.ok(wasmMemoryBytes() > before, 'memory grew during the call');
    return result;
  } finally {
    filler?.free();
  }
}

function sameBits(actual, expected, what) {
  assert.is(actual.length, expected.length, `${what}: length`);
  const a = new Uint8Array(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
  for (let i = 0; i < a.length; i++) if (a[i] !== e[i]) assert.unreachable(`${what}: byte ${i} differs (${a[i]} vs ${e[i]})`);
}

/** A live image holding random values that no call may touch. */
function sentinel(r) {
  const s = allocImage(37, 11, 3, 'float32');
  for (let i = 0; i < s.data.length; i++) s.data[i] = r() * 1000 - 500;
  return { image: s, copy: Float32Array.from(s.data) };
}

test('allocImage: zero-filled views of every type, freed once, `data` refused after free', () => {
  const before = linearImages().bytes;
  for (const [type, Type] of Object.entries(TYPES)) {
    const img = allocImage(5, 3, 2, type);
    assert.ok(img.data instanceof Type, type);
    assert.is(img.data.length, 30);
    assert.ok(img.data.every((v) => v === 0), 'zero-filled');
    img.data.set(Array.from({ length: 30 }, (_, i) => i + 1));
    img.free();
    img.free(); // idempotent
    assert.throws(() => img.data, /freed/);
    // The next image reuses the room and is zero-filled again, not the old values.
    const again = allocImage(5, 3, 2, type);
    assert.ok(again.data.every((v) => v === 0), `${type}: reused room zero-filled`);
    again.free();
  }
  assert.is(allocImage(2, 2).data.constructor, Float32Array, 'float32 one channel by default');
  assert.is(linearImages().bytes - before, 16, 'only the image not freed is held');
});

test('allocImage: bad arguments are TypeError / RangeError naming them', () => {
  assert.throws(() => allocImage('4', 4), (e) => e instanceof TypeError && /width/.test(e.message));
  assert.throws(() => allocImage(0, 4), (e) => e instanceof RangeError && /width/.test(e.message));
  assert.throws(() => allocImage(4, 2.5), (e) => e instanceof RangeError && /height/.test(e.message));
  assert.throws(() => allocImage(4, 4, 5), (e) => e instanceof RangeError && /channels/.test(e.message));
  assert.throws(() => allocImage(4, 4, '1'), (e) => e instanceof TypeError && /channels/.test(e.message));
  assert.throws(() => allocImage(4, 4, 1, Float32Array), (e) => e instanceof TypeError && /type/.test(e.message));
  assert.throws(() => allocImage(4, 4, 1, 'float64'), (e) => e instanceof RangeError && /type/.test(e.message));
  assert.throws(() => allocImage(1 << 20, 1 << 20, 4), (e) => e instanceof RangeError && /4 GiB/.test(e.message));
  // The library still works after those throws.
  const img = allocImage(3, 3);
  img.data.fill(1);
  assert.is(convolve2d(img, [[1, 1, 1]], { padding: 'same' }).data[4], 3);
  img.free();
});

test('a view of linear memory outside every live image is refused, naming the argument', () => {
  const img = allocImage(8, 8);
  const stale = img.data;
  img.free();
  assert.throws(() => convolve2d({ width: 8, height: 8, channels: 1, data: stale }, [[1]]),
    (e) => e instanceof RangeError && /image\.data/.test(e.message) && /allocImage/.test(e.message));
  const ordinary = randomImage(rng(1), 8, 8, 1);
  assert.throws(() => convolve2d(ordinary, [[1]], { out: stale }), (e) => e instanceof RangeError && /options\.out/.test(e.message));
});

test('a view taken before memory grew still works when handed back, as image.data and as out', () => {
  const { kernel, expected, input, out } = sameCase(rng(3), 50, 40, 3);
  const [pixels, into] = [input.data, out.data]; // views, held across a growth
  growing(() => convolve2d(input, kernels.sobelX, { padding: 'same' }));
  assert.is(pixels.length, 0, 'detached by the growth');
  const got = convolve2d({ width: 50, height: 40, channels: 1, data: pixels }, kernel, { padding: 'same', out: into });
  sameBits(got.data, expected.data, 'old views handed back');
  sameBits(out.data, expected.data, 'out read again');
  input.free();
  out.free();
  // Once freed, an old view is refused instead.
  assert.throws(() => convolve2d({ width: 50, height: 40, channels: 1, data: pixels }, kernel), (e) => e instanceof RangeError && /image\.data/.test(e.message));
});

test('free and alloc in turn reuse memory: no growth, nothing held', () => {
  const base = linearImages().bytes;
  const a = allocImage(512, 512);
  a.free();
  const grown = wasmMemoryBytes();
  for (let i = 0; i < 50; i++) {
    const img = allocImage(512, 512);
    const out = allocImage(512, 512);
    convolve2d(img, kernels.gaussian5 ?? kernels.sobelX, { padding: 'same', out: out.data });
    img.free();
    out.free();
  }
  assert.is(linearImages().bytes, base);
  assert.ok(wasmMemoryBytes() <= grown + (16 << 20), `memory stays put (${wasmMemoryBytes()} vs ${grown})`);
});

test('convolve2d on linear images equals ordinary arrays, every path, type and channel count, memory growing mid-call', () => {
  const r = rng(20261206);
  const guard = sentinel(r);
  const cases = [];
  for (const Type of [Float32Array, Uint8Array, Uint16Array]) {
    for (const channels of [1, 3]) {
      for (const method of ['direct', 'separable', 'fft']) cases.push({ Type, channels, method });
    }
  }
  for (const { Type, channels, method } of cases) {
    const w = r.int(20, 90), h = r.int(20, 90);
    const image = randomImage(r, w, h, channels, Type);
    const kernel = method === 'separable'
      ? (() => { const u = randomKernel(r, 5, 1).map((row) => row[0]), v = randomKernel(r, 1, 4)[0]; return u.map((a) => v.map((b) => a * b)); })()
      : randomKernel(r, r.int(1, 7), r.int(1, 7));
    const options = {
      method, padding: r.pick(['same', 'valid', 'full', 2]), border: r.pick(['constant', 'reflect', 'wrap', 'edge', 'symmetric']),
      cval: 3.5, stride: r.pick([1, 1, 2, [2, 3]]), dilation: method === 'fft' ? r.pick([1, 2]) : r.pick([1, 2, [1, 3]]),
      mode: r.pick(['convolution', 'correlation']),
    };
    const expected = convolve2d(image, kernel, options);
    const what = `${Type.name} ×${channels} ${method} ${JSON.stringify(options)}`;
    const input = linearCopy(image);
    // New array out, input in linear memory.
    sameBits(growing(() => convolve2d(input, kernel, options)).data, expected.data, `${what}, linear input`);
    // Linear out, ordinary input; then both linear.
    const out = allocImage(expected.width, expected.height, channels);
    const viaOut = growing(() => convolve2d(image, kernel, { ...options, out: out.data }));
    sameBits(viaOut.data, expected.data, `${what}, linear out`);
    sameBits(out.data, expected.data, `${what}, linear out read again`);
    out.data.fill(-1);
    sameBits(growing(() => convolve2d(input, kernel, { ...options, out: out.data })).data, expected.data, `${what}, both linear`);
    sameBits(input.data, image.data, `${what}: input unchanged`);
    input.free();
    out.free();
  }
  sameBits(guard.image.data, guard.copy, 'another live image untouched');
  guard.image.free();
});

test('convolve2d takes a linear image by its data alone ({ ...img } or a plain object around img.data)', () => {
  const r = rng(7);
  const image = randomImage(r, 40, 30, 1);
  const input = linearCopy(image);
  const kernel = randomKernel(r, 3, 3);
  const expected = convolve2d(image, kernel, { padding: 'same' });
  const plain = { width: 40, height: 30, channels: 1, data: input.data };
  sameBits(growing(() => convolve2d(plain, kernel, { padding: 'same' })).data, expected.data, 'plain object');
  input.free();
});

test('convolveBank and gradient on linear images and outs equal ordinary arrays', () => {
  const r = rng(99);
  const guard = sentinel(r);
  for (const Type of [Float32Array, Uint8Array]) {
    const image = randomImage(r, 61, 47, 1, Type);
    const bank = [kernels.sobelX, kernels.sobelY, randomKernel(r, 5, 5), randomKernel(r, 2, 7)];
    const expected = convolveBank(image, bank, { padding: 'same', border: 'reflect' });
    const input = linearCopy(image);
    const outs = expected.map((e) => allocImage(e.width, e.height, e.channels));
    const got = growing(() => convolveBank(input, bank, { padding: 'same', border: 'reflect', out: outs.map((o) => o.data) }));
    got.forEach((g, i) => {
      sameBits(g.data, expected[i].data, `${Type.name} bank[${i}]`);
      sameBits(outs[i].data, expected[i].data, `${Type.name} bank out[${i}] read again`);
    });
    outs.forEach((o) => o.free());

    for (const ksize of [3, 5]) {
      const want = gradient(image, { ksize, direction: 'degrees' });
      const o = ['gx', 'gy', 'magnitude', 'direction'].map(() => allocImage(61, 47));
      const [gx, gy, magnitude, direction] = o.map((x) => x.data);
      const g = growing(() => gradient(input, { ksize, direction: 'degrees', out: { gx, gy, magnitude, direction } }));
      for (const key of ['gx', 'gy', 'magnitude', 'direction']) sameBits(g[key].data, want[key].data, `${Type.name} gradient ${ksize} ${key}`);
      sameBits(o[2].data, want.magnitude.data, 'magnitude read again');
      o.forEach((x) => x.free());
    }
    input.free();
  }
  sameBits(guard.image.data, guard.copy, 'another live image untouched');
  guard.image.free();
});

test('canny, toGrayscale, toUint8, toUint16, convolveToUint8, convolveToUint16 and encodePng on linear images equal ordinary arrays', () => {
  const r = rng(5);
  const rgb = randomImage(r, 53, 41, 3, Uint8Array);
  const gray = toGrayscale(rgb);
  const linearRgb = linearCopy(rgb);
  const linearGray = linearCopy(gray);
  sameBits(growing(() => toGrayscale(linearRgb)).data, gray.data, 'toGrayscale');
  const edges = canny(gray, { low: 40, high: 120 });
  sameBits(growing(() => canny(linearGray, { low: 40, high: 120 })).data, edges.data, 'canny');
  const edgeOut = allocImage(53, 41, 1, 'uint8');
  growing(() => canny(linearRgb, { low: 40, high: 120, out: edgeOut.data }));
  sameBits(edgeOut.data, edges.data, 'canny into a linear out, from RGB');
  edgeOut.free();
  const float = convolve2d(gray, kernels.sobelX, { padding: 'same' });
  const linearFloat = linearCopy(float);
  for (const map of ['clamp', 'abs', 'normalize']) {
    sameBits(growing(() => toUint8(linearFloat, { map })).data, toUint8(float, { map }).data, `toUint8 ${map}`);
  }
  for (const map of ['clamp', 'abs', 'normalize']) {
    sameBits(growing(() => toUint16(linearFloat, { map }), false).data, toUint16(float, { map }).data, `toUint16 ${map}`);
  }
  const rgb16 = randomImage(r, 33, 29, 3, Uint16Array);
  const linearRgb16 = linearCopy(rgb16);
  const wide = convolveToUint16(rgb16, kernels.sharpen, { grayscale: true, padding: 'same' });
  sameBits(growing(() => convolveToUint16(linearRgb16, kernels.sharpen, { grayscale: true, padding: 'same' })).data, wide.data, 'convolveToUint16');
  linearRgb16.free();
  const fused = convolveToUint8(rgb, kernels.sobelX, { grayscale: true, padding: 'same', map: 'abs' });
  sameBits(growing(() => convolveToUint8(linearRgb, kernels.sobelX, { grayscale: true, padding: 'same', map: 'abs' })).data, fused.data, 'convolveToUint8');
  sameBits(decodePng(growing(() => encodePng(linearRgb))).data, decodePng(encodePng(rgb)).data, 'encodePng');
  // Alpha carried through the pipeline (read after the colour channels' convolution).
  const rgba = randomImage(r, 45, 38, 4, Uint8Array);
  const linearRgba = linearCopy(rgba);
  for (const options of [{ padding: 'same' }, { padding: 'same', grayscale: true }, { padding: 'same', alpha: 'convolve' }]) {
    const want = convolveToUint8(rgba, kernels.sharpen, options);
    sameBits(growing(() => convolveToUint8(linearRgba, kernels.sharpen, options)).data, want.data, `convolveToUint8 RGBA ${JSON.stringify(options)}`);
  }
  linearRgba.free();
  for (const img of [linearRgb, linearGray, linearFloat]) img.free();
});

test('convolve2dAsync reads a linear image and writes a linear out', async () => {
  const { kernel, expected, input, out } = sameCase(rng(11), 300, 200, 7);
  for (const threads of [1, 2]) {
    out.data.fill(0);
    const got = await convolve2dAsync(input, kernel, { padding: 'same', threads, out: out.data });
    sameBits(got.data, expected.data, `threads ${threads}`);
    sameBits(out.data, expected.data, `threads ${threads}, out read again`);
  }
  input.free();
  out.free();
});

test('convolve2dAsync: memory growing while the call waits (a synchronous call in between) leaves its out right', async () => {
  const r = rng(12);
  // 300×200: one task on a worker; 700×700: rows on two workers in shared memory.
  for (const [w, h] of [[300, 200], [700, 700]]) {
    const { kernel, expected, input, out } = sameCase(r, w, h, 7);
    for (const threads of [1, 2]) {
      out.data.fill(0);
      const pending = convolve2dAsync(input, kernel, { padding: 'same', threads, out: out.data });
      growing(() => convolve2d(input, kernel, { padding: 'same' }));
      sameBits((await pending).data, expected.data, `${w}×${h}, threads ${threads}`);
      sameBits(out.data, expected.data, `${w}×${h}, threads ${threads}: out read again`);
    }
    input.free();
    out.free();
  }
});

test.run();
