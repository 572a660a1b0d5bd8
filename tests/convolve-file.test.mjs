// convolveFile (src/node/file.ts): a PNG file through the pipeline by rows. Its pixels must be
// those of the whole-image composition, convolveToUint8(readPng(input)), bit for bit: on every
// PngSuite file, and on random images, kernels, borders, strides and dilations with bands of one
// row and of many, so that every band boundary falls somewhere. Then its fallbacks and its errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { join } from 'node:path';
import { BORDERS, convolveFile, convolveToUint8, encodePng, kernels, readPng } from '../dist/node/index.js';
import { convolveFileWith, tuneStreaming } from '../dist/internal.js';
import { randomKernel, rng } from './helpers.mjs';

const SUITE_DIR = new URL('./fixtures/pngsuite/', import.meta.url).pathname;
const VALID = readdirSync(SUITE_DIR).filter((f) => f.endsWith('.png') && !f.startsWith('x'));
const dir = mkdtempSync(join(tmpdir(), 'conv2d-file-'));
const OUT = join(dir, 'out.png');

/** What readPng gives for the composition's result (1 channel → gray RGBA). */
function asRgba({ channels, data }) {
  if (channels === 4) return data;
  const n = data.length / channels;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    out.set(channels === 1 ? [data[i], data[i], data[i], 255] : [data[3 * i], data[3 * i + 1], data[3 * i + 2], 255], i * 4);
  }
  return out;
}

/** readPng's RGBA without alpha, as convolveFile's `dropAlpha: true` convolves it. */
function rgbOf(image) {
  const n = image.width * image.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) data.set(image.data.subarray(i * 4, i * 4 + 3), i * 3);
  return { ...image, channels: 3, data };
}

/**
 * convolveFile's output against the whole-image composition; `thread`: with zlib on the calling
 * thread (convolveFileWith, as convolveFiles' workers run it with a job per core).
 */
async function assertSameAsWhole(input, kernel, options, label, thread = false) {
  const result = await convolveFileWith(input, OUT, kernel, options, thread);
  const decoded = readPng(input, { limitInputPixels: options.limitInputPixels });
  const { dropAlpha, ...pipeline } = options;
  const want = convolveToUint8(dropAlpha === true && !options.grayscale ? rgbOf(decoded) : decoded, kernel, pipeline);
  assert.equal(result.input, { width: decoded.width, height: decoded.height }, `${label} input size`);
  const got = readPng(OUT);
  assert.is(got.width, want.width, `${label} width`);
  assert.is(got.height, want.height, `${label} height`);
  assert.equal({ width: result.width, height: result.height, channels: result.channels }, { width: want.width, height: want.height, channels: want.channels }, `${label} result`);
  const w = asRgba(want);
  if (Buffer.compare(Buffer.from(got.data), Buffer.from(w)) !== 0) {
    const i = got.data.findIndex((v, k) => v !== w[k]);
    assert.unreachable(`${label}: byte ${i} (pixel ${i >> 2}) is ${got.data[i]}, the whole image gives ${w[i]}`);
  }
  return result;
}

/** Asserts that `f()` rejects (or throws) with an error that `check` accepts. */
async function rejects(f, check, label) {
  let error;
  try {
    await f();
  } catch (e) {
    error = e;
  }
  assert.ok(error && check(error), `${label}: ${error ? `${error.constructor.name}: ${error.message}` : 'no error'}`);
}

const same = suite('convolveFile equals the whole-image composition');

// Stream every size (by default images up to 4 MP are read whole, which is faster).
const DEFAULTS = tuneStreaming({ wholeUpTo: 0 });
const bands = (bandBytes) => tuneStreaming({ bandBytes });

// zlib on Node's thread pool (convolveFile), or on the calling thread (as convolveFiles' workers
// run it with a job per core): the tests below that stream run both.
const ZLIB = [[false, 'zlib on the thread pool'], [true, 'zlib on this thread']];

same('every PngSuite file, gray and colour, bands of one row and of many, zlib on the pool and on the thread', async () => {
  for (const [bytes, thread] of [[1, false], [1 << 21, false], [1, true], [1 << 21, true]]) {
    bands(bytes);
    for (const name of VALID) {
      const input = join(SUITE_DIR, name);
      const gray = await assertSameAsWhole(input, kernels.sobelX, { grayscale: true, padding: 'same', map: 'abs' }, `${name} gray`, thread);
      assert.ok(gray.streamed, `${name} streamed`);
      await assertSameAsWhole(input, kernels.box(3), { padding: 'same', border: 'reflect' }, `${name} colour`, thread);
      await assertSameAsWhole(input, kernels.sharpen, { padding: 'same', dropAlpha: true }, `${name} RGB`, thread);
    }
  }
});

same('random images, kernels 1–7 high, every border, strides, dilations and band sizes', async () => {
  const r = rng(1518);
  const input = join(dir, 'random.png');
  for (let i = 0; i < 120; i++) {
    const width = r.int(1, 60), height = r.int(1, 70), channels = r.pick([1, 2, 3, 4]);
    const data = Uint8Array.from({ length: width * height * channels }, () => r.int(0, 255));
    writeFileSync(input, encodePng({ width, height, channels, data }));
    const kernel = randomKernel(r, r.int(1, 7), r.int(1, 5));
    const options = {
      grayscale: r.chance(0.6),
      dropAlpha: r.chance(0.5),
      alpha: r.pick(['keep', 'convolve']),
      map: r.pick(['clamp', 'abs']),
      border: r.pick(BORDERS),
      cval: r.pick([0, 37.5]),
      padding: r.pick(['same', 'same', 'valid', { top: r.int(0, 4), bottom: r.int(0, 4), left: r.int(0, 3), right: r.int(0, 3) }]),
      stride: r.chance(0.4) ? [r.int(1, 3), r.int(1, 3)] : 1,
      dilation: r.chance(0.3) ? [r.int(1, 3), r.int(1, 2)] : 1,
      method: r.pick(['auto', 'direct', 'separable']),
    };
    if (options.padding === 'same') options.stride = 1;
    bands(r.pick([1, 7, 100, 1 << 21]));
    let skip = false;
    try {
      const { dropAlpha, ...pipeline } = options;
      convolveToUint8({ width, height, channels, data }, kernel, pipeline);
    } catch (error) {
      // A plan the image cannot have (a kernel taller than a 'valid' image) must fail alike.
      await rejects(() => convolveFile(input, OUT, kernel, options), (e) => e.constructor === error.constructor, `case ${i}`);
      skip = true;
    }
    if (!skip) await assertSameAsWhole(input, kernel, options, `case ${i} ${width}×${height}×${channels} ${JSON.stringify(options)} ${ZLIB[i % 2][1]}`, i % 2 === 1);
  }
});

same.run();

const size = suite('convolveFile by size');

size('by default streams every image; wholeUpTo reads small ones whole, with the same pixels', async () => {
  const input = join(dir, 'size.png');
  const r = rng(1520);
  for (const [width, height, wholeUpTo, streamed] of [[2048, 2048, DEFAULTS.wholeUpTo, true], [300, 200, 60000, false], [300, 201, 60000, true]]) {
    tuneStreaming({ wholeUpTo, bandBytes: DEFAULTS.bandBytes });
    const data = new Uint8Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = (i % width) ^ ((i / width) & 255) ^ r.int(0, 3);
    writeFileSync(input, encodePng({ width, height, channels: 1, data }));
    assert.is((await assertSameAsWhole(input, kernels.box(5), { grayscale: true, padding: 'same' }, `${width}×${height}`)).streamed, streamed);
  }
  tuneStreaming({ wholeUpTo: 0 });
});

size.run();

const fallback = suite('convolveFile reads the whole image where it must');

fallback('normalize and other gray weights: same pixels, not streamed; an FFT-sized kernel: same pixels', async () => {
  const input = join(SUITE_DIR, 'basn2c08.png');
  assert.is((await assertSameAsWhole(input, kernels.edge, { grayscale: true, map: 'normalize', padding: 'same' }, 'normalize')).streamed, false);
  assert.is((await assertSameAsWhole(input, kernels.edge, { grayscale: true, weights: 'bt709', padding: 'same' }, 'bt709')).streamed, false);
  const big = join(dir, 'big.png');
  const r = rng(1519);
  writeFileSync(big, encodePng({ width: 300, height: 260, channels: 1, data: Uint8Array.from({ length: 300 * 260 }, () => r.int(0, 255)) }));
  const kernel = randomKernel(r, 31, 31);
  // method 'fft' may take the direct sum where tiles would cost far more (then it streams): same pixels either way.
  await assertSameAsWhole(big, kernel, { grayscale: true, padding: 'same', method: 'fft' }, 'fft');
  assert.is((await assertSameAsWhole(big, kernel, { grayscale: true, padding: 'same', method: 'direct' }, 'direct 31×31')).streamed, true);
});

fallback.run();

const errors = suite('convolveFile errors');

errors('arguments by class, naming them; the library works after each', async () => {
  const input = join(SUITE_DIR, 'basn0g08.png');
  const cases = [
    [() => convolveFile(1, OUT, kernels.edge), TypeError, /input/],
    [() => convolveFile(input, null, kernels.edge), TypeError, /output/],
    [() => convolveFile(input, OUT, 'edge'), TypeError, /kernel/],
    [() => convolveFile(input, OUT, kernels.edge, { grayscale: 1 }), TypeError, /options\.grayscale/],
    [() => convolveFile(input, OUT, kernels.edge, { dropAlpha: 'no' }), TypeError, /options\.dropAlpha/],
    [() => convolveFile(input, OUT, kernels.edge, { map: 'log' }), RangeError, /options\.map/],
    [() => convolveFile(input, OUT, kernels.edge, { compressionLevel: 11 }), RangeError, /options\.compressionLevel/],
    [() => convolveFile(input, OUT, kernels.edge, { filter: 'best' }), RangeError, /options\.filter/],
    [() => convolveFile(input, OUT, kernels.edge, { limitInputPixels: -1 }), RangeError, /options\.limitInputPixels/],
    [() => convolveFile(input, OUT, kernels.edge, { stride: 0 }), RangeError, /options\.stride/],
    [() => convolveFile(input, OUT, kernels.edge, { colour: true }), TypeError, /options\.colour/],
    [() => convolveFile(input, OUT, kernels.edge, { limitInputPixels: 1023 }), RangeError, /limitInputPixels/],
  ];
  for (const [f, Class, pattern] of cases) {
    await rejects(f, (e) => e instanceof Class && pattern.test(e.message), pattern.source);
    await assertSameAsWhole(input, kernels.edge, { grayscale: true, padding: 'same' }, 'after a throw');
  }
});

errors('damaged files: the same verdict and pixels as readPng, with zlib on the pool (the same message, or another "Invalid PNG") and on the thread (the very message)', async () => {
  const r = rng(1521);
  const names = ['basn0g08.png', 'basn2c16.png', 'basi3p02.png', 'tbrn2c08.png', 'basn6a08.png', 'f04n2c08.png'];
  const input = join(dir, 'damaged.png');
  const tally = { same: 0, 'both threw': 0 };
  for (let i = 0; i < 300; i++) {
    const bytes = readFileSync(join(SUITE_DIR, r.pick(names)));
    const chunks = [];
    for (let at = 8; at + 8 <= bytes.length;) {
      const length = bytes.readUInt32BE(at);
      chunks.push({ type: bytes.toString('latin1', at + 4, at + 8), data: Buffer.from(bytes.subarray(at + 8, at + 8 + length)) });
      at += 12 + length;
    }
    const idat = chunks.find((c) => c.type === 'IDAT');
    const kind = r.int(0, 3);
    if (kind === 0) idat.data[r.int(0, idat.data.length - 1)] = r.int(0, 255);
    else if (kind === 1) idat.data = Buffer.concat([idat.data, Buffer.from([r.int(0, 255), 1, 2])]);
    else if (kind === 2) idat.data = idat.data.subarray(0, r.int(0, idat.data.length - 1));
    else idat.data[idat.data.length - r.int(1, 4)] ^= 1 << r.int(0, 7);
    const file = [Buffer.from(bytes.subarray(0, 8))];
    for (const { type, data } of chunks) {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(data.length, 0);
      head.write(type, 4, 'latin1');
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(zlibCrc32(Buffer.concat([head.subarray(4), data])), 0);
      file.push(head, data, crc);
    }
    writeFileSync(input, Buffer.concat(file));
    let want;
    try {
      want = convolveToUint8(readPng(input), kernels.box(3), { grayscale: true, padding: 'same' });
    } catch (error) {
      want = { error };
    }
    for (const [thread, how] of ZLIB) {
      let got;
      try {
        await convolveFileWith(input, OUT, kernels.box(3), { grayscale: true, padding: 'same' }, thread);
        got = readPng(OUT);
      } catch (error) {
        got = { error };
      }
      const label = `damage ${i} (kind ${kind}), ${how}`;
      assert.is(Boolean(got.error), Boolean(want.error), `${label}: file ${got.error?.message ?? 'decodes'}, readPng ${want.error?.message ?? 'decodes'}`);
      if (got.error) {
        // On the thread the inflater is readPng's own, run in pieces: the very same verdict.
        if (thread) assert.is(got.error.message, want.error.message, label);
        else assert.ok(got.error.message.startsWith(`${input}: Invalid PNG`), got.error.message);
        tally['both threw']++;
      } else {
        assert.equal(got.data, asRgba(want), label);
        tally.same++;
      }
      assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], `${label}: no temp file left`);
    }
  }
  assert.ok(tally.same >= 2 && tally['both threw'] > 200, JSON.stringify(tally));
});

errors('a corrupt or missing input is named, and the output is left as it was', async () => {
  const bad = join(dir, 'bad.png');
  const bytes = readFileSync(join(SUITE_DIR, 'basn2c08.png'));
  writeFileSync(bad, bytes.subarray(0, bytes.length - 30));
  writeFileSync(OUT, 'previous');
  await rejects(() => convolveFile(bad, OUT, kernels.edge), (e) => e.constructor === Error && e.message.startsWith(`${bad}: Invalid PNG`), 'truncated');
  await rejects(() => convolveFile(join(dir, 'none.png'), OUT, kernels.edge), (e) => e instanceof Error && e.message.includes('none.png'), 'missing');
  assert.is(readFileSync(OUT, 'utf8'), 'previous');
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp file left');
  assert.not.ok(existsSync(join(dir, 'none.png')));
});

errors('a header of 38 × 131110 pixels streamed a row a band (fuzz finding 9): the short IDAT is the error, not the stack', async () => {
  // Its bands were once counted with Math.max(...bands): 131110 arguments overflowed the stack.
  const input = new URL('./fixtures/fuzz/finding-9.png', import.meta.url).pathname;
  bands(1);
  try {
    await rejects(() => convolveFile(input, OUT, kernels.sobelX, { grayscale: true, padding: 'same', border: 'wrap' }),
      (e) => e.constructor === Error && e.message === `${input}: Invalid PNG: IDAT data inflates to 760 bytes, expected 2622200`, 'finding 9');
  } finally {
    bands(DEFAULTS.bandBytes);
  }
});

errors.run();

process.on('exit', async () => {
  tuneStreaming(DEFAULTS);
  rmSync(dir, { recursive: true, force: true });
});
