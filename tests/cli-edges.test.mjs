// The CLI's edge flags, run as a child process: --canny writes canny()'s map (which the fixtures
// tie to cv2.Canny), --gradient writes gradient()'s magnitude through --map; bad flag
// combinations exit 2 naming the flag and write nothing.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canny, decodePng, encodePng, gradient, toGrayscale, toUint8 } from '../dist/node/index.js';
import { rng } from './helpers.mjs';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

function cli(cwd, ...args) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const status = error ? error.code : 0;
      if (typeof status !== 'number') return reject(error);
      resolve({ status, stdout, stderr });
    });
  });
}

/** A smooth random RGB image (blurred noise), so Canny finds long edges. */
function smoothRgb(seed, width, height) {
  const r = rng(seed);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) {
    data[(y * width + x) * 3 + c] = Math.round(127 + 60 * Math.sin(x / (5 + c) + r() * 0.3) * Math.cos(y / 7) + r() * 20);
  }
  return { width, height, channels: 3, data };
}

const edges = suite('conv2d --canny / --gradient');
let dir;
edges.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'conv2d-edges-'));
  writeFileSync(join(dir, 'a.png'), encodePng(smoothRgb(1, 61, 47)));
  writeFileSync(join(dir, 'b.png'), encodePng(smoothRgb(2, 33, 70)));
});
edges.after(() => rmSync(dir, { recursive: true, force: true }));

const read = (file) => decodePng(readFileSync(join(dir, file)));
/** A PNG's gray (outputs are gray PNGs, decoded as RGBA with r = g = b: toGrayscale gives them back exactly). */
const gray = (file) => toGrayscale(read(file));

edges('--canny LOW,HIGH -o: the pixels canny() gives', async () => {
  const r = await cli(dir, 'a.png', '--canny', '40,90', '-o', 'a-edges.png');
  assert.is(r.status, 0, r.stderr);
  const want = canny(gray('a.png'), { low: 40, high: 90 });
  assert.equal(gray('a-edges.png').data, want.data);
  assert.ok(want.data.some((v) => v === 255) && want.data.some((v) => v === 0));
});

edges('--canny with --ksize 5 --l2 on several files with --out-dir and --jobs', async () => {
  const r = await cli(dir, 'a.png', 'b.png', '--canny', '100,300', '--ksize', '5', '--l2', '--out-dir', 'out', '--jobs', '2');
  assert.is(r.status, 0, r.stderr);
  for (const f of ['a.png', 'b.png']) {
    assert.equal(gray(join('out', f)).data, canny(gray(f), { low: 100, high: 300, ksize: 5, L2gradient: true }).data, f);
  }
});

edges('--gradient sobel|scharr with --ksize, --norm, --border and --map; default names', async () => {
  let r = await cli(dir, 'a.png', '--gradient', 'sobel', '--ksize', '5', '--norm', 'L1', '--map', 'normalize', '--border', 'edge');
  assert.is(r.status, 0, r.stderr);
  assert.ok(readdirSync(dir).includes('a-sobel-L1.png'), readdirSync(dir).join(' '));
  const want = toUint8(gradient(gray('a.png'), { ksize: 5, norm: 'L1', border: 'edge' }).magnitude, { map: 'normalize' });
  assert.equal(gray('a-sobel-L1.png').data, want.data);
  r = await cli(dir, 'b.png', '--gradient', 'scharr', '-o', 'b-scharr.png');
  assert.is(r.status, 0, r.stderr);
  assert.equal(gray('b-scharr.png').data, toUint8(gradient(gray('b.png'), { operator: 'scharr' }).magnitude).data);
});

edges('bad edge flags exit 2, name the flag and write nothing', async () => {
  const before = readdirSync(dir).sort();
  const cases = [
    [['--canny', '50'], /--canny/],
    [['--canny', '50,x'], /--canny/],
    [['--canny', '1,2,3'], /--canny/],
    [['--canny', '50,150', '--ksize', '4'], /--ksize/],
    [['--canny', '50,150', '--ksize', '1'], /--ksize/],
    [['--canny', '50,150', '--map', 'abs'], /--map/],
    [['--canny', '50,150', '--border', 'edge'], /--border/],
    [['--canny', '50,150', '--norm', 'L1'], /--norm/],
    [['--canny', '50,150', '-k', 'sobelX'], /-k\/--kernel/],
    [['--canny', '50,150', '--color'], /--color/],
    [['--canny', '50,150', '--gradient', 'sobel'], /--gradient or --canny/],
    [['--gradient', 'prewitt'], /--gradient/],
    [['--gradient', 'scharr', '--ksize', '3'], /--ksize/],
    [['--gradient', 'sobel', '--ksize', '9'], /--ksize/],
    [['--gradient', 'sobel', '--norm', 'L3'], /--norm/],
    [['--gradient', 'sobel', '--l2'], /--l2/],
    [['--gradient', 'sobel', '--padding', '1'], /--padding/],
    [['--gradient', 'sobel', '--stride', '2'], /--stride/],
    [['--ksize', '3'], /--ksize/],
    [['--l2'], /--l2/],
    [['--norm', 'L1'], /--norm/],
  ];
  for (const [args, pattern] of cases) {
    const r = await cli(dir, 'a.png', ...args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
    assert.equal(readdirSync(dir).sort(), before, args.join(' '));
  }
});

edges.run();
