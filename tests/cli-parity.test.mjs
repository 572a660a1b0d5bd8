// conv2d speaks the whole API: --dilation, --cval, --method, --weights, --quality, JPEG in and out,
// - for standard input and output, -V, messages in flag words, and a bar that survives 0 columns.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolveToUint8, decodeImage, decodePng, encodePng, kernels, readImage } from '../dist/node/index.js';
import { barText } from '../dist/internal.js';
import { randomImage, rng } from './helpers.mjs';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
const JPEG = readFileSync(new URL('fixtures/jpeg/chelsea.jpg', import.meta.url));

/** Runs the CLI in `cwd` with `input` on stdin; resolves to its status, stdout (bytes) and stderr. */
function cli(cwd, args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd });
    const out = [];
    let err = '';
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => { err += c; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out), stderr: err }));
    child.stdin.on('error', () => {}); // the CLI may exit before reading a refused stdin
    child.stdin.end(input);
  });
}

let dir;
const parity = suite('conv2d: every option of the API as a flag');
parity.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'conv2d-parity-'));
  writeFileSync(join(dir, 'cat.jpg'), JPEG);
  writeFileSync(join(dir, 'a.png'), encodePng(randomImage(rng(4), 21, 17, 4, Uint8Array)));
});
parity.after.each(() => rmSync(dir, { recursive: true, force: true }));

/** Asserts an 8-bit image equals what the library's pipeline gives for `source` (decoded bytes). */
function assertPipeline(got, source, kernel, options, label) {
  const want = convolveToUint8(source, kernel, options);
  assert.equal([got.width, got.height], [want.width, want.height], `${label}: size`);
  for (let i = 0; i < want.width * want.height; i++) {
    if (got.data[4 * i] !== want.data[i]) assert.unreachable(`${label}: pixel ${i}: got ${got.data[4 * i]}, want ${want.data[i]}`);
  }
}

parity('--dilation, --cval, --method, --weights, --stride Y,X reach the library', async () => {
  const cases = [
    [['--dilation', '2,3', '--border', 'constant', '--cval', '40'], { dilation: [2, 3], border: 'constant', cval: 40 }],
    [['--method', 'fft', '--weights', 'bt709'], { method: 'fft', weights: 'bt709' }],
    [['--weights', '0.5,0.25,0.25', '--stride', '2,1', '--method', 'direct'], { weights: [0.5, 0.25, 0.25], stride: [2, 1], method: 'direct' }],
  ];
  const source = decodePng(readFileSync(join(dir, 'a.png')));
  for (const [i, [flags, options]] of cases.entries()) {
    const r = await cli(dir, ['a.png', '-k', 'sobelX', '--map', 'abs', '-o', `out${i}.png`, ...flags]);
    assert.is(r.status, 0, r.stderr);
    const opts = { padding: 'same', border: 'reflect', grayscale: true, map: 'abs', ...options };
    assertPipeline(decodePng(readFileSync(join(dir, `out${i}.png`))), source, kernels.sobelX, opts, flags.join(' '));
  }
  const base = readFileSync(join(dir, 'out0.png'));
  const r = await cli(dir, ['a.png', '-k', 'sobelX', '--map', 'abs', '-o', 'plain.png']);
  assert.is(r.status, 0);
  assert.not.equal(readFileSync(join(dir, 'plain.png')), base, 'the flags change the result');
});

parity('JPEG in (by content), PNG or JPEG out by extension, --quality', async () => {
  let r = await cli(dir, ['cat.jpg', '-k', 'box:3']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout.toString(), /^wrote cat-box3\.png \(451×300\)/);
  assertPipeline(decodePng(readFileSync(join(dir, 'cat-box3.png'))), decodeImage(JPEG), kernels.box(3),
    { padding: 'same', border: 'reflect', grayscale: true }, 'cat-box3.png');
  r = await cli(dir, ['cat.jpg', '-k', 'box:3', '-o', 'hi.jpg', '--quality', '95']);
  assert.is(r.status, 0, r.stderr);
  r = await cli(dir, ['cat.jpg', '-k', 'box:3', '-o', 'lo.JPEG', '--quality', '10']);
  assert.is(r.status, 0, r.stderr);
  assert.equal(readFileSync(join(dir, 'hi.jpg')).subarray(0, 2), Buffer.from([0xff, 0xd8]));
  assert.ok(readFileSync(join(dir, 'hi.jpg')).length > readFileSync(join(dir, 'lo.JPEG')).length);
  assert.is(readImage(join(dir, 'hi.jpg')).channels, 1);
});

parity('- reads standard input and writes standard output: cat a.jpg | conv2d - -k edge -o - > e.png', async () => {
  const r = await cli(dir, ['-', '-k', 'edge', '-o', '-'], JPEG);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '');
  assertPipeline(decodePng(r.stdout), decodeImage(JPEG), kernels.edge, { padding: 'same', border: 'reflect', grayscale: true }, 'stdout');
  const toFile = await cli(dir, ['-', '-o', 'e.jpg', '--quality', '90'], JPEG);
  assert.is(toFile.status, 0, toFile.stderr);
  assert.is(readImage(join(dir, 'e.jpg')).width, 451);
  const fromFile = await cli(dir, ['a.png', '--color', '-o', '-']);
  assert.is(fromFile.status, 0);
  assert.is(decodePng(fromFile.stdout).width, 21);
  const bad = await cli(dir, ['-', '-o', '-'], Buffer.from('GIF89a'));
  assert.is(bad.status, 1);
  assert.is(bad.stdout.length, 0);
  assert.is(bad.stderr, 'stdin: Unsupported image format (the file starts with 47 49 46 38); supported: PNG, JPEG\n');
});

parity('usage errors for the new flags name them and exit 2; -V prints the version', async () => {
  const BAD = [
    [['a.png', '--dilation', '0'], /--dilation must be a positive integer N or a pair Y,X, not '0'/],
    [['a.png', '--dilation', '1,2,3'], /--dilation/],
    [['a.png', '--stride', '2,x'], /--stride/],
    [['a.png', '--cval', 'abc'], /--cval must be a finite number, not 'abc'/],
    [['a.png', '--cval', '1e39'], /--cval/],
    [['a.png', '--method', 'fast'], /--method must be one of auto, direct, separable, fft, not 'fast'/],
    [['a.png', '--weights', 'bt2020'], /--weights must be bt601, bt709 or three numbers R,G,B/],
    [['a.png', '--weights', '1,2'], /--weights/],
    [['a.png', '--quality', '0'], /--quality must be an integer from 1 to 100/],
    [['a.png', '--quality', '101'], /--quality/],
    [['a.png', '--depth', '12'], /--depth must be 8 or 16, not '12'/],
    [['a.png', '--depth', '16', '-o', 'x.jpg'], /--depth 16 writes 16-bit PNG/],
    [['-'], /- \(standard input\) must be the only input, with -o FILE or -o -/],
    [['-', 'a.png', '-o', 'x.png'], /exactly one input/],
    [['a.png', '-o', '-', '--json'], /--json and -o -/],
  ];
  for (const [args, pattern] of BAD) {
    const r = await cli(dir, args);
    assert.is(r.status, 2, args.join(' '));
    assert.match(r.stderr, pattern, args.join(' '));
    assert.equal(readdirSync(dir).sort(), ['a.png', 'cat.jpg'], `${args.join(' ')}: nothing written`);
  }
  const v = await cli(dir, ['-V']);
  assert.is(v.status, 0);
  assert.is(v.stdout.toString(), `${VERSION}\n`);
});

parity('failures speak in flags, not option paths', async () => {
  const r = await cli(dir, ['cat.jpg', '--limit-input-pixels', '1000', '-o', 'x.png']);
  assert.is(r.status, 1);
  assert.is(r.stderr, 'cat.jpg: JPEG of 451 × 300 = 135300 pixels exceeds --limit-input-pixels (1000); raise --limit-input-pixels, or set it to 0 (no limit), to allow it\n');
  const json = await cli(dir, ['cat.jpg', 'a.png', '--limit-input-pixels', '1000', '--out-dir', 'o', '--json']);
  assert.is(json.status, 1);
  const report = JSON.parse(json.stdout.toString());
  assert.match(report.results.find((x) => x.input === 'cat.jpg').error, /exceeds --limit-input-pixels/);
});

parity('the progress bar has a width when the terminal reports 0 columns', () => {
  const p = { done: 3, total: 10, written: 3, skipped: 0, failed: 0, seconds: 1 };
  for (const columns of [0, undefined]) {
    const text = barText(p, columns);
    assert.ok(text.length > 40 && text.length <= 79, `columns ${columns}: ${text}`);
    assert.match(text, /^█{12}░{28} 3\/10 images/, 'a 40-wide bar, 30% filled');
  }
  assert.ok(barText(p, 30).length <= 29, 'fitted to a narrow terminal');
});

parity.run();
