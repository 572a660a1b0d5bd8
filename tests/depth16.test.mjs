// 16 bits end to end: encodePng of Uint16Array, decodePng / readImage with depth 16, toUint16,
// convolveToUint16, and conv2d --depth 16, checked with pngjs as an independent reader.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pngjs from 'pngjs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  convolve2d, convolveFiles, convolveToUint16, decodeImage, decodePng, encodePng, kernels, readImage, toGrayscale, toUint16,
} from '../dist/node/index.js';
import { assertThrows, randomImage, rng } from './helpers.mjs';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const G16 = readFileSync(new URL('fixtures/pngsuite/basn0g16.png', import.meta.url)); // 32×32 16-bit gray
const C16 = readFileSync(new URL('fixtures/pngsuite/basn2c16.png', import.meta.url)); // 32×32 16-bit RGB
const JPEG = readFileSync(new URL('fixtures/jpeg/chelsea.jpg', import.meta.url));

const deep = suite('16-bit PNG in and out');

deep('encodePng writes Uint16Array as 16-bit PNG for 1-4 channels, as pngjs reads it back', () => {
  for (const channels of [1, 2, 3, 4]) {
    const r = rng(channels);
    const image = { width: 7, height: 5, channels, data: Uint16Array.from({ length: 35 * channels }, () => r.int(0, 65535)) };
    const bytes = encodePng(image);
    assert.is(bytes[24], 16, `IHDR bit depth, ${channels} channels`);
    const back = pngjs.PNG.sync.read(Buffer.from(bytes), { skipRescale: true });
    for (let i = 0; i < 35; i++) {
      for (let c = 0; c < 4; c++) {
        // pngjs expands to RGBA: gray to three channels, alpha 65535 when absent.
        const src = channels <= 2 ? (c < 3 ? 0 : 1) : c;
        const want = src < channels ? image.data[i * channels + src] : 65535;
        if (back.data[4 * i + c] !== want) assert.unreachable(`${channels} ch: pixel ${i} channel ${c}: ${back.data[4 * i + c]} != ${want}`);
      }
    }
  }
  assertThrows(() => encodePng({ width: 1, height: 1, channels: 1, data: new Float32Array(1) }), TypeError, /toUint16/);
});

deep('depth 16 reads 16-bit PNGs as stored and widens 8-bit files by 257', () => {
  const g = decodePng(G16, { depth: 16 });
  const stored = pngjs.PNG.sync.read(G16, { skipRescale: true });
  assert.ok(g.data instanceof Uint16Array);
  assert.equal(Array.from(g.data), Array.from(stored.data));
  assert.ok(Array.from(g.data).some((v) => v % 257 !== 0), 'real 16-bit values, not widened bytes');
  assert.ok(decodePng(G16).data instanceof Uint8Array, 'the default is still 8 bits');
  const eight = decodeImage(JPEG);
  const widened = decodeImage(JPEG, { depth: 16 });
  assert.ok(widened.data instanceof Uint16Array);
  assert.equal(Array.from(widened.data.subarray(0, 300)), Array.from(eight.data.subarray(0, 300), (v) => v * 257));
  assertThrows(() => decodePng(G16, { depth: 12 }), RangeError, /options\.depth/);
  assertThrows(() => decodeImage(JPEG, { depth: '16' }), TypeError, /options\.depth/);
  assert.is(decodeImage(C16, { depth: 16 }).width, 32, 'a valid call afterwards');
});

deep('depth 16 on every valid PngSuite file: pngjs skipRescale for 16-bit files, the 8-bit decode times 257 for the rest', () => {
  const dir = new URL('fixtures/pngsuite/', import.meta.url);
  const names = readdirSync(dir).filter((f) => /^[^x].*\.png$/.test(f) && f !== 'PngSuite.png');
  let sixteen = 0;
  for (const name of names) {
    const bytes = readFileSync(new URL(name, dir));
    let eight;
    try { eight = decodePng(bytes); } catch { continue; } // files the codec refuses at 8 bits are refused at 16 too
    const deepImage = decodePng(bytes, { depth: 16 });
    assert.ok(deepImage.data instanceof Uint16Array, name);
    if (bytes[24] === 16) {
      sixteen++;
      const stored = pngjs.PNG.sync.read(bytes, { skipRescale: true });
      assert.ok(stored.data instanceof Uint16Array, `${name}: pngjs keeps 16 bits`);
      for (let i = 0; i < stored.data.length; i++) {
        if (deepImage.data[i] !== stored.data[i]) assert.unreachable(`${name}: sample ${i}: ${deepImage.data[i]} != pngjs ${stored.data[i]}`);
      }
    } else {
      for (let i = 0; i < eight.data.length; i++) {
        if (deepImage.data[i] !== eight.data[i] * 257) assert.unreachable(`${name}: sample ${i}: ${deepImage.data[i]} != ${eight.data[i]} × 257`);
      }
    }
  }
  assert.ok(sixteen >= 10, `16-bit files checked: ${sixteen}`);
});

deep('encodePng of Uint16Array round-trips through every filter and level, and through readPng', () => {
  const r = rng(16);
  const image = { width: 9, height: 6, channels: 3, data: Uint16Array.from({ length: 9 * 6 * 3 }, () => r.int(0, 65535)) };
  for (const filter of ['none', 'sub', 'up', 'average', 'paeth']) {
    for (const compressionLevel of [0, 6, 9]) {
      const back = pngjs.PNG.sync.read(Buffer.from(encodePng(image, { filter, compressionLevel })), { skipRescale: true });
      const rgb = Array.from(back.data).filter((_, i) => i % 4 !== 3);
      assert.equal(rgb, Array.from(image.data), `${filter}, level ${compressionLevel}`);
      const ours = decodePng(encodePng(image, { filter, compressionLevel }), { depth: 16 });
      assert.equal(Array.from(ours.data).filter((_, i) => i % 4 !== 3), Array.from(image.data), `decodePng, ${filter}`);
    }
  }
});

deep('toUint16 and convolveToUint16 are the 8-bit maps at 65535', () => {
  const image = { width: 4, height: 1, channels: 1, data: new Float32Array([-3, 2.5, 70000, 1.5]) };
  assert.equal(Array.from(toUint16(image).data), [0, 2, 65535, 2]);
  assert.equal(Array.from(toUint16(image, { map: 'abs' }).data), [3, 2, 65535, 2]);
  assert.equal(Array.from(toUint16(image, { map: 'normalize' }).data), [0, Math.round((5.5 * 65535) / 70003), 65535, Math.round((4.5 * 65535) / 70003)]);
  const rgb = decodePng(C16, { depth: 16 });
  const opts = { padding: 'same', border: 'reflect' };
  const want = toUint16(convolve2d(toGrayscale(rgb, { weights: 'bt709' }), kernels.sobelX, opts), { map: 'abs' });
  assert.equal(convolveToUint16(rgb, kernels.sobelX, { ...opts, grayscale: true, weights: 'bt709', map: 'abs' }), want);
});

deep('convolveToUint16 keeps alpha as convolveToUint8 does, at 16 bits; alpha: "convolve" convolves it', () => {
  const rgba = decodePng(readFileSync(new URL('fixtures/pngsuite/basn6a16.png', import.meta.url)), { depth: 16 });
  const opts = { padding: 'same', border: 'reflect' };
  const kept = convolveToUint16(rgba, kernels.box(3), opts);
  assert.is(kept.channels, 4);
  for (let i = 3; i < rgba.data.length; i += 4) if (kept.data[i] !== rgba.data[i]) assert.unreachable(`alpha at ${i}: ${kept.data[i]} != ${rgba.data[i]}`);
  const colours = toUint16(convolve2d({ ...rgba, channels: 3, data: rgba.data.filter((_, i) => i % 4 !== 3) }, kernels.box(3), opts));
  assert.equal(Array.from(kept.data.filter((_, i) => i % 4 !== 3)), Array.from(colours.data));
  const convolved = convolveToUint16(rgba, kernels.box(3), { ...opts, alpha: 'convolve' });
  assert.equal(convolved, toUint16(convolve2d(rgba, kernels.box(3), opts)));
  assert.not.equal(Array.from(convolved.data.filter((_, i) => i % 4 === 3)), Array.from(rgba.data.filter((_, i) => i % 4 === 3)));
});

deep('conv2d --depth 16 and convolveFiles depth 16 write 16-bit PNGs of the 16-bit pipeline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'conv2d-depth-'));
  try {
    writeFileSync(join(dir, 'g.png'), G16);
    const status = await new Promise((resolve) => {
      execFile(process.execPath, [MAIN, 'g.png', '-k', 'box:3', '--depth', '16', '-o', 'out.png'], { cwd: dir }, (e) => resolve(e ? e.code : 0));
    });
    assert.is(status, 0);
    const bytes = readFileSync(join(dir, 'out.png'));
    assert.is(bytes[24], 16, '16-bit IHDR');
    const want = toUint16(convolve2d(toGrayscale(decodePng(G16, { depth: 16 })), kernels.box(3), { padding: 'same', border: 'reflect' }));
    assert.equal(Array.from(readImage(join(dir, 'out.png'), { depth: 16 }).data.filter((_, i) => i % 4 === 0)), Array.from(want.data));
    const report = await convolveFiles([join(dir, 'g.png')], kernels.box(3), { padding: 'same', border: 'reflect' }, { outDir: join(dir, 'o'), depth: 16 });
    assert.is(report.totals.written, 1);
    assert.equal(readFileSync(join(dir, 'o', 'g.png')), bytes, 'the batch writes the same bytes');
    let error;
    try { await convolveFiles([join(dir, 'g.png')], kernels.box(3), {}, { outDir: join(dir, 'o'), depth: 24 }); } catch (e) { error = e; }
    assert.ok(error instanceof RangeError && /batch\.depth/.test(error.message), String(error));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

deep.run();
