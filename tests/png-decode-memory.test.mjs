// A memory test, not a timing test: whole-image decodePng on large PNGs, made by the library's own
// encoder (in a child process; flat content, so they are small on disk), each decoded in a
// fresh process whose peak resident memory (VmHWM) may grow by no more than the output plus
// 64 MiB plus an allowance of 8 MiB: V8 compiling the decoder and growing its heap on first use
// (measured growth beyond the output: 1–3 MiB). Before the decoder streamed, the inflated
// stream was held whole besides the output (256 MiB for 16000² gray; for 16-bit output of a 16-bit
// file, the stream, an 8-bit image and the 16-bit one), so these bounds failed by hundreds of MiB.
// The pixels are checked at sampled points against the formula that made them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MiB = 2 ** 20;
const ALLOWANCE = 8 * MiB;
const internal = new URL('../dist/internal.js', import.meta.url).href;
const entry = new URL('../dist/node/index.js', import.meta.url).href;

function child(script, args) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop());
}

/**
 * Writes a `side`² PNG of `channels` samples, 8-bit if `Type` is Uint8Array and 16-bit if
 * Uint16Array, whose sample k of pixel (x, y) is `sample` (a JavaScript expression in x, y and k),
 * with the library's encoder, in a child process (the image is held there, not here).
 */
function writeTestPng(path, side, channels, Type, sample) {
  child(`
    const { writeFileSync } = await import('node:fs');
    const { encodePng } = await import(${JSON.stringify(entry)});
    const side = ${side}, channels = ${channels};
    const data = new ${Type}(side * side * channels);
    for (let y = 0, i = 0; y < side; y++) {
      for (let x = 0; x < side; x++) for (let k = 0; k < channels; k++, i++) data[i] = ${sample};
    }
    writeFileSync(process.argv[1], encodePng({ width: side, height: side, channels, data }));
    console.log('{}');`, [path]);
}

/**
 * Decodes `path` in a fresh process (the file read before the baseline) and returns the peak RSS
 * growth, the output's size, and how many of the sampled pixels differ from `expect(x, y)`, an
 * expression giving the four RGBA values.
 */
function decodeGrowth(path, depth, expect) {
  return child(`
    const { readFileSync } = await import('node:fs');
    const { decodePng } = await import(${JSON.stringify(entry)});
    const peak = () => Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
    const bytes = new Uint8Array(readFileSync(process.argv[1]));
    const before = peak();
    const image = decodePng(bytes, { depth: ${depth}, limitInputPixels: false });
    const after = peak();
    const expect = (x, y) => ${expect};
    let wrong = 0, checked = 0;
    for (let y = 0; y < image.height; y += 397) {
      for (let x = 0; x < image.width; x += 389) {
        const want = expect(x, y);
        for (let k = 0; k < 4; k++) if (image.data[(y * image.width + x) * 4 + k] !== want[k]) wrong++;
        checked++;
      }
    }
    console.log(JSON.stringify({ growth: after - before, output: image.data.byteLength, wrong, checked, width: image.width }));`, [path]);
}

function check(result, side, label) {
  assert.is(result.width, side);
  assert.ok(result.checked > 200, `${result.checked} pixels checked`);
  assert.is(result.wrong, 0, `${label}: ${result.wrong} samples differ`);
  const over = result.growth - result.output;
  assert.ok(result.growth < result.output + 64 * MiB + ALLOWANCE,
    `${label}: peak RSS grew by ${(result.growth / MiB).toFixed(0)} MiB for ${(result.output / MiB).toFixed(0)} MiB of output`);
  console.log(`    (${label}: peak RSS grew by the output ${(result.output / MiB).toFixed(0)} MiB ${over < 0 ? '−' : '+'} ${(Math.abs(over) / MiB).toFixed(1)} MiB)`);
}

test('decodePng of a 16000² 8-bit gray PNG grows RSS by at most its output + 64 MiB', () => {
  if (!existsSync('/proc/self/status')) return; // VmHWM is Linux's
  const dir = mkdtempSync(join(tmpdir(), 'conv2d-decode-memory-'));
  try {
    const path = join(dir, 'gray.png');
    const side = 16000;
    writeTestPng(path, side, 1, 'Uint8Array', '(x + 3 * y) & 255');
    assert.ok(statSync(path).size < 4 * MiB, `small on disk: ${statSync(path).size} bytes`);
    check(decodeGrowth(path, 8, '[(x + 3 * y) & 255, (x + 3 * y) & 255, (x + 3 * y) & 255, 255]'), side, '16000² gray, 8-bit output');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('decodePng of an 8000² 16-bit RGBA PNG, with depth 16, grows RSS by at most its output + 64 MiB', () => {
  if (!existsSync('/proc/self/status')) return;
  const dir = mkdtempSync(join(tmpdir(), 'conv2d-decode-memory-'));
  try {
    const path = join(dir, 'rgba16.png');
    const side = 8000;
    writeTestPng(path, side, 4, 'Uint16Array', 'k === 0 ? x * 8 : k === 1 ? y * 8 : k === 2 ? (x * 5 + y * 3) & 65535 : 65535 - x');
    check(decodeGrowth(path, 16, '[x * 8, y * 8, (x * 5 + y * 3) & 65535, 65535 - x]'), side, '8000² 16-bit RGBA, 16-bit output');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
