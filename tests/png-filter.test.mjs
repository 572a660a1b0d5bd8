// PNG's row filters in WebAssembly (src/core/wasm/png-rows.ts, assembly/filter.ts) against the
// JavaScript `filterRow` they replace in the streamed encoder: every filter type, pixel sizes of
// 1–8 bytes, row lengths around the 16-byte SIMD step, with and without a row above, and blocks
// larger than one call's share; and a pngjs round trip of rows filtered this way. Then the other
// way: both unfilters (JavaScript's `unfilterRows`, WebAssembly's `unfilterRowsWasm`) against the
// spec's definitions written out below, on random rows of mixed filter types.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deflateSync } from 'node:zlib';
import pngjs from 'pngjs';
import { filterRows, filterRowsWasm, unfilterRows, unfilterRowsWasm } from '../dist/internal.js';
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

/** PNG spec section 9.4's Paeth predictor as the spec writes it, with its branches. */
function specPaeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  if (pb <= pc) return b;
  return c;
}

/** Spec section 9 unfiltering, a byte at a time: rows as `unfilterRows` takes them. */
function specUnfilter(buf, at, rows, n, bpp, first) {
  for (let i = 0; i < rows; i++) {
    const r = at + i * (n + 1);
    const type = buf[r];
    if (type > 4) return i;
    const above = i === 0 && first ? null : r - n - 1;
    for (let x = 0; x < n; x++) {
      const a = x >= bpp ? buf[r + 1 + x - bpp] : 0;
      const b = above === null ? 0 : buf[above + 1 + x];
      const c = above === null || x < bpp ? 0 : buf[above + 1 + x - bpp];
      const pred = [0, a, b, (a + b) >> 1, specPaeth(a, b, c)][type];
      buf[r + 1 + x] = (buf[r + 1 + x] + pred) & 255;
    }
  }
  return -1;
}

test('both unfilters equal the spec byte for byte: every type, bpp and length, rows of mixed types, first or not', () => {
  const r = rng(2029);
  for (let t = 0; t < 600; t++) {
    const bpp = r.pick([1, 2, 3, 4, 6, 8]);
    const n = bpp * r.int(1, 60);
    const rows = r.int(1, 7);
    const first = r.chance(0.5);
    // The row above (when not first), then the rows: random bytes and runs of equal ones (Paeth's ties).
    const buf = Uint8Array.from({ length: (rows + 1) * (n + 1) }, () => (r.chance(0.3) ? 200 : r.int(0, 255)));
    const one = r.chance(0.5) ? r.int(0, 4) : -1; // every row the same type, or each its own
    for (let i = 1; i <= rows; i++) buf[i * (n + 1)] = one >= 0 ? one : r.int(0, 4);
    const want = buf.slice();
    assert.is(specUnfilter(want, n + 1, rows, n, bpp, first), -1);
    for (const [name, unfilter] of [['js', unfilterRows], ['wasm', unfilterRowsWasm]]) {
      const got = buf.slice();
      assert.is(unfilter(got, n + 1, rows, n, bpp, first), -1, name);
      const at = got.findIndex((v, i) => v !== want[i]);
      assert.is(at, -1, `${name}: bpp ${bpp} n ${n} rows ${rows} first ${first}: byte ${at} is ${got[at]}, want ${want[at]}`);
    }
  }
});

test('both unfilters undo the filters of whole photos-sized blocks, over more than one call of the module', () => {
  const r = rng(2030);
  for (const [bpp, n, rows] of [[3, 3 * 1500, 40], [4, 4 * 999, 37], [1, 100003, 3], [8, 8 * 700, 30], [6, 6 * 501, 50], [2, 2 * 3001, 25]]) {
    // Smooth-ish rows (a ramp plus noise), as photos are, so that every Paeth choice occurs.
    const src = Uint8Array.from({ length: rows * n }, (_, i) => ((i % n) + Math.floor(i / n) * 3 + r.int(0, 40)) & 255);
    for (const type of [1, 2, 3, 4]) {
      const filtered = new Uint8Array((rows + 1) * (n + 1));
      filterRows(type, src, null, rows, n, bpp, filtered, n + 1);
      for (const [name, unfilter] of [['js', unfilterRows], ['wasm', unfilterRowsWasm]]) {
        const got = filtered.slice();
        assert.is(unfilter(got, n + 1, rows, n, bpp, true), -1);
        for (let y = 0; y < rows; y++) {
          const row = got.subarray((y + 1) * (n + 1) + 1, (y + 2) * (n + 1));
          const x = row.findIndex((v, i) => v !== src[y * n + i]);
          if (x >= 0) assert.unreachable(`${name} type ${type} bpp ${bpp}: row ${y} byte ${x} is ${row[x]}, want ${src[y * n + x]}`);
        }
      }
    }
  }
});

test('both unfilters report the first row with an unknown filter type, the rows before it unfiltered', () => {
  const r = rng(2031);
  const n = 30, rows = 6, bpp = 3;
  const buf = Uint8Array.from({ length: (rows + 1) * (n + 1) }, () => r.int(0, 255));
  for (let i = 1; i <= rows; i++) buf[i * (n + 1)] = i === 5 ? 7 : 4;
  const want = buf.slice();
  specUnfilter(want, n + 1, 4, n, bpp, true);
  for (const [name, unfilter] of [['js', unfilterRows], ['wasm', unfilterRowsWasm]]) {
    const got = buf.slice();
    assert.is(unfilter(got, n + 1, rows, n, bpp, true), 4, name);
    assert.equal(got.subarray(0, 5 * (n + 1)), want.subarray(0, 5 * (n + 1)), name);
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
