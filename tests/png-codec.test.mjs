// The one PNG codec (src/core/png/) on both of its zlibs: the browser entry's (fflate) checked in
// Node against the Node entry's (node:zlib), and both against pngjs (tests/pngjs-reference.mjs):
// same pixels for every PngSuite file, the same verdict on every x*.png and on thousands of seeded
// mutations, round trips through encodePng, and the argument errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { allocImage, decodePng as nodeDecodePng, encodePng as nodeEncodePng, readPng } from '../dist/node/index.js';
import { browserPng, crc32, nodePng, pngFflate } from '../dist/internal.js';
import { referenceDecodePng } from './pngjs-reference.mjs';
const { decodePng, encodePng } = browserPng;
const { deflateLength } = pngFflate;
import { randomImage, rng } from './helpers.mjs';

const SUITE_DIR = new URL('./fixtures/pngsuite/', import.meta.url).pathname;
const EXPECTED = JSON.parse(readFileSync(new URL('./fixtures/pngsuite-expected.json', import.meta.url), 'utf8'));
const pngNames = (dir) => readdirSync(join(SUITE_DIR, dir)).filter((f) => f.endsWith('.png')).map((f) => join(dir, f));
const ALL = [...pngNames('.'), ...pngNames('png-parse-data'), ...pngNames('other')];
const isCorrupt = (name) => /(^|\/)x[^/]*$/.test(name);
const load = (name) => new Uint8Array(readFileSync(join(SUITE_DIR, name)));
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** What a decoder makes of `bytes`: its pixels, or the error it throws. */
function outcome(decode, bytes) {
  try {
    const { width, height, channels, data } = decode(bytes);
    return { width, height, channels, data };
  } catch (error) {
    return { error };
  }
}

function sameImage(a, b) {
  return a.width === b.width && a.height === b.height && a.channels === b.channels &&
    a.data.length === b.data.length && Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) === 0;
}

// Chunks in and out, with correct CRCs, to build files that reach the checks behind the CRC.
function chunksOf(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks = [];
  for (let at = 8; at < bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    chunks.push({ type, data: bytes.slice(at + 8, at + 8 + length) });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  return chunks;
}

function fileOf(chunks) {
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (const { type, data } of chunks) {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    out.set(data, 8);
    out.writeUInt32BE(crc32(out, 4, 8 + data.length), 8 + data.length);
    parts.push(out);
  }
  return new Uint8Array(Buffer.concat(parts));
}

/** Replaces the IDAT chunks by one holding `f(the zlib stream)`. */
function withStream(chunks, f) {
  const idats = chunks.filter((c) => c.type === 'IDAT');
  const stream = Buffer.concat(idats.map((c) => c.data));
  const out = chunks.filter((c) => c.type !== 'IDAT');
  out.splice(chunks.indexOf(idats[0]), 0, { type: 'IDAT', data: new Uint8Array(f(stream, inflateSync(stream))) });
  return out;
}

/**
 * The agreement rule: both decoders throw, or both give the same pixels. One exception, which
 * fflate makes possible: a zlib stream that breaks a rule of zlib's (a stored block's NLEN, a
 * malformed Huffman table) yet still inflates to the right bytes with a matching Adler-32. Node
 * refuses it; the codec decodes it, and then its pixels must be those of the file before the
 * damage.
 */
function assertAgree(bytes, original, label) {
  const node = outcome(nodeDecodePng, bytes);
  const mine = outcome(decodePng, bytes);
  if (mine.error) {
    assert.ok(/PNG/.test(mine.error.message) || mine.error instanceof RangeError, `${label}: codec error ${mine.error.message}`);
  }
  const reference = outcome(referenceDecodePng, bytes);
  assert.is(Boolean(node.error), Boolean(reference.error), `${label}: Node ${node.error?.message ?? 'decodes'}, pngjs ${reference.error?.message ?? 'decodes'}`);
  if (!node.error) assert.ok(sameImage(node, reference), `${label}: Node's pixels differ from pngjs's`);
  if (node.error && mine.error) return 'both threw';
  if (!node.error && !mine.error) {
    assert.ok(sameImage(node, mine), `${label}: pixels differ from Node's`);
    return 'same';
  }
  assert.ok(!mine.error, `${label}: Node decodes it, the codec throws ${mine.error?.message}`);
  assert.match(node.error.message, /zlib/, `${label}: Node's reason is not zlib's: ${node.error.message}`);
  assert.ok(sameImage(mine, original), `${label}: the codec accepted a damaged stream and gave other pixels`);
  return 'zlib-only';
}

// ---------------------------------------------------------------------------------------------

const suiteFiles = suite('png-codec decodePng on PngSuite');

suiteFiles('gives exactly pngjs\'s pixels on both zlibs for every valid file, and OpenCV\'s checksums', () => {
  let count = 0;
  for (const name of ALL.filter((n) => !isCorrupt(n))) {
    const bytes = load(name);
    const want = referenceDecodePng(bytes);
    const got = decodePng(bytes);
    assert.ok(sameImage(got, want), `${name}`);
    assert.ok(sameImage(nodeDecodePng(bytes), want), `${name} (node:zlib)`);
    assert.instance(got.data, Uint8Array);
    if (EXPECTED[name]) assert.is(sha256(got.data), EXPECTED[name].sha256, `${name} sha256`);
    count++;
  }
  assert.ok(count >= 170, `only ${count} valid files`);
});

suiteFiles('Node\'s WebAssembly row work (unfilter, expand to RGBA) gives the JavaScript codec\'s pixels: every filter, 8 and 16 bits, 1–4 channels, many blocks', () => {
  const r = rng(2032);
  for (let t = 0; t < 60; t++) {
    const channels = r.int(1, 4);
    const Type = r.chance(0.25) ? Uint16Array : Uint8Array;
    // Widths around the SIMD steps (4, 8 and 16 pixels); some images span several 128 KiB blocks.
    const width = t % 6 === 0 ? r.int(600, 1500) : r.int(1, 70);
    const height = t % 6 === 0 ? r.int(30, 90) : r.int(1, 12);
    const image = randomImage(r, width, height, channels, Type);
    // Smooth runs as well as noise, so that Paeth's ties and every choice occur.
    for (let i = 0; i < image.data.length; i += 2) image.data[i] = (i * 5) & (Type === Uint16Array ? 65535 : 255);
    const filter = ['none', 'sub', 'up', 'average', 'paeth'][t % 5];
    const bytes = nodeEncodePng(image, { filter, compressionLevel: 1 });
    const label = `${width}×${height}×${channels} ${Type.name} ${filter}`;
    assert.ok(sameImage(nodeDecodePng(bytes), decodePng(bytes)), label);
    assert.ok(sameImage(nodeDecodePng(bytes, { depth: 16 }), decodePng(bytes, { depth: 16 })), `${label}, depth 16`);
    if (t % 6 === 0) assert.ok(sameImage(nodeDecodePng(bytes), referenceDecodePng(bytes)), `${label}: pngjs`);
  }
});

suiteFiles('throws an Error that says PNG for every x*.png', () => {
  const corrupt = ALL.filter(isCorrupt);
  assert.ok(corrupt.length >= 14);
  for (const name of corrupt) {
    const { error } = outcome(decodePng, load(name));
    assert.ok(error instanceof Error && /Invalid PNG/.test(error.message), `${name}: ${error?.message ?? 'decoded'}`);
    assert.ok(outcome(nodeDecodePng, load(name)).error, `${name}: Node throws too`);
  }
});

suiteFiles('in Node, falls back to fflate where zlib.Inflate lacks the native engine it drives, with the same pixels', () => {
  // node/png.ts drives zlib.Inflate's `_handle.writeSync`; a Node without it must still decode.
  const want = new Map(ALL.filter((n) => !isCorrupt(n)).map((n) => [n, referenceDecodePng(load(n))])); // pngjs needs zlib.Inflate whole
  const require = createRequire(import.meta.url);
  const zlib = require('node:zlib');
  const Original = zlib.Inflate;
  let made = 0;
  zlib.Inflate = function Inflate(...args) {
    made++;
    const inflate = new Original(...args);
    inflate._handle.writeSync = undefined;
    return inflate;
  };
  syncBuiltinESMExports();
  try {
    for (const name of ALL) {
      const bytes = load(name);
      const got = outcome(nodeDecodePng, bytes);
      if (isCorrupt(name)) assert.ok(got.error && /Invalid PNG/.test(got.error.message), `${name}: ${got.error?.message ?? 'decoded'}`);
      else assert.ok(sameImage(got, want.get(name)), name);
    }
  } finally {
    zlib.Inflate = Original;
    syncBuiltinESMExports();
  }
  assert.ok(made >= ALL.length - 20, `the patched zlib.Inflate was used (${made} times)`);
});

suiteFiles.run();

// ---------------------------------------------------------------------------------------------

const damage = suite('png-codec decodePng on damaged files (CRCs fixed, so the damage gets past them)');

const MUTATED = ['basn0g01.png', 'basi0g04.png', 'basn2c16.png', 'basi3p02.png', 'tbbn0g04.png', 'tbrn2c08.png',
  'tp1n3p08.png', 'basi6a16.png', 'basn4a08.png', 'tbwn0g16.png', 's07i3p02.png', 'f04n2c08.png', 'basn3p08.png'];

damage('agrees with Node on 3000 seeded mutations of chunks and of the zlib stream', () => {
  const r = rng(2024);
  const tally = { same: 0, 'both threw': 0, 'zlib-only': 0 };
  for (let i = 0; i < 3000; i++) {
    const name = r.pick(MUTATED);
    const original = decodePng(load(name));
    let chunks = chunksOf(load(name));
    const target = r.pick(chunks);
    const kind = r.int(0, 6);
    if (kind === 0 && target.data.length) target.data[r.int(0, target.data.length - 1)] ^= 1 << r.int(0, 7);
    else if (kind === 1 && target.data.length) target.data[r.int(0, target.data.length - 1)] = r.int(0, 255);
    else if (kind === 2) {
      const at = r.int(0, target.data.length);
      target.data = Uint8Array.from([...target.data.subarray(0, at), r.int(0, 255), ...target.data.subarray(at)]);
    } else if (kind === 3 && target.data.length) {
      const at = r.int(0, target.data.length - 1);
      target.data = Uint8Array.from([...target.data.subarray(0, at), ...target.data.subarray(at + 1)]);
    } else if (kind === 4) {
      chunks = withStream(chunks, (_, raw) => {
        const changed = Buffer.from(raw);
        changed[r.int(0, changed.length - 1)] = r.int(0, 255); // a bad filter type, or other pixels
        return deflateSync(changed);
      });
    } else if (kind === 5) {
      chunks = withStream(chunks, (z) => Buffer.concat([z, Buffer.from(Array.from({ length: r.int(1, 6) }, () => r.int(0, 255)))]));
    } else if (kind === 6) {
      chunks = withStream(chunks, (z) => {
        const changed = Buffer.from(z);
        changed[r.int(Math.max(0, z.length - 8), z.length - 1)] ^= 1 << r.int(0, 7); // the end and the Adler-32
        return changed;
      });
    }
    tally[assertAgree(fileOf(chunks), original, `mutation ${i} (kind ${kind}) of ${name}`)]++;
  }
  assert.ok(tally.same > 500 && tally['both threw'] > 500, JSON.stringify(tally));
});

damage('agrees with Node on hand-made edge cases of chunks and streams', () => {
  for (const name of ['basn2c08.png', 'basi2c08.png']) {
    const base = chunksOf(load(name));
    const original = decodePng(load(name));
    const insert = (type, data, where) => {
      const c = base.map((x) => ({ ...x }));
      c.splice(where === 'end' ? c.length - 1 : c.findIndex((x) => x.type === 'IDAT'), 0, { type, data: new Uint8Array(data) });
      return c;
    };
    const split = (size) => withStream(base, (z) => z).flatMap((c) => {
      if (c.type !== 'IDAT') return [c];
      const parts = [{ type: 'IDAT', data: new Uint8Array(0) }];
      for (let i = 0; i < c.data.length; i += size) parts.push({ type: 'IDAT', data: c.data.slice(i, i + size) });
      return parts;
    });
    const cases = {
      'gAMA of 0 bytes': insert('gAMA', [], 'before'),
      'gAMA of 3 bytes after IDAT': insert('gAMA', [0, 1, 2], 'end'),
      'gAMA of 8 bytes': insert('gAMA', [0, 0, 0xb1, 0x8f, 1, 2, 3, 4], 'before'),
      'empty ancillary chunks': insert('tEXt', [], 'before'),
      'IDAT split into 1-byte chunks, with an empty one': split(1),
      'IDAT split into 7-byte chunks': split(7),
      'bytes after the Adler-32': withStream(base, (z) => Buffer.concat([z, Buffer.from([1, 2, 3])])),
      'a byte between the deflate data and the Adler-32': withStream(base, (z) => Buffer.concat([z.subarray(0, -4), Buffer.from([0]), z.subarray(-4)])),
      'no Adler-32': withStream(base, (z) => z.subarray(0, -4)),
      'half an Adler-32': withStream(base, (z) => z.subarray(0, -2)),
      'stored blocks (level 0)': withStream(base, (_, raw) => deflateSync(raw, { level: 0 })),
      'level 9': withStream(base, (_, raw) => deflateSync(raw, { level: 9 })),
      'a preset dictionary flag': withStream(base, (z) => {
        const y = Buffer.from(z);
        y[1] |= 32;
        y[1] -= ((y[0] << 8) | y[1]) % 31;
        return y;
      }),
      'one row byte too many': withStream(base, (_, raw) => deflateSync(Buffer.concat([raw, Buffer.alloc(1)]))),
      'one row byte too few': withStream(base, (_, raw) => deflateSync(raw.subarray(0, -1))),
      'filter type 5': withStream(base, (_, raw) => {
        const y = Buffer.from(raw);
        y[0] = 5;
        return deflateSync(y);
      }),
      'a stored block whose NLEN is wrong': withStream(base, (_, raw) => {
        const y = deflateSync(raw, { level: 0 });
        y[5] ^= 0xff; // zlib checks NLEN = ~LEN; fflate does not (see assertAgree)
        return y;
      }),
    };
    for (const [label, chunks] of Object.entries(cases)) assertAgree(fileOf(chunks), original, `${name}: ${label}`);
  }
});

damage('a bad row is reported only if the stream is sound: a damaged stream is the first error, as before rows streamed', () => {
  for (const name of ['basn2c08.png', 'basi0g08.png']) {
    const chunks = chunksOf(load(name));
    const badRow = (raw) => {
      const out = Buffer.from(raw);
      out[0] = 9; // the first row's filter type
      return deflateSync(out);
    };
    const sound = fileOf(withStream(chunks, (_, raw) => badRow(raw)));
    const damaged = fileOf(withStream(chunks, (_, raw) => {
      const z = badRow(raw);
      z[z.length - 1] ^= 1; // the Adler-32
      return z;
    }));
    for (const [zlib, decode] of [['fflate', decodePng], ['node', nodeDecodePng]]) {
      assert.throws(() => decode(sound), /unknown filter type 9 in row 0/, `${name} ${zlib}`);
      assert.throws(() => decode(damaged), /incorrect data check/, `${name} ${zlib}`);
    }
  }
});

damage('both inflaters find where the deflate data ends, hand on bounded pieces, and stop a zlib bomb', () => {
  // The fflate inflater reads that position from fflate's stream state (deflateLength is its slow
  // fallback); Node's zlib says it itself. Bytes after the Adler-32 are refused by both.
  const r = rng(7);
  const inflaters = { fflate: pngFflate.fflateZlib, node: nodePng.nodeZlib };
  for (let i = 0; i < 60; i++) {
    const plain = Buffer.from(Array.from({ length: r.int(0, 5000) }, () => (r() < 0.7 ? 65 : r.int(0, 255))));
    const z = new Uint8Array(deflateSync(plain, { level: r.int(0, 9) }));
    const cut = r.int(0, z.length);
    const parts = [z.subarray(0, cut), z.subarray(cut)]; // as two IDAT chunks
    for (const [name, zlib] of Object.entries(inflaters)) {
      const pieces = [];
      zlib.inflateStream(parts, plain.length, (piece) => pieces.push(Buffer.from(piece)));
      assert.ok(Buffer.compare(Buffer.concat(pieces), plain) === 0, `${name}: stream ${i} output`);
      const trailing = [...parts, Uint8Array.of(9, 9, 9, 9, 9)];
      assert.throws(() => zlib.inflateStream(trailing, plain.length, () => {}), /5 bytes after the end of the zlib stream/, `${name}: stream ${i}`);
    }
    if (i % 6 === 0) assert.is(deflateLength(z.subarray(2)), z.length - 6, `stream ${i}, the slow way`);
  }
  // 64 MiB of zeros deflate to 64 KiB; the header allows 1000 bytes. Node's pieces are at most
  // INFLATE_PIECE (64 KiB) and stop one byte past the limit; fflate's stop after one 8 KiB input slice.
  const bomb = new Uint8Array(deflateSync(Buffer.alloc(64 << 20)));
  for (const [name, zlib] of Object.entries(inflaters)) {
    let made = 0;
    assert.throws(() => zlib.inflateStream([bomb], 1000, (piece) => {
      made += piece.length;
    }), /IDAT data inflates to more than 1000 bytes/, name);
    assert.ok(made <= 1000, `${name}: ${made} bytes handed on`);
  }
  let largest = 0;
  nodePng.nodeZlib.inflateStream([new Uint8Array(deflateSync(Buffer.alloc(1 << 20)))], 1 << 20, (piece) => {
    largest = Math.max(largest, piece.length);
  });
  assert.is(largest, 1 << 16, 'Node hands on pieces of at most 64 KiB');
});

damage.run();

// ---------------------------------------------------------------------------------------------

const encode = suite('png-codec encodePng');

encode('round-trips 1-4 channel images through both decoders, as the Node encoder\'s output does', () => {
  const r = rng(31);
  for (const channels of [1, 2, 3, 4]) {
    for (const Type of [Uint8Array, Uint8ClampedArray]) {
      const image = randomImage(r, r.int(1, 40), r.int(1, 30), channels, Type);
      // Smooth rows as well as noise, so every filter type gets chosen somewhere.
      for (let i = 0; i < image.data.length / 2; i++) image.data[i] = (i * 3) & 255;
      const bytes = encodePng(image);
      const viaNode = nodeDecodePng(bytes);
      const viaCodec = decodePng(bytes);
      const fromNodeEncoder = decodePng(nodeEncodePng(image));
      assert.ok(sameImage(viaNode, viaCodec), `${channels} channels: both decoders agree`);
      assert.ok(sameImage(viaNode, fromNodeEncoder), `${channels} channels: same pixels as the Node encoder's file`);
      const rgba = viaNode.data;
      for (let p = 0; p < image.width * image.height; p++) {
        const s = p * channels;
        const want = channels < 3
          ? [image.data[s], image.data[s], image.data[s], channels === 2 ? image.data[s + 1] : 255]
          : [image.data[s], image.data[s + 1], image.data[s + 2], channels === 4 ? image.data[s + 3] : 255];
        assert.equal(Array.from(rgba.subarray(p * 4, p * 4 + 4)), want, `${channels} channels, pixel ${p}`);
      }
    }
  }
});

encode('compresses about as well as the Node encoder (pngjs, zlib level 9)', () => {
  const flat = { width: 256, height: 256, channels: 3, data: new Uint8Array(256 * 256 * 3).fill(77) };
  const photo = nodeDecodePng(readFileSync(new URL('../assets/astronaut.png', import.meta.url)));
  for (const [label, image] of [['flat', flat], ['photo', photo]]) {
    const mine = encodePng(image).length;
    const node = nodeEncodePng(image).length;
    assert.ok(mine <= node * 1.25, `${label}: ${mine} bytes against Node's ${node}`);
  }
});

encode('rejects what the Node encoder rejects, naming the argument', () => {
  const ok = { width: 2, height: 1, channels: 1, data: new Uint8Array(2) };
  assert.throws(() => encodePng({ ...ok, data: new Float32Array(2) }), (e) => e instanceof TypeError && /image\.data/.test(e.message));
  assert.throws(() => encodePng({ ...ok, width: 0 }), (e) => e instanceof RangeError && /image\.width/.test(e.message));
  assert.throws(() => encodePng('png'), (e) => e instanceof TypeError && /image/.test(e.message));
  assert.is(decodePng(encodePng(ok)).width, 2);
});

encode.run();

// ---------------------------------------------------------------------------------------------

const args = suite('png-codec decodePng arguments');

args('bytes must be a Uint8Array or ArrayBuffer; options.limitInputPixels works as in Node', () => {
  const bytes = load('basn0g08.png'); // 32 × 32
  assert.throws(() => decodePng('x.png'), (e) => e instanceof TypeError && /bytes/.test(e.message));
  assert.throws(() => decodePng(Array.from(bytes)), (e) => e instanceof TypeError && /bytes/.test(e.message));
  assert.throws(() => decodePng(bytes, { limitInputPixels: 1023 }), (e) => e instanceof RangeError && /limitInputPixels/.test(e.message));
  assert.throws(() => decodePng(bytes, { limitInputPixels: 0 }), (e) => e instanceof RangeError && /limitInputPixels/.test(e.message));
  assert.throws(() => decodePng(bytes, { limitInputPixels: '1' }), (e) => e instanceof TypeError && /limitInputPixels/.test(e.message));
  assert.throws(() => decodePng(bytes, { limit: 5 }), (e) => e instanceof TypeError && /options\.limit/.test(e.message));
  assert.is(decodePng(bytes, { limitInputPixels: 1024 }).width, 32);
  assert.is(decodePng(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)).height, 32);
  assert.is(decodePng(bytes, { limitInputPixels: false }).data.length, 32 * 32 * 4);
});

args('a header that claims too many pixels is refused before inflating anything', () => {
  const chunks = chunksOf(load('basn0g08.png'));
  const header = chunks.find((c) => c.type === 'IHDR').data;
  new DataView(header.buffer, header.byteOffset).setUint32(0, 100000);
  new DataView(header.buffer, header.byteOffset).setUint32(4, 100000);
  assert.throws(() => decodePng(fileOf(chunks)), (e) => e instanceof RangeError && /limitInputPixels/.test(e.message));
});

args('Node: options.out decodes into the caller\'s array (every valid PngSuite file, 8 and 16 bits, reused across files); bad ones are refused by name', () => {
  const byLength = new Map(); // one array per size, reused by every file of that size
  const arrayFor = (Type, length) => {
    const key = `${Type.name} ${length}`;
    if (!byLength.has(key)) byLength.set(key, new Type(length).fill(7));
    return byLength.get(key);
  };
  let reused = 0;
  for (const name of ALL.filter((n) => !isCorrupt(n))) {
    const bytes = load(name);
    for (const depth of [8, 16]) {
      const want = nodeDecodePng(bytes, { depth });
      const Type = depth === 16 ? Uint16Array : Uint8Array;
      const out = arrayFor(Type, want.data.length);
      if (out[0] !== 7 || out.some((v) => v !== out[0])) reused++;
      const got = nodeDecodePng(bytes, { depth, out });
      assert.ok(got.data === out, `${name} depth ${depth}: the result's data is out`);
      assert.equal({ ...got, data: null }, { ...want, data: null }, `${name} depth ${depth}`);
      assert.ok(Buffer.compare(Buffer.from(out.buffer, out.byteOffset, out.byteLength), Buffer.from(want.data.buffer, want.data.byteOffset, want.data.byteLength)) === 0, `${name} depth ${depth}: pixels`);
    }
  }
  assert.ok(reused > 100, `arrays reused ${reused} times`);
  const bytes = load('basn0g08.png'); // 32 × 32
  const cases = [
    [{ out: new Uint8Array(32 * 32 * 4 - 1) }, RangeError, /4096 samples.*options\.out/],
    [{ out: new Uint8Array(32 * 32 * 4 + 4) }, RangeError, /options\.out/],
    [{ out: new Uint16Array(32 * 32 * 4) }, TypeError, /Expected a Uint8Array for options\.out/],
    [{ depth: 16, out: new Uint8Array(32 * 32 * 4) }, TypeError, /Expected a Uint16Array \(depth 16\) for options\.out/],
    [{ out: Array.from({ length: 4096 }, () => 0) }, TypeError, /options\.out/],
    [{ out: new Float32Array(4096) }, TypeError, /options\.out/],
    [{ out: 'pixels' }, TypeError, /options\.out/],
    // A bad depth is named as such, not as the wrong type of out.
    [{ depth: 12, out: new Uint16Array(4096) }, RangeError, /options\.depth/],
  ];
  for (const [options, Class, pattern] of cases) {
    assert.throws(() => nodeDecodePng(bytes, options), (e) => e instanceof Class && pattern.test(e.message), pattern.source);
    assert.is(nodeDecodePng(bytes).width, 32, 'works after the throw');
  }
  // A view of linear memory could be detached by the row work's growth in mid-decode: refused.
  const lin = allocImage(32, 32, 4, 'uint8');
  try {
    assert.throws(() => nodeDecodePng(bytes, { out: lin.data }), (e) => e instanceof RangeError && /allocImage.*options\.out/.test(e.message));
  } finally {
    lin.free();
  }
  // readPng takes the same option.
  const path = join(SUITE_DIR, 'basn0g08.png');
  const into = new Uint8Array(4096);
  assert.ok(readPng(path, { out: into }).data === into);
  assert.equal(into, nodeDecodePng(bytes).data);
  assert.throws(() => readPng(path, { out: new Uint8Array(5) }), (e) => e instanceof RangeError && e.message.startsWith(`${path}: `) && /options\.out/.test(e.message));
  assert.throws(() => readPng(path, { out: new Uint16Array(4096) }), (e) => e instanceof TypeError && /options\.out/.test(e.message));
  // A corrupt file still says so, with an array given.
  const chunks = chunksOf(bytes);
  chunks.find((c) => c.type === 'IDAT').data[3] ^= 0x55;
  assert.throws(() => nodeDecodePng(fileOf(chunks), { out: new Uint8Array(4096) }), (e) => e.constructor === Error && /Invalid PNG/.test(e.message));
});

args.run();
