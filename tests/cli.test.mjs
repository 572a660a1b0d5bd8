// The conv2d CLI, run as a child process (node dist/cli/main.js) on PNGs made here in a temp dir.
// Every written image is checked against the library pipeline computed in the test:
// toUint8(convolve2d(toGrayscale(decodePng(bytes)), kernel, options), { map }).
import { execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d, decodePng, encodePng, kernels, toGrayscale, toUint8 } from '../dist/node/index.js';
import { rng } from './helpers.mjs';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
const HINT = "Try 'conv2d --help'.";
/** What the CLI does unless told otherwise: padding "same", border "reflect". */
const CLI_DEFAULTS = { padding: 'same', border: 'reflect' };

/** Runs the CLI in `cwd`; resolves to its status and output, also split into lines. */
function cli(cwd, ...args) {
  return cliWith({ cwd }, ...args);
}

/** `cli` with more child_process options (`uid`, `gid`). */
function cliWith(options, ...args) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 60_000, ...options }, (error, stdout, stderr) => {
      const status = error ? error.code : 0;
      if (typeof status !== 'number') return reject(error);
      const lines = (s) => s.split('\n').filter(Boolean);
      resolve({ status, stdout, stderr, out: lines(stdout), err: lines(stderr) });
    });
  });
}

/** A random RGBA image (alpha varies too, so an alpha leak would show). */
function randomRgba(seed, width, height) {
  const r = rng(seed);
  return { width, height, channels: 4, data: Uint8Array.from({ length: width * height * 4 }, () => r.int(0, 255)) };
}

/** Every file under `dir` (relative paths) with its size and mtime, to prove nothing was written. */
function snapshot(dir) {
  const files = {};
  const walk = (sub) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else {
        const s = statSync(join(dir, rel));
        files[rel] = `${s.size}:${s.mtimeMs}`;
      }
    }
  };
  walk('.');
  return files;
}

/** The library pipeline the CLI must reproduce; `color` convolves RGB with alpha dropped. */
function expected(bytes, kernel, options, { map = 'clamp', color = false } = {}) {
  const rgba = decodePng(bytes);
  let source;
  if (color) {
    const n = rgba.width * rgba.height;
    const rgb = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) rgb[3 * i + c] = rgba.data[4 * i + c];
    source = { width: rgba.width, height: rgba.height, channels: 3, data: rgb };
  } else {
    source = toGrayscale(rgba);
  }
  return toUint8(convolve2d(source, kernel, options), { map });
}

/** PNG colour type from IHDR: 0 gray, 2 RGB, 4 gray+alpha, 6 RGBA. */
function colorType(bytes) {
  return bytes[25];
}

/** Asserts the PNG at `path` holds exactly `want` (a 1- or 3-channel Uint8 image), opaque. */
function assertPng(path, want, label = path) {
  const bytes = readFileSync(path);
  assert.is(colorType(bytes), want.channels === 1 ? 0 : 2, `${label}: PNG colour type`);
  const got = decodePng(bytes);
  assert.is(got.width, want.width, `${label}: width`);
  assert.is(got.height, want.height, `${label}: height`);
  for (let i = 0; i < want.width * want.height; i++) {
    for (let c = 0; c < 4; c++) {
      const g = got.data[4 * i + c];
      const w = c === 3 ? 255 : want.data[want.channels * i + (want.channels === 1 ? 0 : c)];
      if (g !== w) {
        assert.unreachable(`${label}: pixel (${i % want.width}, ${Math.floor(i / want.width)}) channel ${c}: got ${g}, want ${w}`);
      }
    }
  }
}

let dir;
let aBytes, bBytes;
const setup = () => {
  dir = mkdtempSync(join(tmpdir(), 'conv2d-cli-'));
  aBytes = encodePng(randomRgba(1, 13, 9));
  bBytes = encodePng(randomRgba(2, 6, 8));
  writeFileSync(join(dir, 'a.png'), aBytes);
  writeFileSync(join(dir, 'b.png'), bBytes);
  // A real PNG cut short inside IDAT, and a text file with a .png name.
  writeFileSync(join(dir, 'corrupt.png'), aBytes.subarray(0, Math.floor(aBytes.length / 2)));
  writeFileSync(join(dir, 'notpng.png'), 'this is not a PNG\n');
};
const teardown = () => rmSync(dir, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------------

const writes = suite('conv2d writes what the library computes');
writes.before.each(setup);
writes.after.each(teardown);

writes('defaults: edge kernel, grayscale, same size, <stem>-edge.png next to the input', async () => {
  const r = await cli(dir, 'a.png');
  assert.is(r.status, 0, r.stderr);
  assert.equal(r.out, ['wrote a-edge.png (13×9)']);
  assert.is(r.stderr, '');
  assertPng(join(dir, 'a-edge.png'), expected(aBytes, kernels.edge, CLI_DEFAULTS));
  assert.equal(readFileSync(join(dir, 'a.png')), Buffer.from(aBytes), 'input unchanged');
});

writes('every flag reaches the library: -o, --padding, --stride, --border, --mode, --map', async () => {
  const r = await cli(dir, 'a.png', '-k', 'sobelX', '-o', 'x.png', '--padding', 'valid', '--stride', '2',
    '--border', 'constant', '--mode', 'correlation', '--map', 'abs');
  assert.is(r.status, 0, r.stderr);
  // outH = floor((9 − 2 − 1) / 2) + 1 = 4, outW = floor((13 − 2 − 1) / 2) + 1 = 6
  assert.equal(r.out, ['wrote x.png (6×4)']);
  const options = { padding: 'valid', stride: 2, border: 'constant', mode: 'correlation' };
  assertPng(join(dir, 'x.png'), expected(aBytes, kernels.sobelX, options, { map: 'abs' }));
});

writes('numeric --padding with border wrap and map normalize', async () => {
  const r = await cli(dir, 'b.png', '-k', 'laplacian8', '--padding', '3', '--border', 'wrap', '--map', 'normalize', '-o', 'y.png');
  assert.is(r.status, 0, r.stderr);
  assert.equal(r.out, ['wrote y.png (10×12)']);
  assertPng(join(dir, 'y.png'), expected(bBytes, kernels.laplacian8, { padding: 3, border: 'wrap' }, { map: 'normalize' }));
});

writes('-o creates missing parent directories', async () => {
  const r = await cli(dir, 'a.png', '-o', join('deep', 'er', 'x.png'));
  assert.is(r.status, 0, r.stderr);
  assertPng(join(dir, 'deep', 'er', 'x.png'), expected(aBytes, kernels.edge, CLI_DEFAULTS));
});

writes('--out-dir writes DIR/<input name>, creating DIR', async () => {
  const r = await cli(dir, 'a.png', 'b.png', '--out-dir', join('out', 'sub'), '-k', 'emboss', '--jobs', '2');
  assert.is(r.status, 0, r.stderr);
  assert.equal(r.out.sort(), [`wrote ${join('out', 'sub', 'a.png')} (13×9)`, `wrote ${join('out', 'sub', 'b.png')} (6×8)`]);
  assertPng(join(dir, 'out', 'sub', 'a.png'), expected(aBytes, kernels.emboss, CLI_DEFAULTS));
  assertPng(join(dir, 'out', 'sub', 'b.png'), expected(bBytes, kernels.emboss, CLI_DEFAULTS));
});

writes('parameterised kernels: box:N and gaussian:SIGMA[,N], named in the output file', async () => {
  let r = await cli(dir, 'a.png', '-k', 'box:3');
  assert.is(r.status, 0, r.stderr);
  assertPng(join(dir, 'a-box3.png'), expected(aBytes, kernels.box(3), CLI_DEFAULTS));
  r = await cli(dir, 'a.png', '-k', 'gaussian:1.5');
  assert.is(r.status, 0, r.stderr);
  assertPng(join(dir, 'a-gaussian1.5.png'), expected(aBytes, kernels.gaussian(1.5), CLI_DEFAULTS));
  r = await cli(dir, 'b.png', '-k', 'gaussian:0.8,4');
  assert.is(r.status, 0, r.stderr);
  assertPng(join(dir, 'b-gaussian0.8x4.png'), expected(bBytes, kernels.gaussian(0.8, 4), CLI_DEFAULTS));
});

writes('a JSON kernel on the command line is written as <stem>-custom.png', async () => {
  const r = await cli(dir, 'a.png', '-k', '[[0,1,0],[1,-4,1],[0,1,0]]');
  assert.is(r.status, 0, r.stderr);
  assert.equal(r.out, ['wrote a-custom.png (13×9)']);
  assertPng(join(dir, 'a-custom.png'), expected(aBytes, kernels.laplacian, CLI_DEFAULTS));
});

writes('@file.json: an even, asymmetric kernel read from a file', async () => {
  const kernel = [[1, 2.5], [-3, 0.25]];
  writeFileSync(join(dir, 'k.json'), JSON.stringify(kernel));
  const r = await cli(dir, 'b.png', '-k', '@k.json', '--map', 'normalize');
  assert.is(r.status, 0, r.stderr);
  assertPng(join(dir, 'b-custom.png'), expected(bBytes, kernel, CLI_DEFAULTS, { map: 'normalize' }));
});

writes('--color convolves R, G and B and writes an RGB PNG', async () => {
  const r = await cli(dir, 'a.png', '--color', '-k', 'sharpen', '-o', 'c.png');
  assert.is(r.status, 0, r.stderr);
  assertPng(join(dir, 'c.png'), expected(aBytes, kernels.sharpen, CLI_DEFAULTS, { color: true }));
});

writes.run();

// ---------------------------------------------------------------------------------------------

const failures = suite('conv2d reports failed inputs and writes the rest (exit 1)');
failures.before.each(setup);
failures.after.each(teardown);

failures('a mixed batch: good, corrupt, not a PNG, missing', async () => {
  const r = await cli(dir, 'a.png', 'corrupt.png', 'notpng.png', 'nope.png', 'b.png', '--out-dir', 'out', '--jobs', '2');
  assert.is(r.status, 1);
  assert.equal(readdirSync(join(dir, 'out')).sort(), ['a.png', 'b.png']);
  assertPng(join(dir, 'out', 'a.png'), expected(aBytes, kernels.edge, CLI_DEFAULTS));
  assertPng(join(dir, 'out', 'b.png'), expected(bBytes, kernels.edge, CLI_DEFAULTS));
  assert.is(r.out.length, 2, r.stdout);
  const err = r.err.sort();
  assert.is(err.length, 3, r.stderr);
  assert.match(err[0], /^corrupt\.png: \S.*PNG/);
  assert.is(err[1], 'nope.png: no such file');
  assert.match(err[2], /^notpng\.png: \S.*PNG/);
  for (const line of err) assert.not.match(line, /\n|^\s+at /, 'no stack traces');
});

failures('-o on a missing file is exit 1 and writes nothing', async () => {
  const r = await cli(dir, 'nope.png', '-o', 'x.png');
  assert.is(r.status, 1);
  assert.equal(r.err, ['nope.png: no such file']);
  assert.is(r.stdout, '');
  assert.not.ok(readdirSync(dir).includes('x.png'));
});

failures('a directory given as input fails on its own', async () => {
  mkdirSync(join(dir, 'folder.png'));
  const r = await cli(dir, 'folder.png', 'a.png');
  assert.is(r.status, 1);
  assert.is(r.err.length, 1, r.stderr);
  assert.match(r.err[0], /^folder\.png: /);
  assertPng(join(dir, 'a-edge.png'), expected(aBytes, kernels.edge, CLI_DEFAULTS));
});

failures('a kernel larger than an image with --padding valid fails that image only', async () => {
  writeFileSync(join(dir, 'tiny.png'), encodePng(randomRgba(3, 2, 2)));
  const r = await cli(dir, 'tiny.png', 'a.png', '-k', 'box:3', '--padding', 'valid');
  assert.is(r.status, 1);
  assert.is(r.err.length, 1, r.stderr);
  assert.match(r.err[0], /^tiny\.png: .*kernel/);
  assert.equal(r.out, ['wrote a-box3.png (11×7)']);
  assertPng(join(dir, 'a-box3.png'), expected(aBytes, kernels.box(3), { padding: 'valid', border: 'reflect' }));
});

failures('never overwrites an input: --out-dir pointing at the inputs\' directory', async () => {
  const before = snapshot(dir);
  const r = await cli(dir, 'a.png', '--out-dir', '.');
  assert.is(r.status, 1);
  assert.is(r.err.length, 1, r.stderr);
  assert.match(r.err[0], /^a\.png: .*overwrit/);
  assert.equal(snapshot(dir), before);
});

failures('never overwrites an input: -o naming the input', async () => {
  const r = await cli(dir, 'a.png', '-o', './a.png');
  assert.is(r.status, 1);
  assert.match(r.err[0], /^a\.png: .*overwrit/);
  assert.equal(readFileSync(join(dir, 'a.png')), Buffer.from(aBytes));
});

failures('never overwrites an input: a default name that is another input', async () => {
  writeFileSync(join(dir, 'a-edge.png'), bBytes);
  const r = await cli(dir, 'a.png', 'a-edge.png');
  assert.is(r.status, 1);
  assert.equal(r.err, [r.err[0]]);
  assert.match(r.err[0], /^a\.png: .*a-edge\.png/);
  assert.equal(readFileSync(join(dir, 'a-edge.png')), Buffer.from(bBytes), 'a-edge.png untouched');
  assertPng(join(dir, 'a-edge-edge.png'), expected(bBytes, kernels.edge, CLI_DEFAULTS));
});

failures('two inputs with one name in --out-dir: the second is refused', async () => {
  mkdirSync(join(dir, 'one'));
  mkdirSync(join(dir, 'two'));
  writeFileSync(join(dir, 'one', 'x.png'), aBytes);
  writeFileSync(join(dir, 'two', 'x.png'), bBytes);
  const r = await cli(dir, join('one', 'x.png'), join('two', 'x.png'), '--out-dir', 'out');
  assert.is(r.status, 1);
  assert.is(r.err.length, 1, r.stderr);
  assert.ok(r.err[0].startsWith(`${join('two', 'x.png')}: `), r.err[0]);
  assertPng(join(dir, 'out', 'x.png'), expected(aBytes, kernels.edge, CLI_DEFAULTS));
});

failures.run();

// ---------------------------------------------------------------------------------------------

const usage = suite('conv2d usage errors: exit 2, one line and the hint, nothing written');
usage.before.each(setup);
usage.after.each(teardown);

const BAD = [
  [[], /no input/],
  [['a.png', '--foo'], /unknown option '--foo'/],
  [['-x', 'a.png'], /unknown option '-x'/],
  [['a.png', 'b.png', '-o', 'x.png'], /-o.*one input/],
  [['a.png', '-o', 'x.png', '--out-dir', 'd'], /--out-dir/],
  [['a.png', '-k', 'blur'], /unknown kernel 'blur'/],
  [['a.png', '-k', 'edge:3'], /takes no parameters/],
  [['a.png', '-k', 'box'], /box needs a size/],
  [['a.png', '-k', 'box:0'], /box/],
  [['a.png', '-k', 'box:2.5'], /box/],
  [['a.png', '-k', 'box:100000'], /box/],
  [['a.png', '-k', 'gaussian'], /gaussian needs a sigma/],
  [['a.png', '-k', 'gaussian:0'], /sigma/],
  [['a.png', '-k', 'gaussian:abc'], /sigma/],
  [['a.png', '-k', 'gaussian:1,0'], /size/],
  [['a.png', '-k', 'gaussian:1e6'], /sigma/],
  [['a.png', '-k', '[[1,2],[3]]'], /row 1/],
  [['a.png', '-k', '[[1,"x"]]'], /kernel\[0\]\[1\]/],
  [['a.png', '-k', '[[1e999]]'], /finite/],
  [['a.png', '-k', '[]'], /JSON array of rows/],
  [['a.png', '-k', '[[1,2]'], /not valid JSON/],
  [['a.png', '-k', '@missing.json'], /@missing\.json: no such file/],
  [['a.png', '--padding', '-1'], /--padding/],
  [['a.png', '--padding=-1'], /--padding/],
  [['a.png', '--padding', '1.5'], /--padding/],
  [['a.png', '--padding', 'middle'], /--padding/],
  [['a.png', '--padding'], /--padding.*value/],
  [['a.png', '--stride', '0'], /--stride/],
  [['a.png', '--stride', '2x'], /--stride/],
  [['a.png', '--jobs', '0'], /--jobs/],
  [['a.png', '--jobs', 'many'], /--jobs/],
  [['a.png', '--border', 'mirror'], /--border/],
  [['a.png', '--mode', 'conv'], /--mode/],
  [['a.png', '--map', 'log'], /--map/],
  [['a.png', '--color=yes'], /--color/],
  [['a.png', '--suffix=x/y'], /--suffix/],
  [['a.png', '--suffix='], /--suffix needs --out-dir/],
  [['a.png', '-o', 'x.png', '--suffix=-k'], /--suffix/],
  [['a.png', '--suffix', '-k'], /'--suffix' needs a value/],
  [['a.png', '--limit-input-pixels', '1e6'], /--limit-input-pixels/],
  [['a.png', '--limit-input-pixels', 'lots'], /--limit-input-pixels/],
  [['a.png', '--json=1'], /--json/],
  [['a.png', '--skip-existing=no'], /--skip-existing/],
  [['a.png', '--quiet=yes'], /--quiet/],
  // Flags are checked before any file: a missing input does not hide a bad kernel.
  [['nope.png', '-k', 'bogus'], /unknown kernel/],
];

usage('each bad command line', async () => {
  const before = snapshot(dir);
  // All at once: each is a fresh process, and the snapshot after them all shows nothing was written.
  const results = await Promise.all(BAD.map(([args]) => cli(dir, ...args)));
  for (const [i, [args, pattern]] of BAD.entries()) {
    const label = `conv2d ${args.join(' ')}`;
    const r = results[i];
    assert.is(r.status, 2, `${label}: status (stderr: ${r.stderr})`);
    assert.is(r.stdout, '', `${label}: stdout`);
    assert.is(r.err.length, 2, `${label}: two lines on stderr, got ${JSON.stringify(r.stderr)}`);
    assert.match(r.err[0], /^conv2d: /, label);
    assert.match(r.err[0], pattern, label);
    assert.is(r.err[1], HINT, label);
  }
  assert.equal(snapshot(dir), before, 'nothing written');
});

usage('a kernel file that is not a kernel', async () => {
  writeFileSync(join(dir, 'k.json'), '{"width": 3}');
  const r = await cli(dir, 'a.png', '-k', '@k.json');
  assert.is(r.status, 2);
  assert.match(r.err[0], /^conv2d: -k @k\.json: .*JSON array of rows/);
  assert.is(r.err[1], HINT);
});

usage.run();

// ---------------------------------------------------------------------------------------------

const info = suite('conv2d --help and --version');
info.before.each(setup);
info.after.each(teardown);

info('--help prints the usage, says the defaults, exits 0', async () => {
  for (const flag of ['--help', '-h']) {
    const r = await cli(dir, flag);
    assert.is(r.status, 0);
    assert.is(r.stderr, '');
    assert.match(r.stdout, /^Usage: conv2d IN\.\.\. \[options\]/);
    for (const word of ['--kernel', '--output', '--out-dir', '--suffix', '--skip-existing', '--padding', '--stride', '--border', '--mode',
      '--map', '--color', '--jobs', '--limit-input-pixels', '--json', '--quiet', '--version', '130']) {
      assert.ok(r.stdout.includes(word), `mentions ${word}`);
    }
    assert.match(r.stdout, /default: same, so outputs keep the input's size/);
    assert.match(r.stdout, /default: reflect/);
    assert.match(r.stdout, /alpha is dropped/);
    // The queue's subcommands are found from the main help.
    for (const sub of ['conv2d enqueue IN...', 'conv2d worker', 'conv2d status BATCH', 'CONV2D_REDIS']) {
      assert.ok(r.stdout.includes(sub), `mentions ${sub}`);
    }
  }
});

info('--help wins over other flags and inputs and writes nothing', async () => {
  const before = snapshot(dir);
  const r = await cli(dir, 'a.png', '-k', 'bogus', '--help');
  assert.is(r.status, 0);
  assert.match(r.stdout, /^Usage: /);
  assert.equal(snapshot(dir), before);
});

info('--version prints the package version', async () => {
  const r = await cli(dir, '--version');
  assert.is(r.status, 0);
  assert.is(r.stdout, `${VERSION}\n`);
});

info.run();

// ---------------------------------------------------------------------------------------------

const batch = suite('conv2d on folders, patterns and many files');
batch.before.each(setup);
batch.after.each(teardown);

/**
 * How this run can have a file it cannot read. Root reads through chmod 000, so as root the CLI
 * runs as `nobody`; if even that cannot be done, the unreadable file is left out (and said so).
 */
function unreadableSetup() {
  if (process.getuid?.() !== 0) return { options: {} };
  const nobody = { uid: 65534, gid: 65534 };
  const probe = spawnSync(process.execPath, [MAIN, '--version'], { ...nobody, encoding: 'utf8' });
  if (probe.status === 0) return { options: nobody };
  return { skip: `running as root and cannot run the CLI as nobody (${probe.error?.message ?? probe.stderr.trim()})` };
}

/** A folder of PNGs: photos/a.png, photos/sub/b.png, a corrupt one and a text file named .png. */
function photos() {
  mkdirSync(join(dir, 'photos', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'photos', 'a.png'), aBytes);
  writeFileSync(join(dir, 'photos', 'sub', 'b.png'), bBytes);
  writeFileSync(join(dir, 'photos', 'corrupt.png'), aBytes.subarray(0, 70));
  writeFileSync(join(dir, 'photos', 'notpng.png'), 'this is not a PNG\n');
}

batch('a mixed folder: good, corrupt, not a PNG, unreadable; exit 1, each failure named, the rest written, --json report', async () => {
  photos();
  const how = unreadableSetup();
  if (how.skip) console.log(`  (no unreadable file: ${how.skip})`);
  else {
    writeFileSync(join(dir, 'photos', 'locked.png'), aBytes);
    chmodSync(join(dir, 'photos', 'locked.png'), 0o000);
    // As another user, the CLI must be able to enter the folders and create out/.
    for (const d of ['.', 'photos', join('photos', 'sub')]) chmodSync(join(dir, d), 0o777);
  }
  const r = await cliWith({ cwd: dir, ...how.options }, 'photos', '--out-dir', 'out', '-k', 'sobelX', '--json');
  assert.is(r.status, 1, r.stderr);
  const wantErr = [/^photos\/corrupt\.png: Invalid PNG/, /^photos\/notpng\.png: Unsupported image format .*supported: PNG, JPEG$/];
  if (!how.skip) wantErr.splice(1, 0, /^photos\/locked\.png: permission denied$/);
  const err = r.err.sort();
  assert.is(err.length, wantErr.length, r.stderr);
  wantErr.forEach((pattern, i) => assert.match(err[i], pattern));

  const report = JSON.parse(r.stdout);
  assert.equal(Object.keys(report).sort(), ['interrupted', 'results', 'totals']);
  assert.is(report.interrupted, false);
  const { seconds, pixels, ...counts } = report.totals;
  assert.ok(seconds > 0);
  assert.is(pixels, 13 * 9 + 6 * 8);
  assert.equal(counts, { inputs: wantErr.length + 2, written: 2, skipped: 0, failed: wantErr.length, interrupted: 0 });
  const byInput = Object.fromEntries(report.results.map((x) => [x.input, x]));
  assert.equal(byInput[join('photos', 'sub', 'b.png')], { input: join('photos', 'sub', 'b.png'), output: join('out', 'sub', 'b.png'), status: 'written', width: 6, height: 8 });
  assert.equal(Object.keys(byInput[join('photos', 'corrupt.png')]).sort(), ['error', 'input', 'output', 'status']);
  assert.equal(readdirSync(join(dir, 'out'), { recursive: true }).sort(), ['a.png', 'sub', join('sub', 'b.png')]);
  assertPng(join(dir, 'out', 'a.png'), expected(aBytes, kernels.sobelX, CLI_DEFAULTS));
  assertPng(join(dir, 'out', 'sub', 'b.png'), expected(bBytes, kernels.sobelX, CLI_DEFAULTS));
});

batch('--skip-existing resumes a run: existing outputs are skipped, missing ones written, exit 0', async () => {
  mkdirSync(join(dir, 'photos', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'photos', 'a.png'), aBytes);
  writeFileSync(join(dir, 'photos', 'sub', 'b.png'), bBytes);
  let r = await cli(dir, 'photos', '--out-dir', 'out');
  assert.is(r.status, 0, r.stderr);
  rmSync(join(dir, 'out', 'sub', 'b.png'));
  const before = statSync(join(dir, 'out', 'a.png')).mtimeMs;
  r = await cli(dir, 'photos', '--out-dir', 'out', '--skip-existing');
  assert.is(r.status, 0, r.stderr);
  assert.equal(r.out.sort(), [`skipped ${join('out', 'a.png')} (exists)`, `wrote ${join('out', 'sub', 'b.png')} (6×8)`]);
  assert.is(statSync(join(dir, 'out', 'a.png')).mtimeMs, before);
  assertPng(join(dir, 'out', 'sub', 'b.png'), expected(bBytes, kernels.edge, CLI_DEFAULTS));
});

batch('a glob pattern with --suffix writes beside each match; --quiet leaves only failures', async () => {
  photos();
  const r = await cli(dir, join('photos', '**', '*.png'), '--suffix=-sharp', '-k', 'sharpen', '-q');
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  assert.is(r.err.length, 2, r.stderr);
  assertPng(join(dir, 'photos', 'a-sharp.png'), expected(aBytes, kernels.sharpen, CLI_DEFAULTS));
  assertPng(join(dir, 'photos', 'sub', 'b-sharp.png'), expected(bBytes, kernels.sharpen, CLI_DEFAULTS));
  // Run again: the outputs, named *-sharp.png, are not taken for inputs.
  const again = await cli(dir, 'photos', '--suffix=-sharp', '-k', 'sharpen', '--json');
  assert.is(JSON.parse(again.stdout).totals.inputs, 4);
});

batch('SIGINT: stops, prints the partial report, leaves complete outputs and no temp file, exit 130', async () => {
  const photo = encodePng(randomRgba(9, 800, 600));
  mkdirSync(join(dir, 'many'));
  for (let i = 0; i < 120; i++) writeFileSync(join(dir, 'many', `p${String(i).padStart(3, '0')}.png`), photo);
  const child = spawn(process.execPath, [MAIN, 'many', '--out-dir', 'out', '--jobs', '2', '-k', 'gaussian:2', '--json'], { cwd: dir });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const written = () => { try { return readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.png')).length; } catch { return 0; } };
  const deadline = Date.now() + 20_000;
  while (written() < 3 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
  child.kill('SIGINT');
  const { code, signal } = await exited;
  assert.equal({ code, signal }, { code: 130, signal: null }, stderr);
  assert.match(stderr, /conv2d: interrupted: \d+ written.*--skip-existing/);
  const report = JSON.parse(stdout);
  assert.is(report.interrupted, true);
  const t = report.totals;
  // At least one output was reported written; a file renamed into place just before the signal
  // may not have been reported yet (it is complete: checked below), so the report may count
  // fewer than the 3 files seen.
  assert.ok(t.written >= 1 && t.written < 120, `written ${t.written}`);
  assert.ok(t.interrupted <= 6, `abandoned ${t.interrupted} (at most 3 × jobs are handed out)`);
  const left = readdirSync(join(dir, 'out'));
  assert.equal(left.filter((f) => !f.endsWith('.png')), [], 'no temp files');
  const want = expected(photo, kernels.gaussian(2), CLI_DEFAULTS);
  for (const f of left) assertPng(join(dir, 'out', f), want, f); // complete, never half-written
  for (const x of report.results.filter((y) => y.status === 'written')) assert.ok(left.includes(x.output.slice(4)), x.output);
  assert.ok(t.written <= left.length, `reported ${t.written} written, ${left.length} in out/`);
});

batch.run();

// ---------------------------------------------------------------------------------------------

const progress = suite('conv2d progress lines');

progress('done/total, rate, ETA and counts; the summary', async () => {
  const { progressText, summaryText, duration } = await import('../dist/internal.js');
  assert.is(progressText({ done: 50, total: 200, written: 49, skipped: 0, failed: 1, seconds: 10 }), '50/200 images, 5.0 images/s, ETA 30s, 1 failed');
  assert.is(progressText({ done: 7, written: 5, skipped: 2, failed: 0, seconds: 2 }), '7/? images, 3.5 images/s, 2 skipped');
  const totals = { inputs: 10, written: 8, skipped: 0, failed: 1, interrupted: 1, pixels: 0, seconds: 4 };
  assert.is(summaryText({ results: [], totals, interrupted: false }), '8 written, 1 failed in 4.0s (2.3 images/s)');
  assert.is(summaryText({ results: [], totals, interrupted: true }), 'interrupted: 8 written, 1 failed, 1 abandoned; the rest not started (run again with --skip-existing to resume)');
  assert.equal([duration(0.25), duration(42), duration(65), duration(7380)], ['0.3s', '42s', '1m05s', '2h03m']);
});

progress.run();
