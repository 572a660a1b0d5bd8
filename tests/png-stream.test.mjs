// PNG by rows (src/core/png/stream.ts): PngRowReader against the whole-file decodePng on every
// PngSuite file and on damaged ones, fed in pieces of every awkward size; PngRowWriter's files
// decoded by pngjs, across its deflate pieces, for every filter and level.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { decodePng } from '../dist/node/index.js';
import { encodeSettings, nodePng, PngRowReader, PngRowWriter } from '../dist/internal.js';
import { rng } from './helpers.mjs';

const SUITE_DIR = new URL('./fixtures/pngsuite/', import.meta.url).pathname;
const pngNames = (dir) => readdirSync(join(SUITE_DIR, dir)).filter((f) => f.endsWith('.png')).map((f) => join(dir, f));
const ALL = [...pngNames('.'), ...pngNames('png-parse-data'), ...pngNames('other')];
const isCorrupt = (name) => /(^|\/)x[^/]*$/.test(name);
const load = (name) => new Uint8Array(readFileSync(join(SUITE_DIR, name)));

/** The reader's image from `bytes` pushed in pieces of `sizes` (cycled), or the error it threw. */
function readByRows(bytes, sizes, limit = 16383 * 16383) {
  try {
    let image;
    let next = 0;
    const reader = new PngRowReader(limit, {
      header: (info) => { image = { width: info.width, height: info.height, channels: 4, data: new Uint8Array(info.width * info.height * 4) }; },
      row: (y, rgba) => {
        assert.is(y, next++, 'rows in order');
        image.data.set(rgba, y * image.width * 4);
      },
    });
    for (let at = 0, i = 0; at < bytes.length && !reader.complete; i++) {
      const n = sizes[i % sizes.length];
      reader.push(bytes.subarray(at, at + n));
      at += n;
    }
    reader.end();
    assert.is(next, image.height, 'every row');
    return image;
  } catch (error) {
    if (error.name === 'Assertion') throw error;
    return { error };
  }
}

function outcome(bytes) {
  try {
    return decodePng(bytes);
  } catch (error) {
    return { error };
  }
}

const reader = suite('PngRowReader');

reader('gives decodePng\'s rows for every valid PngSuite file, whatever the piece sizes', () => {
  let count = 0;
  for (const name of ALL.filter((n) => !isCorrupt(n))) {
    const bytes = load(name);
    const want = decodePng(bytes);
    for (const sizes of [[bytes.length], [1], [7, 1, 300], [4096]]) {
      const got = readByRows(bytes, sizes);
      assert.ok(!got.error, `${name} ${sizes}: ${got.error?.message}`);
      assert.equal(got.data, want.data, `${name} in pieces of ${sizes}`);
    }
    count++;
  }
  assert.ok(count >= 170);
});

reader('rejects every x*.png with an Error that says PNG', () => {
  for (const name of ALL.filter(isCorrupt)) {
    for (const sizes of [[1 << 20], [3]]) {
      const { error } = readByRows(load(name), sizes);
      assert.ok(error instanceof Error && /Invalid PNG/.test(error.message), `${name}: ${error?.message ?? 'decoded'}`);
    }
  }
});

reader('agrees with decodePng on 1500 seeded mutations and truncations', () => {
  const r = rng(1515);
  const names = ['basn0g01.png', 'basi0g04.png', 'basn2c16.png', 'basi3p02.png', 'tbbn0g04.png', 'tbrn2c08.png', 'tp1n3p08.png', 'basn6a08.png'];
  const tally = { same: 0, 'both threw': 0 };
  for (let i = 0; i < 1500; i++) {
    const bytes = load(r.pick(names));
    const kind = r.int(0, 2);
    let mutated = bytes;
    if (kind === 0) mutated = bytes.subarray(0, r.int(0, bytes.length - 1));
    else if (kind === 1) {
      mutated = bytes.slice();
      mutated[r.int(8, bytes.length - 1)] ^= 1 << r.int(0, 7);
    } else {
      // Damage behind valid CRCs: change a byte of a chunk's data and fix its CRC.
      mutated = bytes.slice();
      const view = new DataView(mutated.buffer);
      let at = 8;
      const chunks = [];
      while (at + 8 <= mutated.length) {
        const length = view.getUint32(at);
        chunks.push([at, length]);
        at += 12 + length;
      }
      const [c, length] = r.pick(chunks);
      if (length > 0) mutated[c + 8 + r.int(0, length - 1)] = r.int(0, 255);
      view.setUint32(c + 8 + length, nodePng.nodeZlib.crc32(mutated, c + 4, c + 8 + length));
    }
    const want = outcome(mutated);
    const got = readByRows(mutated, [r.int(1, 500)]);
    assert.is(Boolean(got.error), Boolean(want.error), `mutation ${i} (kind ${kind}): rows ${got.error?.message ?? 'decode'}, whole ${want.error?.message ?? 'decodes'}`);
    if (got.error) {
      assert.ok(/PNG/.test(got.error.message) || got.error instanceof RangeError, got.error.message);
      tally['both threw']++;
    } else {
      assert.equal(got.data, want.data, `mutation ${i}`);
      tally.same++;
    }
  }
  assert.ok(tally.same > 100 && tally['both threw'] > 300, JSON.stringify(tally));
});

reader('checks the pixel limit against IHDR before any pixel data', () => {
  const bytes = load('basn0g08.png'); // 32 × 32
  let rows = 0;
  const r = new PngRowReader(1023, { header: () => {}, row: () => rows++ });
  assert.throws(() => r.push(bytes.subarray(0, 33)), (e) => e instanceof RangeError && /limitInputPixels/.test(e.message));
  assert.is(rows, 0);
});

reader.run();

const writer = suite('PngRowWriter');

/** The deflater the file pipeline uses: Node's zlib stream on its thread pool. */
const DEFLATERS = [
  ['node stream', nodePng.nodeIdatDeflater],
];

async function writeByRows(image, options, deflate) {
  const parts = [];
  const w = new PngRowWriter(image.width, image.height, image.channels, encodeSettings(options), deflate, (b) => parts.push(Buffer.from(b)));
  const rowBytes = image.width * image.channels;
  const row = new Uint8Array(rowBytes);
  for (let y = 0; y < image.height; y++) {
    row.set(image.data.subarray(y * rowBytes, (y + 1) * rowBytes));
    w.row(row);
    row.fill(0); // the writer must have copied what it needs
  }
  w.end();
  await w.finished;
  return Buffer.concat(parts);
}

function asRgba({ width, height, channels, data }) {
  const out = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const px = data.subarray(i * channels, (i + 1) * channels);
    out.set(channels < 3 ? [px[0], px[0], px[0], channels === 2 ? px[1] : 255] : [px[0], px[1], px[2], channels === 4 ? px[3] : 255], i * 4);
  }
  return out;
}

writer('pngjs decodes its files to the rows it was given: every filter, levels 0/1/6/9, 1–4 channels', async () => {
  const r = rng(1516);
  for (const channels of [1, 2, 3, 4]) {
    const width = r.int(1, 90), height = r.int(1, 40);
    const data = Uint8Array.from({ length: width * height * channels }, (_, i) => (i % 3 ? (i * 7) & 255 : r.int(0, 255)));
    const image = { width, height, channels, data };
    for (const filter of ['none', 'sub', 'up', 'average', 'paeth']) {
      for (const compressionLevel of [0, 1, 6, 9]) {
        for (const [name, deflate] of DEFLATERS) {
          const bytes = await writeByRows(image, { filter, compressionLevel }, deflate);
          const label = `${channels} ch ${width}×${height} ${filter} ${compressionLevel} ${name}`;
          assert.equal(new Uint8Array(pngjs.PNG.sync.read(bytes).data), asRgba(image), label);
          assert.equal(decodePng(bytes).data, asRgba(image), label);
        }
      }
    }
  }
});

writer('a file of many deflate pieces (over a megabyte of rows) reads back whole', async () => {
  const r = rng(1517);
  const width = 1500, height = 900, channels = 1;
  const data = Uint8Array.from({ length: width * height }, (_, i) => ((i % width) + (i / width) * 3 + r.int(0, 8)) & 255);
  for (const [name, deflate] of DEFLATERS) {
    const bytes = await writeByRows({ width, height, channels, data }, {}, deflate);
    const idats = [];
    for (let at = 8; at < bytes.length;) {
      const length = bytes.readUInt32BE(at);
      if (bytes.toString('latin1', at + 4, at + 8) === 'IDAT') idats.push(length);
      at += 12 + length;
    }
    assert.ok(idats.length >= 3, `${name}: ${idats.length} IDAT chunks`);
    assert.equal(new Uint8Array(pngjs.PNG.sync.read(bytes).data), asRgba({ width, height, channels, data }), name);
  }
});

writer('a failing write rejects finished, and the writer can be abandoned', async () => {
  for (const [name, deflate] of DEFLATERS) {
    const w = new PngRowWriter(64, 64, 1, encodeSettings({}), deflate, (b) => {
      if (b[4] === 0x49 && b[5] === 0x44) throw new Error('disk full'); // 'ID': the first IDAT
    });
    const row = Uint8Array.from({ length: 64 }, (_, x) => x * 3);
    for (let y = 0; y < 64; y++) w.row(row);
    w.end();
    const failure = await w.finished.then(() => undefined, (error) => error);
    assert.match(failure?.message ?? 'resolved', /disk full/, name);
  }
  const w = new PngRowWriter(8, 8, 1, encodeSettings({}), nodePng.nodeIdatDeflater, () => {});
  w.row(new Uint8Array(8));
  w.abort(); // an input that failed half-way: nothing more is written, nothing is left running
});

writer.run();
