// Property tests with fast-check (bounded runs, fixed seeds; FC_SEED=n overrides them all):
// convolve2d against the pure-TS reference over every option and both kernel forms; hostile
// arguments always give a TypeError/RangeError that names the bad path, never a result; and
// toGrayscale, toUint8 and decodePng on random and mutated input. After every throw, a valid call
// is still right and WASM memory did not grow.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convolve2d, decodePng, toGrayscale, toUint8 } from '../dist/node/index.js';
import { wasmMemoryBytes } from '../dist/internal.js';
import { crc32 } from '../dist/internal.js';
import { browserPng as codec } from '../dist/internal.js';
import { PIXEL_TYPES, assertMatchesReference, randomImage, rng } from './helpers.mjs';

const seedFor = (n) => (process.env.FC_SEED ? Number(process.env.FC_SEED) : n);
const check = (property, seed, numRuns) => fc.assert(property, { seed: seedFor(seed), numRuns, endOnFailure: true });

// ---------------------------------------------------------------------------------------------
// Arbitraries

const BORDERS = ['constant', 'edge', 'reflect', 'symmetric', 'wrap'];
const small = (min, max) => fc.integer({ min, max });

/** An image of any pixel type, 1–4 channels, 1..40 a side; sometimes a view at an offset. */
const imageArb = fc.record({
  Type: fc.constantFrom(...PIXEL_TYPES),
  width: small(1, 40),
  height: small(1, 40),
  channels: small(1, 4),
  seed: fc.integer(),
  offset: fc.constantFrom(0, 0, 0, 3),
}).map(({ Type, width, height, channels, seed, offset }) => {
  const img = randomImage(rng(seed), width, height, channels, Type);
  if (offset === 0) return img;
  const n = img.data.length;
  const data = new Type(new ArrayBuffer((n + offset + 2) * Type.BYTES_PER_ELEMENT), offset * Type.BYTES_PER_ELEMENT, n);
  data.set(img.data);
  return { ...img, data };
});

const tap = small(-2000, 2000).map((v) => v / 1000);
const rowsArb = fc.tuple(small(1, 7), small(1, 7)).chain(([kh, kw]) =>
  fc.array(fc.array(tap, { minLength: kw, maxLength: kw }), { minLength: kh, maxLength: kh }));
/** Rank-1 kernels u·vᵀ with entries that are exact in float32, so 'separable' applies. */
const rank1Arb = fc.tuple(
  fc.array(small(-8, 8).map((v) => v / 4 || 0.5), { minLength: 1, maxLength: 7 }),
  fc.array(small(-8, 8).map((v) => v / 4 || 0.25), { minLength: 1, maxLength: 7 }),
).map(([u, v]) => u.map((a) => v.map((b) => a * b)));

const paddingArb = fc.oneof(
  small(0, 4), fc.tuple(small(0, 4), small(0, 6)), fc.constantFrom('valid', 'same', 'full'),
  fc.record({ top: small(0, 4), bottom: small(0, 4), left: small(0, 9), right: small(0, 3) }, { requiredKeys: [] }),
  small(20, 60), // wider than the image: OpenCV's periodic extension
);
const pairArb = (max) => fc.oneof(small(1, max), fc.tuple(small(1, max), small(1, max)));
const optionsArb = (methods) => fc.record({
  padding: paddingArb,
  stride: pairArb(4),
  dilation: pairArb(3),
  border: fc.constantFrom(...BORDERS),
  mode: fc.constantFrom('convolution', 'correlation'),
  cval: fc.oneof(fc.constant(0), small(-1000, 1000).map((v) => v / 8)),
  method: fc.constantFrom(...methods),
}, { requiredKeys: [] });

/** The contract's output size, computed here independently of the library. */
function expectedSize(image, rows, o) {
  const kh = rows.length, kw = rows[0].length;
  const pair = (v) => (v === undefined ? [1, 1] : Array.isArray(v) ? v : [v, v]);
  const [sy, sx] = pair(o.stride), [dy, dx] = pair(o.dilation);
  const spanH = dy * (kh - 1), spanW = dx * (kw - 1);
  const p = o.padding;
  let [t, b, l, r] = [0, 0, 0, 0];
  if (typeof p === 'number') [t, b, l, r] = [p, p, p, p];
  else if (Array.isArray(p)) [t, b, l, r] = [p[0], p[0], p[1], p[1]];
  else if (p === 'full') [t, b, l, r] = [spanH, spanH, spanW, spanW];
  else if (p === 'same') [t, b, l, r] = [spanH >> 1, spanH - (spanH >> 1), spanW >> 1, spanW - (spanW >> 1)];
  else if (p && typeof p === 'object') [t, b, l, r] = [p.top ?? 0, p.bottom ?? 0, p.left ?? 0, p.right ?? 0];
  const outH = Math.floor((image.height + t + b - spanH - 1) / sy) + 1;
  const outW = Math.floor((image.width + l + r - spanW - 1) / sx) + 1;
  return outH >= 1 && outW >= 1 ? { outH, outW } : undefined;
}

const asObjectForm = (rows, typed) => ({ width: rows[0].length, height: rows.length, data: typed ? Float64Array.from(rows.flat()) : rows.flat() });

function convolveMatches(image, rows, options, objectForm) {
  const kernel = objectForm ? asObjectForm(rows, objectForm === 'typed') : rows;
  const copy = Array.from(image.data);
  const size = expectedSize(image, rows, options);
  let got;
  try {
    got = convolve2d(image, kernel, options);
  } catch (e) {
    assert.ok(size === undefined, `threw for a ${size?.outH}×${size?.outW} output: ${e.message}`);
    assert.instance(e, RangeError);
    assert.match(e.message, /larger than the padded image/);
    return false;
  }
  assert.ok(size !== undefined, 'returned a result where the output is empty');
  assert.equal([got.height, got.width], [size.outH, size.outW], 'output size');
  assertMatchesReference(got, image, rows, options);
  assert.equal(Array.from(image.data), copy, 'image.data unchanged');
  return true;
}

// ---------------------------------------------------------------------------------------------
const conv = suite('convolve2d properties: equals the reference');

conv('any image, kernel (both forms) and options, method auto or direct', () => {
  let compared = 0;
  check(fc.property(imageArb, rowsArb, optionsArb(['auto', 'direct', 'fft']), fc.constantFrom(false, 'plain', 'typed'),
    (image, rows, options, objectForm) => { compared += convolveMatches(image, rows, options, objectForm); }), 1, 1200);
  assert.ok(compared > 800, `only ${compared} of 1200 cases had an output`);
});

conv('rank-1 kernels with every method, separable included', () => {
  let compared = 0;
  check(fc.property(imageArb, rank1Arb, optionsArb(['auto', 'direct', 'separable', 'fft']), fc.constantFrom(false, 'plain'),
    (image, rows, options, objectForm) => { compared += convolveMatches(image, rows, options, objectForm); }), 2, 600);
  assert.ok(compared > 360, `only ${compared} of 600 cases had an output`);
});

conv('large kernels, where auto may take the FFT path', () => {
  const bigImage = fc.record({ Type: fc.constantFrom(...PIXEL_TYPES), width: small(14, 48), height: small(14, 48), channels: small(1, 2), seed: fc.integer() })
    .map(({ Type, width, height, channels, seed }) => randomImage(rng(seed), width, height, channels, Type));
  const bigRows = fc.tuple(small(9, 15), small(9, 15), fc.integer()).map(([kh, kw, seed]) => {
    const r = rng(seed);
    return Array.from({ length: kh }, () => Array.from({ length: kw }, () => Math.round((r() * 4 - 2) * 1000) / 1000));
  });
  const options = fc.record({
    padding: fc.constantFrom('same', 'valid', 'full', 3), stride: pairArb(2), border: fc.constantFrom(...BORDERS),
    mode: fc.constantFrom('convolution', 'correlation'), cval: small(-50, 50), method: fc.constantFrom('auto', 'fft'),
  }, { requiredKeys: ['method'] });
  check(fc.property(bigImage, bigRows, options, (image, rows, o) => { convolveMatches(image, rows, o, false); }), 10, 30);
});

conv.run();

// ---------------------------------------------------------------------------------------------
// Hostile arguments: exactly one bad value planted in an otherwise valid call.

const GOOD_IMAGE = { width: 4, height: 3, channels: 1, data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) };
const GOOD_KERNEL = [[1, 2], [3, 4]];
const GOOD_RESULT = [44, 54, 64, 84, 94, 104]; // correlation, by hand

/** Bad values: [value, class] pairs. `kind` says what the slot expects. */
const notNumber = fc.constantFrom(['2', TypeError], [null, TypeError], [true, TypeError], [{}, TypeError], [[], TypeError],
  [10n, TypeError], [Symbol('s'), TypeError], [() => 1, TypeError], [new Date(0), TypeError]);
const badNumber = fc.constantFrom([NaN, RangeError], [Infinity, RangeError], [-Infinity, RangeError]);
const badPositive = fc.oneof(notNumber, badNumber, fc.constantFrom([0, RangeError], [-1, RangeError], [1.5, RangeError],
  [2 ** 53, RangeError], [2 ** 21, RangeError], [-0.001, RangeError]));
const badNonNegative = fc.oneof(notNumber, badNumber, fc.constantFrom([-1, RangeError], [0.5, RangeError], [-(2 ** 31), RangeError], [2 ** 21, RangeError]));
const badName = fc.constantFrom(['', RangeError], ['Constant', RangeError], ['reflect101', RangeError], ['same ', RangeError],
  [0, TypeError], [null, TypeError], [['edge'], TypeError], [{}, TypeError], [new String('edge'), TypeError]);
const badDouble = fc.oneof(badNumber, fc.constantFrom(['0', TypeError], [null, TypeError], [[1], TypeError], [{}, TypeError], [false, TypeError], [10n, TypeError]));
// Kernel taps and cval also must fit float32: beyond 2^128 − 2^103 they would become ±Infinity.
const badFinite = fc.oneof(badDouble, fc.constantFrom([1e39, RangeError], [-3.5e38, RangeError], [Number.MAX_VALUE, RangeError]));

// An array of the wrong length is the right kind with a bad value, hence RangeError.
const pairSlot = (key, bad, good) => fc.oneof(
  bad.map(([v, C]) => ({ options: { [key]: v }, path: `options.${key}`, Class: Array.isArray(v) ? RangeError : C })),
  fc.tuple(bad, fc.integer({ min: 0, max: 1 })).map(([[v, C], i]) => ({ options: { [key]: i ? [good, v] : [v, good] }, path: `options.${key}[${i}]`, Class: C })),
  fc.constantFrom(0, 1, 3, 5).map((n) => ({ options: { [key]: new Array(n).fill(good) }, path: `options.${key}`, Class: RangeError })),
);

const hostileArb = fc.oneof(
  pairSlot('stride', badPositive, 1),
  pairSlot('dilation', badPositive, 1),
  // A string padding is a rule name (RangeError when unknown) and {} is valid (no sides).
  pairSlot('padding', badNonNegative, 0).filter((c) => typeof c.options.padding !== 'string' && !isEmptyObject(c.options.padding)),
  fc.tuple(fc.constantFrom('top', 'bottom', 'left', 'right'), badNonNegative).map(([side, [v, C]]) => ({ options: { padding: { [side]: v } }, path: `options.padding.${side}`, Class: C })),
  fc.constantFrom('up', 'Top', 'width').map((side) => ({ options: { padding: { [side]: 1 } }, path: `options.padding.${side}`, Class: TypeError })),
  fc.constantFrom(['half', RangeError], ['', RangeError], [true, TypeError], [null, TypeError]).map(([v, C]) => ({ options: { padding: v }, path: 'options.padding', Class: C })),
  ...['border', 'mode', 'method'].map((key) => badName.map(([v, C]) => ({ options: { [key]: v }, path: `options.${key}`, Class: C }))),
  badFinite.map(([v, C]) => ({ options: { cval: v }, path: 'options.cval', Class: C })),
  fc.oneof(badNumber, fc.constantFrom([0, RangeError], [-5, RangeError], [1.5, RangeError], ['1e9', TypeError], [null, TypeError], [{}, TypeError]))
    .map(([v, C]) => ({ options: { limitInputPixels: v }, path: 'options.limitInputPixels', Class: C })),
  fc.constantFrom([new Float64Array(6), TypeError], [new Float32Array(5), RangeError], [[0, 0, 0, 0, 0, 0], TypeError], [new Uint8Array(6), TypeError])
    .map(([v, C]) => ({ options: { out: v }, path: 'options.out', Class: C })),
  fc.constantFrom('strides', 'kernel', 'threads', 'Padding', 'constructor', 'toString', 'hasOwnProperty', 'border ')
    .map((key) => ({ options: { [key]: 1 }, path: `options.${key}`, Class: TypeError })),
  fc.constantFrom(3, 'same', [1, 1], null, true, new Map([['padding', 1]]), new Date(0), new Float32Array(2), Object.create({ stride: 2 }, { x: { value: 1, enumerable: true } }))
    .map((v) => ({ options: v, path: 'options', Class: TypeError })),
  // The kernel and the image, for completeness.
  fc.tuple(badFinite, small(0, 1), small(0, 1)).map(([[v, C], m, n]) => {
    const kernel = GOOD_KERNEL.map((row) => row.slice());
    kernel[m][n] = v;
    return { kernel, path: `kernel[${m}][${n}]`, Class: C };
  }),
  fc.tuple(badFinite, small(0, 3)).map(([[v, C], i]) => {
    const data = GOOD_KERNEL.flat();
    data[i] = v;
    return { kernel: { width: 2, height: 2, data }, path: `kernel.data[${i}]`, Class: C };
  }),
  fc.constantFrom(
    [[], 'kernel', RangeError], [[[]], 'kernel[0]', RangeError], [[[1, 2], [3]], 'kernel[1]', RangeError], [[[1], 2], 'kernel[1]', TypeError],
    ['sobelX', 'kernel', TypeError], [null, 'kernel', TypeError], [{ width: 2, height: 2, data: [1, 2, 3] }, 'kernel.data', RangeError],
    [{ width: 2, height: 2, data: 'abcd' }, 'kernel.data', TypeError], [{ width: 0, height: 1, data: [] }, 'kernel.width', RangeError],
    [{ width: 2, height: 1.5, data: [1, 2] }, 'kernel.height', RangeError],
  ).map(([kernel, path, Class]) => ({ kernel, path, Class })),
  fc.tuple(fc.constantFrom('width', 'height', 'channels'), badPositive).map(([key, [v, C]]) => ({
    image: { ...GOOD_IMAGE, [key]: key === 'channels' && typeof v === 'number' && !Number.isNaN(v) && Math.abs(v) !== Infinity ? 5 : v },
    path: `image.${key}`, Class: C,
  })),
  fc.constantFrom([new Float64Array(12), TypeError], [Array(12).fill(0), TypeError], [new Int32Array(12), TypeError], [new Float32Array(11), RangeError], [null, TypeError])
    .map(([data, C]) => ({ image: { ...GOOD_IMAGE, data }, path: 'image.data', Class: C })),
);

function isEmptyObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype && Object.keys(v).length === 0;
}

/** After a throw: the next valid call is right and linear memory is the same size. */
function stillRight(before, label) {
  assert.equal(Array.from(convolve2d(GOOD_IMAGE, GOOD_KERNEL, { mode: 'correlation' }).data), GOOD_RESULT, `${label}: valid call after the throw`);
  assert.is(wasmMemoryBytes(), before, `${label}: WASM memory grew`);
}

function expectThrow(fn, Class, path, label) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `${label}: returned a result instead of throwing`);
  assert.ok(error instanceof TypeError || error instanceof RangeError, `${label}: threw ${error?.constructor?.name}: ${error?.message}`);
  if (Class) assert.instance(error, Class, `${label}: expected ${Class.name}, got ${error.constructor.name}: ${error.message}`);
  assert.ok(error.message.includes(path), `${label}: message does not name ${path}: ${error.message}`);
}

const hostile = suite('convolve2d properties: hostile arguments');

hostile('one bad value anywhere: TypeError/RangeError naming its path, then still right', () => {
  const base = fc.record({ mode: fc.constant('correlation'), border: fc.constantFrom(...BORDERS), padding: fc.constantFrom(0, 1, 'same') }, { requiredKeys: ['mode'] });
  check(fc.property(hostileArb, base, (c, valid) => {
    const before = wasmMemoryBytes();
    const plain = c.options !== null && typeof c.options === 'object' && Object.getPrototypeOf(c.options) === Object.prototype;
    const options = c.options === undefined || plain ? { ...valid, ...c.options } : c.options;
    const label = `${c.path}`;
    expectThrow(() => convolve2d('image' in c ? c.image : GOOD_IMAGE, 'kernel' in c ? c.kernel : GOOD_KERNEL, options), c.Class, c.path, label);
    stillRight(before, label);
  }), 3, 1500);
});

hostile('random junk for every argument never gives another error class', () => {
  const junk = fc.anything({ withBigInt: true, withDate: true, withTypedArray: true, withMap: true, withSet: true, withNullPrototype: true, maxDepth: 2 });
  check(fc.property(junk, junk, junk, (image, kernel, options) => {
    const before = wasmMemoryBytes();
    try {
      convolve2d(image, kernel, options);
    } catch (e) {
      assert.ok(e instanceof TypeError || e instanceof RangeError, `threw ${e?.constructor?.name}: ${e?.message}`);
      assert.match(e.message, /image|kernel|options/);
      stillRight(before, 'junk');
      return;
    }
    assert.unreachable('junk was accepted as an image');
  }), 4, 500);
});

hostile.run();

// ---------------------------------------------------------------------------------------------
const pixels = suite('toGrayscale and toUint8 properties');

const roundHalfEven = (v) => {
  const f = Math.floor(v), d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
};
const saturate = (v, max) => (Number.isNaN(v) ? 0 : Math.min(max, Math.max(0, roundHalfEven(v))));

pixels('toGrayscale: OpenCV fixed point for bt601 integers, float64 weights otherwise, float in float out', () => {
  const weightsArb = fc.oneof(fc.constantFrom(undefined, 'bt601', 'bt709'), fc.tuple(tap, tap, tap));
  check(fc.property(imageArb, weightsArb, (image, weights) => {
    const gray = toGrayscale(image, weights === undefined ? undefined : { weights });
    assert.equal([gray.width, gray.height, gray.channels], [image.width, image.height, 1]);
    assert.is(gray.data.constructor, image.data.constructor);
    const C = image.channels, d = image.data;
    const w = weights === 'bt709' ? [0.2126, 0.7152, 0.0722] : Array.isArray(weights) ? weights : [0.299, 0.587, 0.114];
    const bt601 = weights === undefined || weights === 'bt601';
    const max = d instanceof Uint16Array ? 65535 : 255;
    for (let i = 0; i < gray.data.length; i++) {
      const p = i * C;
      let want;
      if (C <= 2) want = d[p];
      else if (d instanceof Float32Array) want = Math.fround(w[0] * d[p] + w[1] * d[p + 1] + w[2] * d[p + 2]);
      else if (bt601) want = Math.floor((d[p] * 9798 + d[p + 1] * 19235 + d[p + 2] * 3735 + 16384) / 32768);
      else want = saturate(w[0] * d[p] + w[1] * d[p + 1] + w[2] * d[p + 2], max);
      if (!Object.is(gray.data[i], want)) assert.unreachable(`pixel ${i}: ${gray.data[i]}, expected ${want} (${d.constructor.name}, ${C} channels, ${JSON.stringify(weights)})`);
    }
  }), 5, 150);
});

pixels('toUint8: clamp and abs round half to even and clip; normalize spans 0..255', () => {
  const floatImage = fc.tuple(small(1, 20), small(1, 4), fc.array(fc.oneof(fc.double({ min: -400, max: 400, noNaN: true }), fc.constantFrom(0.5, 1.5, 2.5, 254.5, -0.5, -0, NaN, Infinity, -Infinity)), { minLength: 80, maxLength: 80 }))
    .map(([width, channels, values]) => ({ width, height: 1, channels, data: Float32Array.from(values.slice(0, width * channels)) }));
  check(fc.property(fc.oneof(imageArb, floatImage), fc.constantFrom(undefined, 'clamp', 'abs', 'normalize'), (image, map) => {
    const out = toUint8(image, map === undefined ? undefined : { map });
    assert.instance(out.data, Uint8Array);
    assert.is(out.data.length, image.data.length);
    const d = image.data;
    if (map !== 'normalize') {
      for (let i = 0; i < d.length; i++) {
        const want = saturate(map === 'abs' ? Math.abs(d[i]) : d[i], 255);
        if (out.data[i] !== want) assert.unreachable(`${map ?? 'clamp'}: ${d[i]} → ${out.data[i]}, expected ${want}`);
      }
      return;
    }
    const finite = Array.from(d).filter(Number.isFinite);
    const lo = Math.min(...finite), hi = Math.max(...finite);
    for (let i = 0; i < d.length; i++) {
      if (Number.isFinite(d[i]) && hi > lo) {
        if (d[i] === lo) assert.is(out.data[i], 0);
        if (d[i] === hi) assert.is(out.data[i], 255);
      }
    }
  }), 6, 200);
});

pixels('bad options for toGrayscale and toUint8 name options.weights / options.map', () => {
  const badWeights = fc.oneof(
    fc.constantFrom(['BT601', RangeError, 'options.weights'], ['', RangeError, 'options.weights'], [[1, 2], RangeError, 'options.weights'],
      [[1, 2, 3, 4], RangeError, 'options.weights'], [{}, TypeError, 'options.weights'], [0.3, TypeError, 'options.weights'], [null, TypeError, 'options.weights']),
    fc.tuple(small(0, 2), badDouble).map(([i, [v, C]]) => {
      const w = [0.3, 0.3, 0.4];
      w[i] = v;
      return [w, C, `options.weights[${i}]`];
    }),
  );
  const badMap = fc.constantFrom(['round', RangeError], ['Clamp', RangeError], [1, TypeError], [null, TypeError], [['abs'], TypeError]);
  check(fc.property(imageArb, badWeights, badMap, (image, [weights, WC, wpath], [map, MC]) => {
    const before = wasmMemoryBytes();
    expectThrow(() => toGrayscale(image, { weights }), WC, wpath, `weights ${String(weights)}`);
    expectThrow(() => toUint8(image, { map }), MC, 'options.map', `map ${String(map)}`);
    expectThrow(() => toUint8(image, { map: 'clamp', scale: 2 }), TypeError, 'options.scale', 'unknown key');
    expectThrow(() => toGrayscale(image, 'bt709'), TypeError, 'options', 'options string');
    stillRight(before, 'grayscale/uint8');
  }), 7, 100);
});

pixels.run();

// ---------------------------------------------------------------------------------------------
const png = suite('decodePng properties');

const SUITE_DIR = new URL('./fixtures/pngsuite/', import.meta.url).pathname;
const FILES = readdirSync(SUITE_DIR).filter((f) => f.endsWith('.png')).sort().map((f) => new Uint8Array(readFileSync(join(SUITE_DIR, f))));
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const GOOD_PNG = new Uint8Array(readFileSync(join(SUITE_DIR, 'basn2c08.png')));
const GOOD_PIXELS = decodePng(GOOD_PNG).data;

/** Recomputes every chunk's CRC it can find, so mutations reach the checks behind the CRC. */
function fixCrcs(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    if (at + 12 + length > bytes.length) break;
    view.setUint32(at + 8 + length, crc32(bytes, at + 4, at + 8 + length));
    at += 12 + length;
  }
  return bytes;
}

/** The only outcomes allowed: an Error saying PNG, a RangeError naming the limit, or a correct-size RGBA image. */
function decodesOrRejects(bytes, options) {
  const copy = bytes.slice();
  let image;
  try {
    image = decodePng(bytes, options);
  } catch (e) {
    assert.ok(e instanceof Error, `threw a non-Error ${String(e)}`);
    assert.not.instance(e, TypeError, `TypeError: ${e.message}`);
    if (e instanceof RangeError) assert.match(e.message, /limitInputPixels|side longer than/);
    else {
      assert.is(e.constructor, Error, `threw ${e.constructor.name}: ${e.message}`);
      assert.match(e.message, /PNG/);
    }
    assert.equal(bytes, copy, 'input modified');
    return false;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  assert.equal([image.width, image.height, image.channels], [view.getUint32(16), view.getUint32(20), 4]);
  assert.instance(image.data, Uint8Array);
  assert.is(image.data.length, image.width * image.height * 4);
  assert.equal(bytes, copy, 'input modified');
  return true;
}

png('random bytes, with and without a PNG signature, are rejected with Error /PNG/', () => {
  check(fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (tail, signed) => {
    const bytes = signed ? Uint8Array.from([...SIGNATURE, ...tail]) : tail;
    assert.not.ok(decodesOrRejects(bytes), 'random bytes decoded');
  }), 8, 300);
});

png('mutated PngSuite files (bit flips, byte sets, cuts, splices, CRCs re-fixed or not)', () => {
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip'), at: fc.nat(), bit: small(0, 7) }),
    fc.record({ kind: fc.constant('set'), at: fc.nat(), value: fc.constantFrom(0, 1, 7, 8, 16, 127, 128, 255) }),
    fc.record({ kind: fc.constant('cut'), at: fc.nat() }),
    fc.record({ kind: fc.constant('splice'), at: fc.nat(), from: fc.nat(), length: small(1, 64), file: fc.nat() }),
    fc.record({ kind: fc.constant('header'), field: small(0, 1), value: fc.constantFrom(0, 1, 16383, 16384, 100000, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1) }),
  );
  let decoded = 0;
  check(fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.constantFrom(undefined, { limitInputPixels: 64 }),
    (fileIndex, mutations, fix, options) => {
      let bytes = FILES[fileIndex % FILES.length].slice();
      for (const m of mutations) {
        if (bytes.length === 0) break;
        const at = m.at % bytes.length;
        if (m.kind === 'flip') bytes[at] ^= 1 << m.bit;
        else if (m.kind === 'set') bytes[at] = m.value;
        else if (m.kind === 'cut') bytes = bytes.slice(0, at);
        else if (m.kind === 'header' && bytes.length >= 24) new DataView(bytes.buffer).setUint32(16 + 4 * m.field, m.value);
        else if (m.kind === 'splice') {
          const other = FILES[m.file % FILES.length];
          const from = m.from % other.length;
          const piece = other.subarray(from, from + m.length);
          bytes = Uint8Array.from([...bytes.subarray(0, at), ...piece, ...bytes.subarray(at)]);
        }
      }
      if (fix) fixCrcs(bytes);
      if (decodesOrRejects(bytes, options)) decoded++;
      else assert.equal(decodePng(GOOD_PNG).data, GOOD_PIXELS, 'a valid decode right after the rejection');
    }), 9, 600);
  assert.ok(decoded > 0, 'no mutated file decoded: the mutations never reached past the checks');
});

png('the codec on node:zlib and on fflate (the browser entry) give the same answer', () => {
  // The browser entry promises the Node entry's bytes exactly, and the same rejections: mutated
  // files, and trailing zlib data after the IDAT stream (an IDAT chunk repeated), which once split them.
  const same = (bytes) => {
    const outcome = (decode) => {
      try {
        return Array.from(decode(bytes.slice()).data).join();
      } catch (e) {
        assert.ok(e instanceof Error && /PNG|limitInputPixels/.test(e.message), `${e?.constructor?.name}: ${e?.message}`);
        return `rejected (${e.constructor.name})`;
      }
    };
    const node = outcome(decodePng), platform = outcome(codec.decodePng);
    assert.ok(node === platform, `Node ${node.startsWith('rejected') ? node : 'decodes'}, codec ${platform.startsWith('rejected') ? platform : 'decodes'}`);
  };
  for (const file of FILES) {
    const view = new DataView(file.buffer);
    let at = 8;
    while (at + 8 <= file.length && String.fromCharCode(...file.subarray(at + 4, at + 8)) !== 'IDAT') at += 12 + view.getUint32(at);
    if (at + 8 > file.length) continue;
    const idat = file.subarray(at, at + 12 + view.getUint32(at));
    same(Uint8Array.from([...file.subarray(0, at), ...idat, ...file.subarray(at)]));
  }
  check(fc.property(fc.nat(), fc.array(fc.tuple(fc.nat(), small(0, 7)), { minLength: 1, maxLength: 3 }), fc.boolean(), (fileIndex, flips, fix) => {
    const bytes = FILES[fileIndex % FILES.length].slice();
    for (const [at, bit] of flips) bytes[at % bytes.length] ^= 1 << bit;
    if (fix) fixCrcs(bytes);
    same(bytes);
  }), 11, 400);
});

png('a header claiming 100000 × 100000 is refused at once, with little memory', () => {
  const bytes = FILES[0].slice();
  const view = new DataView(bytes.buffer);
  view.setUint32(16, 100000);
  view.setUint32(20, 100000);
  fixCrcs(bytes);
  const t = performance.now();
  const rss = process.memoryUsage().rss;
  let error;
  try {
    decodePng(bytes);
  } catch (e) {
    error = e;
  }
  assert.instance(error, RangeError);
  assert.match(error.message, /limitInputPixels/);
  assert.ok(performance.now() - t < 50, 'took over 50 ms');
  assert.ok(process.memoryUsage().rss - rss < 32 * 2 ** 20, 'RSS grew by over 32 MB');
  stillRight(wasmMemoryBytes(), 'after the huge header');
});

png.run();
