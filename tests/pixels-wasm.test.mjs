// toUint8 on float32 and toGrayscale on 8/16-bit data run in WebAssembly (src/core/wasm/pixels.ts,
// assembly/pixels.ts), a chunk of 2^18 pixels at a time. Checked here against the formulas they
// promise, written out plainly in JavaScript, on seeded random images larger than one chunk, with
// the values where rounding and clipping decide (ties, NaN, ±Infinity, just above 255).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { toGrayscale, toUint8 } from '../dist/node/index.js';
import { wasmMemoryBytes } from '../dist/internal.js';
import { rng } from './helpers.mjs';

/** OpenCV's saturate_cast: round half to even, clip to 0..max, NaN → 0. */
function saturate(v, max) {
  if (!(v > 0)) return 0;
  if (v >= max) return max;
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function referenceUint8(data, map) {
  const out = new Uint8Array(data.length);
  if (map === 'normalize') {
    let lo = Infinity, hi = -Infinity;
    for (const v of data) {
      if (v < lo && v > -Infinity) lo = v;
      if (v > hi && v < Infinity) hi = v;
    }
    if (hi > lo) for (let i = 0; i < data.length; i++) out[i] = saturate(((data[i] - lo) * 255) / (hi - lo), 255);
    return out;
  }
  for (let i = 0; i < data.length; i++) out[i] = saturate(map === 'abs' ? Math.abs(data[i]) : data[i], 255);
  return out;
}

const SPECIAL = [NaN, Infinity, -Infinity, 0.5, 1.5, 2.5, 254.5, 255.49, 255.5, 256, -0.5, -1.5, -254.5, 1e30, -1e30];

function randomFloats(r, n) {
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    data[i] = r.chance(0.02) ? r.pick(SPECIAL) : r.chance(0.3) ? r.int(-300, 300) + 0.5 : (r() - 0.3) * 400;
  }
  return data;
}

function firstDifference(a, b) {
  const i = a.findIndex((v, k) => v !== b[k]);
  return i < 0 ? '' : `at ${i}: got ${a[i]}, want ${b[i]}`;
}

const bytes = suite('toUint8 on float32 in WebAssembly');

bytes('every map equals the plain formula, across chunk boundaries', () => {
  const r = rng(1501);
  for (const [width, height, channels] of [[1, 1, 1], [7, 3, 2], [513, 512, 1], [300, 400, 3]]) {
    const image = { width, height, channels, data: randomFloats(r, width * height * channels) };
    for (const map of ['clamp', 'abs', 'normalize']) {
      const got = toUint8(image, { map }).data;
      const want = referenceUint8(image.data, map);
      assert.ok(got.length === want.length && got.every((v, i) => v === want[i]), `${width}×${height}×${channels} ${map} ${firstDifference(got, want)}`);
    }
  }
});

bytes('normalize gives 0 for constant images and images without a finite value', () => {
  for (const fill of [3.25, NaN, Infinity]) {
    const image = { width: 600, height: 500, channels: 1, data: new Float32Array(300000).fill(fill) };
    assert.ok(toUint8(image, { map: 'normalize' }).data.every((v) => v === 0), String(fill));
  }
  // One finite value among infinities: constant, so all 0; two make a range.
  const data = new Float32Array(300000).fill(Infinity);
  data[299999] = 5;
  assert.ok(toUint8({ width: 300000, height: 1, channels: 1, data }, { map: 'normalize' }).data.every((v) => v === 0));
  data[0] = 7;
  const out = toUint8({ width: 300000, height: 1, channels: 1, data }, { map: 'normalize' }).data;
  assert.equal([out[0], out[1], out[299999]], [255, 255, 0]);
});

bytes('a shared input gives the same bytes, and memory stays as it was after the first call', () => {
  const r = rng(1502);
  const plain = randomFloats(r, 290000);
  const shared = new Float32Array(new SharedArrayBuffer(plain.byteLength));
  shared.set(plain);
  const first = toUint8({ width: 290, height: 1000, channels: 1, data: plain }, { map: 'abs' }).data;
  const memory = wasmMemoryBytes();
  assert.equal(toUint8({ width: 290, height: 1000, channels: 1, data: shared }, { map: 'abs' }).data, first);
  assert.is(wasmMemoryBytes(), memory);
});

bytes.run();

const gray = suite('toGrayscale on 8- and 16-bit data in WebAssembly');

gray('BT.601, BT.709 and custom weights equal the plain formula for 3 and 4 channels', () => {
  const r = rng(1503);
  const weightsList = [undefined, 'bt709', [0.5, 0.25, 0.25], [1.2, -0.3, 0.1], [0.3333, 0.3333, 0.3334]];
  for (const Type of [Uint8Array, Uint8ClampedArray, Uint16Array]) {
    const max = Type === Uint16Array ? 65535 : 255;
    for (const channels of [3, 4]) {
      const [width, height] = r.chance(0.5) ? [601, 500] : [13, 7];
      const data = new Type(width * height * channels);
      for (let i = 0; i < data.length; i++) data[i] = r.chance(0.05) ? r.pick([0, max, 1, max - 1]) : r.int(0, max);
      for (const weights of weightsList) {
        const got = toGrayscale({ width, height, channels, data }, weights === undefined ? undefined : { weights });
        assert.instance(got.data, Type);
        const want = new Type(width * height);
        for (let i = 0; i < want.length; i++) {
          const p = i * channels;
          if (weights === undefined) want[i] = Math.floor((data[p] * 9798 + data[p + 1] * 19235 + data[p + 2] * 3735 + 16384) / 32768);
          else {
            const [wr, wg, wb] = weights === 'bt709' ? [0.2126, 0.7152, 0.0722] : weights;
            want[i] = saturate(wr * data[p] + wg * data[p + 1] + wb * data[p + 2], max);
          }
        }
        assert.ok(got.data.every((v, i) => v === want[i]), `${Type.name} ${channels}ch ${JSON.stringify(weights)} ${firstDifference(got.data, want)}`);
      }
    }
  }
});

gray.run();
