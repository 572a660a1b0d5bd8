import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { toUint8 } from '../dist/core/index.js';
import { assertThrows } from './helpers.mjs';

const u8 = suite('toUint8');
const img = (values, channels = 1) => ({ width: values.length / channels, height: 1, channels, data: Float32Array.from(values) });
const run = (values, options) => Array.from(toUint8(img(values), options).data);

u8('clamp rounds half to even, then clips (OpenCV saturate_cast)', () => {
  assert.equal(run([0.5, 1.5, 2.5, 3.5, 254.5, 253.5, -0.5, -3, 255.4, 255.5, 300, 1.4999, 127.50001]),
    [0, 2, 2, 4, 254, 254, 0, 0, 255, 255, 255, 1, 128]);
  const out = toUint8(img([1, 2, 3, 4, 5, 6], 3));
  assert.instance(out.data, Uint8Array);
  assert.equal([out.width, out.height, out.channels], [2, 1, 3]);
});

u8('abs takes |v| first', () => {
  assert.equal(run([-0.5, -1.5, -300, -12.25, 12.75], { map: 'abs' }), [0, 2, 255, 12, 13]);
});

u8('normalize stretches min..max over all channels', () => {
  assert.equal(run([-10, 0, 10], { map: 'normalize' }), [0, 128, 255]);
  assert.equal(run([5, 5, 5], { map: 'normalize' }), [0, 0, 0]);
  assert.equal(Array.from(toUint8(img([0, 50, 100, 200], 2), { map: 'normalize' }).data), [0, 64, 128, 255]);
});

u8('NaN and Infinity', () => {
  assert.equal(run([NaN, Infinity, -Infinity, 7]), [0, 255, 0, 7]);
  assert.equal(run([NaN, Infinity, 0, 10, -Infinity], { map: 'normalize' }), [0, 255, 0, 255, 0]);
  assert.equal(run([NaN, -Infinity], { map: 'abs' }), [0, 255]);
});

u8('integer inputs pass through or clip', () => {
  const u16 = { width: 3, height: 1, channels: 1, data: Uint16Array.from([0, 200, 65535]) };
  assert.equal(Array.from(toUint8(u16).data), [0, 200, 255]);
});

u8('bad arguments', () => {
  assertThrows(() => toUint8(img([1]), { map: 'scale' }), RangeError, /options\.map/);
  assertThrows(() => toUint8(img([1]), { map: 1 }), TypeError, /options\.map/);
  assertThrows(() => toUint8(img([1]), { mode: 'abs' }), TypeError, /options\.mode/);
  assertThrows(() => toUint8({ width: 1, height: 1, channels: 1, data: [1] }), TypeError, /image\.data/);
  assert.equal(run([3.5]), [4]);
});

u8.run();
