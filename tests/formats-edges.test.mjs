// Issue 11's formats with issue 14's edges: --canny / --gradient read JPEG and write JPEG like a
// convolution does, work through standard input and output, refuse --depth 16; convolveFiles
// refuses edges with depth 16 (RangeError naming batch.depth).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canny, convolveFiles, decodeImage, gradient, kernels, readImage, toGrayscale, toUint8 } from '../dist/node/index.js';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const JPEG = readFileSync(new URL('fixtures/jpeg/chelsea.jpg', import.meta.url));

function cli(cwd, args, input) {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [MAIN, ...args], { cwd, encoding: 'buffer', timeout: 60_000 }, (error, stdout, stderr) => {
      const status = error ? error.code : 0;
      if (typeof status !== 'number') return reject(error);
      resolve({ status, stdout, stderr: stderr.toString() });
    });
    child.stdin.end(input);
  });
}

const test = suite('edges on JPEG, through - and with --depth');
let dir;
test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'conv2d-formats-edges-'));
  writeFileSync(join(dir, 'cat.jpg'), JPEG);
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('--canny on a JPEG input: canny() of its gray, as a PNG file and on standard output', async () => {
  const want = canny(toGrayscale(decodeImage(JPEG)), { low: 50, high: 150 });
  assert.ok(want.data.some((v) => v === 255) && want.data.some((v) => v === 0), 'a real edge map');
  const file = await cli(dir, ['cat.jpg', '--canny', '50,150', '-o', 'cat-edges.png']);
  assert.is(file.status, 0, file.stderr);
  assert.equal(Array.from(toGrayscale(readImage(join(dir, 'cat-edges.png'))).data), Array.from(want.data));
  const piped = await cli(dir, ['-', '--canny', '50,150', '-o', '-'], JPEG);
  assert.is(piped.status, 0, piped.stderr);
  assert.equal(Array.from(toGrayscale(decodeImage(new Uint8Array(piped.stdout))).data), Array.from(want.data));
});

test('--gradient through - and in a batch agree; a .jpg output is a JPEG', async () => {
  const want = toUint8(gradient(toGrayscale(decodeImage(JPEG))).magnitude, { map: 'abs' });
  const piped = await cli(dir, ['-', '--gradient', 'sobel', '--map', 'abs', '-o', '-'], JPEG);
  assert.is(piped.status, 0, piped.stderr);
  assert.equal(Array.from(toGrayscale(decodeImage(new Uint8Array(piped.stdout))).data), Array.from(want.data));
  const jpg = await cli(dir, ['cat.jpg', '--gradient', 'sobel', '--map', 'abs', '-o', 'grad.jpg']);
  assert.is(jpg.status, 0, jpg.stderr);
  const bytes = readFileSync(join(dir, 'grad.jpg'));
  assert.equal([bytes[0], bytes[1]], [0xff, 0xd8], 'JPEG signature');
  assert.is(readImage(join(dir, 'grad.jpg')).width, want.width);
});

test('--depth 16 with --canny is a usage error; convolveFiles refuses edges with depth 16 by name', async () => {
  const r = await cli(dir, ['cat.jpg', '--canny', '50,150', '--depth', '16', '-o', 'no.png']);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /--depth 16/);
  let error;
  try {
    await convolveFiles([join(dir, 'cat.jpg')], kernels.identity, {}, { outDir: join(dir, 'o'), edges: { canny: { low: 1, high: 2 } }, depth: 16 });
  } catch (e) { error = e; }
  assert.ok(error instanceof RangeError && /batch\.depth/.test(error.message), String(error));
  const report = await convolveFiles([join(dir, 'cat.jpg')], kernels.identity, {}, { outDir: join(dir, 'o'), edges: { canny: { low: 50, high: 150 } } });
  assert.is(report.totals.written, 1, 'a valid call afterwards');
});

test.run();
