// decodePng, encodePng, readPng, writePng and the structural check behind them, on PngSuite
// (tests/fixtures/pngsuite), on malformed files built here with valid CRCs, and on the file system.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { deflateSync } from 'node:zlib';
import { decodePng, encodePng, readPng, writePng } from '../dist/node/index.js';
import pngjs from 'pngjs';
import { crc32 } from '../dist/internal.js';
import { pngChunk, rng } from './helpers.mjs';
import { referenceDecodePng } from './pngjs-reference.mjs';

const SUITE_DIR = new URL('./fixtures/pngsuite/', import.meta.url).pathname;
const EXPECTED = JSON.parse(readFileSync(new URL('./fixtures/pngsuite-expected.json', import.meta.url), 'utf8'));

const pngNames = (dir) => readdirSync(join(SUITE_DIR, dir)).filter((f) => f.endsWith('.png')).map((f) => join(dir, f));
const ALL = [...pngNames('.'), ...pngNames('png-parse-data'), ...pngNames('other')];
const isCorrupt = (name) => /(^|\/)x[^/]*$/.test(name);
const VALID = ALL.filter((name) => !isCorrupt(name));
const CORRUPT = ALL.filter(isCorrupt);
const load = (name) => new Uint8Array(readFileSync(join(SUITE_DIR, name)));

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Throws unless `f` throws an instance of `Class` whose message matches `pattern`. */
function assertThrows(f, Class, pattern, label = '') {
  let error;
  try {
    f();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `${label}: expected a ${Class.name}, nothing was thrown`);
  assert.ok(error instanceof Class, `${label}: expected a ${Class.name}, got ${error?.constructor?.name}: ${error?.message ?? error}`);
  assert.ok(pattern.test(error.message), `${label}: message ${JSON.stringify(error.message)} does not match ${pattern}`);
  return error;
}

/** After any throw, a valid decode must still give the right pixels. */
function assertDecodeStillWorks() {
  const image = decodePng(load('basn2c08.png'));
  assert.is(sha256(image.data), EXPECTED['basn2c08.png'].sha256);
}

// Building PNGs by hand, with correct CRCs, to reach the checks behind the CRC.
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const chunk = pngChunk;

function ihdr(width, height, { bitDepth = 8, colorType = 0, compression = 0, filter = 0, interlace = 0 } = {}) {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([bitDepth, colorType, compression, filter, interlace], 8);
  return chunk('IHDR', data);
}

function concat(...parts) {
  return new Uint8Array(Buffer.concat(parts));
}

const png = (...chunks) => concat(new Uint8Array(SIGNATURE), ...chunks);
/** 4 × 2 gray 8-bit pixel data: per row a filter byte (0) and four samples. */
const GRAY_ROWS = new Uint8Array([0, 10, 20, 30, 40, 0, 50, 60, 70, 80]);
const grayIdat = (rows = GRAY_ROWS) => chunk('IDAT', deflateSync(rows));
const IEND = chunk('IEND');
const goodGray = () => png(ihdr(4, 2), grayIdat(), IEND);

// ---------------------------------------------------------------------------------------------

const crc = suite('crc32');

crc('gives the standard check value and agrees with PngSuite chunk CRCs', () => {
  assert.is(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  const bytes = load('basn0g08.png');
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const length = view.getUint32(8); // IHDR
  assert.is(crc32(bytes, 12, 16 + length), view.getUint32(16 + length));
});

crc.run();

// ---------------------------------------------------------------------------------------------

const valid = suite('decodePng on valid PngSuite files');

valid('decodes every valid file to RGBA with the size its IHDR gives', () => {
  assert.ok(VALID.length >= 170, `found only ${VALID.length} valid files`);
  for (const name of VALID) {
    const bytes = load(name);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    const image = decodePng(bytes);
    assert.is(image.width, width, `${name} width`);
    assert.is(image.height, height, `${name} height`);
    assert.is(image.channels, 4, `${name} channels`);
    assert.is(image.data.length, width * height * 4, `${name} data length`);
  }
});

valid('matches OpenCV (libpng) pixels, mapped as pngjs maps them', () => {
  // Ground truth from scripts/pngsuite-expected.py.
  for (const [name, want] of Object.entries(EXPECTED)) {
    const image = decodePng(load(name));
    assert.is(image.width, want.width, `${name} width`);
    assert.is(image.height, want.height, `${name} height`);
    for (const [x, y, ...rgba] of want.samples) {
      const at = (y * image.width + x) * 4;
      assert.equal(Array.from(image.data.subarray(at, at + 4)), rgba, `${name} pixel (${x}, ${y})`);
    }
    assert.is(sha256(image.data), want.sha256, `${name} whole image`);
  }
});

valid('gives pngjs\'s pixels bit for bit on every valid file', () => {
  for (const name of VALID) {
    const bytes = load(name);
    assert.equal(decodePng(bytes).data, referenceDecodePng(bytes).data, name);
  }
});

valid('gives pngjs\'s pixels bit for bit on photos in every colour type, depth and interlace', () => {
  // The sample photo re-encoded by pngjs as gray, gray + alpha, RGB, RGBA at 8 and 16 bits, with
  // random alpha (PngSuite covers Adam7, palettes and the low depths).
  const photo = pngjs.PNG.sync.read(readFileSync(new URL('../assets/astronaut.png', import.meta.url)));
  const r = rng(11);
  for (let i = 0; i < photo.data.length; i += 4) photo.data[i + 3] = r.int(0, 255);
  let count = 0;
  for (const colorType of [0, 2, 4, 6]) {
    for (const bitDepth of [8, 16]) {
      const bytes = new Uint8Array(pngjs.PNG.sync.write(photo, { colorType, bitDepth, inputHasAlpha: true }));
      const mine = decodePng(bytes);
      assert.equal(mine.data, referenceDecodePng(bytes).data, `colour type ${colorType}, ${bitDepth} bits`);
      count++;
    }
  }
  assert.is(count, 8);
});

valid('returns a plain Uint8Array that owns its bytes, and leaves the input unchanged', () => {
  const bytes = load('basn0g01.png');
  const copy = bytes.slice();
  const { data } = decodePng(bytes);
  assert.is(Object.getPrototypeOf(data), Uint8Array.prototype);
  assert.is(data.byteOffset, 0);
  assert.is(data.buffer.byteLength, data.length);
  assert.equal(bytes, copy);
});

valid('accepts an ArrayBuffer and a Uint8Array view with an offset', () => {
  const bytes = load('basn6a08.png');
  const want = EXPECTED['basn6a08.png'].sha256;
  assert.is(sha256(decodePng(bytes.slice().buffer).data), want);
  const padded = new Uint8Array(bytes.length + 7);
  padded.set(bytes, 3);
  assert.is(sha256(decodePng(padded.subarray(3, 3 + bytes.length)).data), want);
});

valid('ignores bytes after IEND (png-parse-data/grayscale.png has some)', () => {
  const withTail = concat(goodGray(), new TextEncoder().encode('trailing junk'));
  assert.equal(decodePng(withTail), decodePng(goodGray()));
  assert.is(decodePng(load('png-parse-data/grayscale.png')).width, 16);
});

valid('skips unknown ancillary chunks and accepts a split, consecutive IDAT run', () => {
  const z = deflateSync(GRAY_ROWS);
  const split = png(ihdr(4, 2), chunk('teXt', [65, 0, 66]), chunk('IDAT', z.subarray(0, 5)),
    chunk('IDAT', []), chunk('IDAT', z.subarray(5)), chunk('zzZz', [1]), IEND);
  const image = decodePng(split);
  assert.equal(Array.from(image.data.subarray(0, 8)), [10, 10, 10, 255, 20, 20, 20, 255]);
});

valid.run();

// ---------------------------------------------------------------------------------------------

const corrupt = suite('decodePng on corrupt files');

// What each PngSuite x*.png is (PngSuite.README) and what our check must say about it.
// xdtn0g01 (no IDAT) is the one pngjs' sync reader returns as an image, about a third of the time,
// filled with uninitialised memory; the rest it rejects, if often for the wrong reason.
const X_REASONS = {
  'xc1n0g08.png': /colour type 1/,
  'xc9n2c08.png': /colour type 9/,
  'xcrn0g04.png': /signature/,
  'xcsn0g01.png': /bad CRC in IDAT/,
  'xd0n2c08.png': /bit depth 0/,
  'xd3n2c08.png': /bit depth 3/,
  'xd9n2c08.png': /bit depth 99/,
  'xdtn0g01.png': /no IDAT/,
  'xhdn0g08.png': /bad CRC in IHDR/,
  'xlfn0g04.png': /signature/,
  'xs1n0g01.png': /signature/,
  'xs2n0g01.png': /signature/,
  'xs4n0g01.png': /signature/,
  'xs7n0g01.png': /signature/,
};

corrupt('rejects every x*.png with an Error that says PNG and why', () => {
  assert.ok(CORRUPT.length >= 14, `found only ${CORRUPT.length} x*.png files`);
  for (const name of CORRUPT) {
    const e = assertThrows(() => decodePng(load(name)), Error, /^Invalid PNG: /, name);
    const reason = X_REASONS[name];
    assert.ok(reason, `${name}: no expected reason listed`);
    assert.ok(reason.test(e.message), `${name}: message ${JSON.stringify(e.message)} does not match ${reason}`);
    assertDecodeStillWorks();
  }
});

const MALFORMED = [
  ['an empty buffer', new Uint8Array(0), /signature/],
  ['no IEND', png(ihdr(4, 2), grayIdat()), /missing IEND/],
  ['IHDR not first', png(grayIdat(), ihdr(4, 2), IEND), /first chunk is IDAT/],
  ['two IHDRs', png(ihdr(4, 2), ihdr(4, 2), grayIdat(), IEND), /more than one IHDR/],
  ['a 12-byte IHDR', png(chunk('IHDR', ihdr(4, 2).subarray(8, 20)), grayIdat(), IEND), /IHDR chunk has length 12/],
  ['width 0', png(ihdr(0, 2), grayIdat(), IEND), /width 0/],
  ['height 2^31', png(ihdr(4, 2 ** 31), grayIdat(), IEND), /height 2147483648/],
  ['16-bit palette', png(ihdr(4, 2, { bitDepth: 16, colorType: 3 }), grayIdat(), IEND), /bit depth 16 .* colour type 3/],
  ['compression 1', png(ihdr(4, 2, { compression: 1 }), grayIdat(), IEND), /compression method 1/],
  ['filter method 1', png(ihdr(4, 2, { filter: 1 }), grayIdat(), IEND), /filter method 1/],
  ['interlace 2', png(ihdr(4, 2, { interlace: 2 }), grayIdat(), IEND), /interlace method 2/],
  ['PLTE in a gray image', png(ihdr(4, 2), chunk('PLTE', [1, 2, 3]), grayIdat(), IEND), /PLTE chunk in a gray image/],
  ['palette image without PLTE', png(ihdr(4, 2, { colorType: 3 }), grayIdat(), IEND), /missing PLTE/],
  ['PLTE of 4 bytes', png(ihdr(4, 2, { colorType: 3 }), chunk('PLTE', [1, 2, 3, 4]), grayIdat(), IEND), /multiple of 3/],
  ['3 PLTE entries at 1 bit', png(ihdr(4, 2, { bitDepth: 1, colorType: 3 }), chunk('PLTE', new Uint8Array(9)), grayIdat(), IEND), /3 entries/],
  ['PLTE after IDAT', png(ihdr(4, 2, { colorType: 2 }), grayIdat(), chunk('PLTE', [1, 2, 3]), IEND), /PLTE chunk after IDAT/],
  ['tRNS of 1 byte in gray', png(ihdr(4, 2), chunk('tRNS', [0]), grayIdat(), IEND), /tRNS chunk has length 1/],
  ['tRNS in RGBA', png(ihdr(4, 2, { colorType: 6 }), chunk('tRNS', [0, 0]), grayIdat(), IEND), /tRNS chunk in an image with alpha/],
  ['IDATs split by a chunk', png(ihdr(4, 2), grayIdat(), chunk('tEXt', [65, 0]), grayIdat(), IEND), /not consecutive/],
  ['an IEND with data', png(ihdr(4, 2), grayIdat(), chunk('IEND', [0])), /IEND chunk has length 1/],
  ['an unknown critical chunk', png(ihdr(4, 2), chunk('ABCD', [1]), grayIdat(), IEND), /unknown critical chunk ABCD/],
  ['a chunk type with a digit', png(ihdr(4, 2), chunk('ab1d', [1]), grayIdat(), IEND), /bad chunk type 0x61623164/],
  ['a chunk longer than the file', concat(png(ihdr(4, 2)), new Uint8Array([0, 0, 1, 0, 73, 68, 65, 84, 1, 2])), /truncated IDAT/],
  ['a chunk length over 2^31-1', concat(png(ihdr(4, 2)), new Uint8Array([0xff, 0xff, 0xff, 0xff, 73, 68, 65, 84])), /exceeds 2\^31-1/],
  // pngjs' sync reader returns uninitialised memory for these four, without an error.
  ['an empty IDAT stream', png(ihdr(4, 2), chunk('IDAT', []), IEND), /zlib/],
  ['IDAT that is not zlib', png(ihdr(4, 2), chunk('IDAT', [104, 101, 108, 108, 111]), IEND), /zlib/],
  ['a cut zlib stream', png(ihdr(4, 2), chunk('IDAT', deflateSync(GRAY_ROWS).subarray(0, 8)), IEND), /zlib/],
  ['too little pixel data', png(ihdr(4, 2), grayIdat(GRAY_ROWS.subarray(0, 7)), IEND), /inflates to 7 bytes, expected 10/],
  ['too much pixel data', png(ihdr(4, 2), grayIdat(new Uint8Array(11)), IEND), /inflates to more than 10 bytes/],
  ['an unknown row filter', png(ihdr(4, 2), grayIdat(new Uint8Array([9, 1, 2, 3, 4, 0, 1, 2, 3, 4])), IEND), /filter type/],
  ['a palette index past PLTE', png(ihdr(2, 1, { colorType: 3 }), chunk('PLTE', [1, 2, 3]), grayIdat(new Uint8Array([0, 0, 1])), IEND), /palette/],
];

for (const [label, bytes, reason] of MALFORMED) {
  corrupt(`rejects ${label}`, () => {
    assertThrows(() => decodePng(bytes), Error, /^Invalid PNG: /, label);
    assertThrows(() => decodePng(bytes), Error, reason, label);
    assertDecodeStillWorks();
  });
}

corrupt('rejects every truncation of several valid files', () => {
  for (const name of ['basn0g01.png', 'basi6a08.png', 'basn3p04.png', 'tbrn2c08.png', 's01i3p01.png', 'basn2c16.png']) {
    const bytes = load(name);
    for (let end = 0; end < bytes.length; end++) {
      assertThrows(() => decodePng(bytes.subarray(0, end)), Error, /^Invalid PNG: /, `${name} cut at ${end}`);
    }
  }
  assertDecodeStillWorks();
});

corrupt('rejects every single-byte change (the CRCs and the signature cover every byte)', () => {
  for (const name of ['basn0g01.png', 'basi3p02.png', 'basn3p04.png']) {
    const bytes = load(name);
    for (let at = 0; at < bytes.length; at++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = bytes.slice();
        bad[at] ^= mask;
        assertThrows(() => decodePng(bad), Error, /^Invalid PNG: /, `${name} byte ${at} ^ ${mask}`);
      }
    }
  }
  assertDecodeStillWorks();
});

corrupt('damaged pixel data behind valid CRCs throws an Error or decodes to the right size', () => {
  const r = rng(2024);
  const z = deflateSync(new Uint8Array(33 * 8).map((_, i) => (i % 33 === 0 ? r.int(0, 4) : r.int(0, 255))));
  for (let trial = 0; trial < 300; trial++) {
    const damaged = z.slice();
    for (let k = r.int(1, 3); k > 0; k--) damaged[r.int(0, damaged.length - 1)] = r.int(0, 255);
    const bytes = png(ihdr(32, 8), chunk('IDAT', damaged), IEND);
    try {
      assert.is(decodePng(bytes).data.length, 32 * 8 * 4);
    } catch (e) {
      assert.instance(e, Error);
      assert.match(e.message, /^Invalid PNG: /, `trial ${trial}`);
    }
  }
  assertDecodeStillWorks();
});

corrupt.run();

// ---------------------------------------------------------------------------------------------

const limits = suite('decodePng pixel limit and arguments');

const bomb = (width, height, bitDepth = 8) => png(ihdr(width, height, { bitDepth }), grayIdat(), IEND);

limits('rejects a header claiming 100000 × 100000 at once, as a RangeError', () => {
  const start = performance.now();
  assertThrows(() => decodePng(bomb(100000, 100000)), RangeError, /options\.limitInputPixels/, 'bomb');
  assert.ok(performance.now() - start < 100, 'took too long');
  assertDecodeStillWorks();
});

limits('with the limit off, a bomb fails on its pixel data without inflating it', () => {
  const start = performance.now();
  assertThrows(() => decodePng(bomb(30000, 30000, 1), { limitInputPixels: false }), Error, /^Invalid PNG: IDAT data inflates to 10 bytes/, 'bomb');
  assert.ok(performance.now() - start < 200, 'took too long');
  assertDecodeStillWorks();
});

limits('a number sets the limit: width × height may equal it, not exceed it', () => {
  assert.is(decodePng(goodGray(), { limitInputPixels: 8 }).width, 4);
  assertThrows(() => decodePng(goodGray(), { limitInputPixels: 7 }), RangeError, /4 × 2 = 8 pixels exceeds options\.limitInputPixels \(7\)/, '7');
  assert.is(decodePng(goodGray(), { limitInputPixels: true }).width, 4);
  assertDecodeStillWorks();
});

limits('rejects bad arguments by class, naming them', () => {
  const bytes = goodGray();
  for (const bad of [undefined, null, 'a.png', [137, 80], new Uint16Array(8), {}]) {
    assertThrows(() => decodePng(bad), TypeError, /for bytes but received/, String(bad));
  }
  assertThrows(() => decodePng(bytes, 5), TypeError, /for options /, 'options 5');
  assertThrows(() => decodePng(bytes, { limit: 5 }), TypeError, /options\.limit /, 'unknown option');
  assertThrows(() => decodePng(bytes, { limitInputPixels: '5' }), TypeError, /options\.limitInputPixels/, '"5"');
  for (const bad of [0, -1, 1.5, NaN, Infinity]) {
    assertThrows(() => decodePng(bytes, { limitInputPixels: bad }), RangeError, /positive integer for options\.limitInputPixels/, String(bad));
  }
  assertDecodeStillWorks();
});

limits.run();

// ---------------------------------------------------------------------------------------------

const encode = suite('encodePng');

function randomImage(r, width, height, channels, Type = Uint8Array) {
  return { width, height, channels, data: Type.from({ length: width * height * channels }, () => r.int(0, 255)) };
}

/** What decodePng gives back for an image of 1–4 channels. */
function asRgba({ width, height, channels, data }) {
  const out = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const px = data.subarray(i * channels, (i + 1) * channels);
    const rgba = channels < 3 ? [px[0], px[0], px[0], channels === 2 ? px[1] : 255] : [px[0], px[1], px[2], channels === 4 ? px[3] : 255];
    out.set(rgba, i * 4);
  }
  return out;
}

encode('round-trips 1, 2, 3 and 4 channels with colour types 0, 4, 2, 6', () => {
  const r = rng(7);
  const colorTypes = { 1: 0, 2: 4, 3: 2, 4: 6 };
  for (const channels of [1, 2, 3, 4]) {
    for (const [width, height] of [[1, 1], [7, 5], [64, 3]]) {
      const image = randomImage(r, width, height, channels);
      const before = image.data.slice();
      const bytes = encodePng(image);
      assert.is(Object.getPrototypeOf(bytes), Uint8Array.prototype);
      assert.is(bytes[24], 8, 'bit depth');
      assert.is(bytes[25], colorTypes[channels], `colour type for ${channels} channels`);
      const back = decodePng(bytes);
      assert.is(back.width, width);
      assert.is(back.height, height);
      assert.equal(back.data, asRgba(image), `${channels} channels ${width}×${height}`);
      assert.equal(image.data, before, 'input unchanged');
    }
  }
});

encode('every filter at every level gives a file pngjs decodes to the same pixels', () => {
  const r = rng(9);
  const photo = decodePng(readFileSync(new URL('../assets/astronaut.png', import.meta.url)));
  const crop = { width: 97, height: 41, channels: 4, data: photo.data.slice(0, 97 * 41 * 4) };
  for (const channels of [1, 2, 3, 4]) {
    // Smooth photo rows and noise rows, so every predictor meets both.
    const image = randomImage(r, 97, 41, channels);
    for (let i = 0; i < image.data.length / 2; i++) image.data[i] = crop.data[i];
    for (const filter of ['none', 'sub', 'up', 'average', 'paeth']) {
      for (const compressionLevel of [0, 1, 6, 9]) {
        const bytes = encodePng(image, { filter, compressionLevel });
        const label = `${channels} channels, ${filter}, level ${compressionLevel}`;
        const viaPngjs = pngjs.PNG.sync.read(Buffer.from(bytes));
        assert.equal(new Uint8Array(viaPngjs.data), asRgba(image), label);
        assert.equal(decodePng(bytes).data, asRgba(image), label);
        // One filter on every row, as asked: each row's filter-type byte.
        const { inflateSync } = zlib;
        const raw = inflateSync(Buffer.from(bytes.subarray(41, bytes.length - 16)));
        const types = new Set(Array.from({ length: 41 }, (_, y) => raw[y * (97 * channels + 1)]));
        assert.equal([...types], [['none', 'sub', 'up', 'average', 'paeth'].indexOf(filter)], label);
      }
    }
  }
});

encode('options: compressionLevel 0–9 and filter, each checked by class and named', () => {
  const ok = { width: 2, height: 1, channels: 1, data: new Uint8Array([3, 4]) };
  const cases = [
    [{ compressionLevel: 10 }, RangeError, /options\.compressionLevel/],
    [{ compressionLevel: -1 }, RangeError, /options\.compressionLevel/],
    [{ compressionLevel: 1.5 }, RangeError, /options\.compressionLevel/],
    [{ compressionLevel: '6' }, TypeError, /options\.compressionLevel/],
    [{ filter: 'best' }, RangeError, /options\.filter/],
    [{ filter: 4 }, TypeError, /options\.filter/],
    [{ level: 6 }, TypeError, /options\.level/],
    ['fast', TypeError, /options/],
  ];
  for (const [options, Class, pattern] of cases) {
    assertThrows(() => encodePng(ok, options), Class, pattern, JSON.stringify(options));
    assertThrows(() => writePng(join(tmpdir(), 'never-written.png'), ok, options), Class, pattern, JSON.stringify(options));
    assert.equal(Array.from(decodePng(encodePng(ok, { compressionLevel: 9, filter: 'paeth' })).data), [3, 3, 3, 255, 4, 4, 4, 255]);
  }
  assert.ok(!existsSync(join(tmpdir(), 'never-written.png')));
  // Level 0 stores: the file is larger than the pixels.
  const flat = { width: 64, height: 64, channels: 1, data: new Uint8Array(4096).fill(9) };
  assert.ok(encodePng(flat, { compressionLevel: 0 }).length > 4096);
  assert.ok(encodePng(flat, { compressionLevel: 9 }).length < 200);
});

encode('encodes a Uint8ClampedArray and a view with an offset by their own bytes', () => {
  const r = rng(8);
  const image = randomImage(r, 5, 4, 3, Uint8ClampedArray);
  assert.equal(decodePng(encodePng(image)).data, asRgba(image));
  const big = new Uint8Array(100).fill(99);
  const view = { width: 3, height: 2, channels: 1, data: big.subarray(10, 16).fill(7) };
  assert.equal(Array.from(decodePng(encodePng(view)).data.subarray(0, 4)), [7, 7, 7, 255]);
});

encode('rejects bad images by class, naming the argument', () => {
  const ok = { width: 2, height: 1, channels: 1, data: new Uint8Array(2) };
  const cases = [
    [undefined, TypeError, /for image but/],
    [{ ...ok, data: new Float32Array(2) }, TypeError, /toUint8.*image\.data/],
    [{ ...ok, data: [0, 0] }, TypeError, /image\.data/],
    [{ ...ok, data: new Uint8Array(3) }, RangeError, /image\.data/],
    [{ ...ok, channels: 5 }, RangeError, /image\.channels/],
    [{ ...ok, width: 0 }, RangeError, /image\.width/],
    [{ ...ok, height: '1' }, TypeError, /image\.height/],
  ];
  for (const [image, Class, pattern] of cases) {
    assertThrows(() => encodePng(image), Class, pattern, pattern.source);
    assert.equal(Array.from(decodePng(encodePng(ok)).data), [0, 0, 0, 255, 0, 0, 0, 255]);
  }
});

encode.run();

// ---------------------------------------------------------------------------------------------

const files = suite('readPng and writePng');

let dir;
files.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'conv2d-png-'));
});
files.after(() => rmSync(dir, { recursive: true, force: true }));

const IMAGE = { width: 3, height: 2, channels: 3, data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]) };
const entries = () => readdirSync(dir).sort();

files('writes a file that readPng reads back, synchronously', async () => {
  const path = join(dir, 'out.png');
  assert.is(writePng(path, IMAGE), undefined);
  assert.equal(readFileSync(path), Buffer.from(encodePng(IMAGE)));
  assert.equal(readPng(path).data, asRgba(IMAGE));
  assert.equal((await readPng(path)).data, asRgba(IMAGE), 'awaiting also works');
  assert.equal(entries(), ['out.png'], 'no temp file left');
});

files('replaces an existing file whole', () => {
  const path = join(dir, 'replace.png');
  writeFileSync(path, new Uint8Array(100000).fill(1));
  writePng(path, IMAGE);
  assert.equal(new Uint8Array(readFileSync(path)), encodePng(IMAGE));
});

files('a bad image throws before the disk is touched, leaving the target as it was', () => {
  const path = join(dir, 'keep.png');
  writeFileSync(path, 'old contents');
  const before = entries();
  assertThrows(() => writePng(path, { ...IMAGE, data: new Float32Array(18) }), TypeError, /image\.data/, 'float image');
  assertThrows(() => writePng(path, { ...IMAGE, channels: 4 }), RangeError, /image\.data/, 'wrong length');
  assert.is(readFileSync(path, 'utf8'), 'old contents');
  assert.equal(entries(), before);
});

files('a failed write leaves no temp file and the target unchanged', () => {
  assertThrows(() => writePng(join(dir, 'missing', 'out.png'), IMAGE), Error, /missing.out\.png: cannot write PNG/, 'no directory');
  assert.not.ok(existsSync(join(dir, 'missing')));
  // The rename fails when the target is a directory; the directory must survive untouched.
  const target = join(dir, 'is-a-dir.png');
  mkdirSync(target);
  writeFileSync(join(target, 'inside'), 'x');
  const before = entries();
  assertThrows(() => writePng(target, IMAGE), Error, /is-a-dir\.png: cannot write PNG/, 'directory target');
  assert.equal(entries(), before, 'no temp file left');
  assert.equal(readdirSync(target), ['inside']);
  writePng(join(dir, 'after.png'), IMAGE);
  assert.equal(readPng(join(dir, 'after.png')).data, asRgba(IMAGE));
});

files('readPng names a corrupt file and keeps the cause', () => {
  const path = join(dir, 'photo.png');
  const bytes = load('basn0g08.png');
  bytes[100] ^= 0xff; // inside IDAT
  writeFileSync(path, bytes);
  const e = assertThrows(() => readPng(path), Error, /photo\.png: Invalid PNG: bad CRC in IDAT chunk$/, 'corrupt');
  assert.ok(e.message.startsWith(`${path}: `), 'starts with the path as given');
  assert.instance(e.cause, Error);
  writeFileSync(path, bomb(100000, 100000));
  assertThrows(() => readPng(path), RangeError, /photo\.png: .*options\.limitInputPixels/, 'bomb');
  assertThrows(() => readPng(path, { limitInputPixels: false }), RangeError, /photo\.png: .*too large to decode/, 'bomb, no limit');
  assert.is(readPng(join(SUITE_DIR, 'basn0g08.png')).width, 32);
});

files('readPng passes options on, and a missing file is an Error', () => {
  const path = join(dir, 'small.png');
  writePng(path, IMAGE);
  assertThrows(() => readPng(path, { limitInputPixels: 5 }), RangeError, /small\.png: .*exceeds options\.limitInputPixels \(5\)/, 'limit');
  assertThrows(() => readPng(path, { limitInputPixels: 0 }), RangeError, /options\.limitInputPixels/, 'bad option');
  assertThrows(() => readPng(join(dir, 'nope.png')), Error, /nope\.png/, 'missing');
  assert.is(readPng(path).width, 3);
});

files('rejects a non-string path with a TypeError naming path', () => {
  for (const bad of [undefined, 42, Buffer.from('a.png'), new URL('file:///tmp/a.png')]) {
    assertThrows(() => readPng(bad), TypeError, /for path but received/, `readPng ${String(bad)}`);
    assertThrows(() => writePng(bad, IMAGE), TypeError, /for path but received/, `writePng ${String(bad)}`);
  }
  assert.is(readPng(join(SUITE_DIR, 'basn0g08.png')).width, 32);
});

files.run();
