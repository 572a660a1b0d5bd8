// PNG's row filters in WebAssembly (src/core/wasm/filter.ts, assembly/filter.ts) against the
// JavaScript `filterRow` they replace in the streamed encoder: every filter type, pixel sizes of
// 1–8 bytes, row lengths around the 16-byte SIMD step, with and without a row above, and blocks
// larger than one call's share; and a pngjs round trip of rows filtered this way.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deflateSync } from 'node:zlib';
import pngjs from 'pngjs';
import { filterRows, filterRowsWasm } from '../dist/internal.js';
import { rng } from './helpers.mjs';

function both(type, src, above, rows, n, bpp) {
  const js = new Uint8Array(rows * (n + 1) + 3).fill(7);
  const wasm = js.slice();
  filterRows(type, src, above, rows, n, bpp, js, 3);
  filterRowsWasm(type, src, above, rows, n, bpp, wasm, 3);
  return [js, wasm];
}

test('WASM filtering equals filterRow byte for byte: every type, bpp and length, with and without a row above', () => {
  const r = rng(2026);
  for (let t = 0; t < 400; t++) {
    const type = t % 5;
    const bpp = r.pick([1, 2, 3, 4, 6, 8]);
    const n = bpp * r.int(1, 70);
    const rows = r.int(1, 6);
    // Random bytes, and runs of equal bytes, where Paeth's ties decide.
    const src = Uint8Array.from({ length: rows * n }, () => (r.chance(0.3) ? 128 : r.int(0, 255)));
    const above = r.chance(0.5) ? Uint8Array.from({ length: n }, () => (r.chance(0.3) ? 128 : r.int(0, 255))) : null;
    const [js, wasm] = both(type, src, above, rows, n, bpp);
    const at = js.findIndex((v, i) => v !== wasm[i]);
    assert.is(at, -1, `type ${type} bpp ${bpp} n ${n} rows ${rows} above ${above !== null}: byte ${at} is ${wasm[at]}, want ${js[at]}`);
  }
});

test('blocks of many calls (rows of 100 KB) filter as one', () => {
  const r = rng(2027);
  const n = 100003, rows = 5;
  const src = Uint8Array.from({ length: rows * n }, () => r.int(0, 255));
  for (const type of [0, 1, 2, 3, 4]) {
    const [js, wasm] = both(type, src, null, rows, n, 1);
    assert.ok(js.every((v, i) => v === wasm[i]), `type ${type}`);
  }
});

test('rows filtered in WASM decode with pngjs to the image', () => {
  const r = rng(2028);
  const width = 61, height = 23, channels = 3, n = width * channels;
  const data = Uint8Array.from({ length: height * n }, (_, i) => ((i % n) * 3 + r.int(0, 20)) & 255);
  for (const type of [0, 1, 2, 3, 4]) {
    const filtered = new Uint8Array(height * (n + 1));
    filterRowsWasm(type, data, null, height, n, channels, filtered, 0);
    // pngjs decodes what we hand it: build the file around our IDAT by hand.
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0);
    ihdr.writeUInt32BE(height, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const chunk = (type4, body) => {
      const out = Buffer.alloc(12 + body.length);
      out.writeUInt32BE(body.length, 0);
      out.write(type4, 4, 'latin1');
      body.copy(out, 8);
      out.writeUInt32BE(crc(out.subarray(4, 8 + body.length)), 8 + body.length);
      return out;
    };
    const file = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(filtered)), chunk('IEND', Buffer.alloc(0))]);
    const decoded = pngjs.PNG.sync.read(file).data;
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) if (decoded[i * 4 + c] !== data[i * 3 + c]) assert.unreachable(`type ${type}: pixel ${i} channel ${c}`);
    }
  }
});

function crc(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

test.run();
