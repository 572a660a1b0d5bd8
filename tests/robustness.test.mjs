// What an adversarial tester found (issue 10), each case a test that failed before its fix:
// inputs that hang or read without bound, outputs that could replace inputs, flag values that
// crashed the CLI, and convolve2dAsync results that depended on the thread count.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d, convolve2dAsync, convolveFiles, encodePng, readPng } from '../dist/node/index.js';
import { pngChunk, rng } from './helpers.mjs';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** Runs the CLI; a run that has not ended after `timeout` ms is killed and reported as hung. */
function cli(cwd, args, timeout = 20_000) {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', timeout, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      resolve({ status: error ? error.code : 0, hung: error?.killed === true, stdout, stderr });
    });
  });
}

function randomGray(seed, width, height) {
  const r = rng(seed);
  return { width, height, channels: 1, data: Uint8Array.from({ length: width * height }, () => r.int(0, 255)) };
}

function tempDir() {
  return mkdtempSync(join(tmpdir(), 'conv2d-robust-'));
}


/** A PNG whose header claims width × height, with a tiny (wrong) IDAT: only the header may be read. */
function claimingPng(width, height) {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr),
    pngChunk('IDAT', new Uint8Array([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), pngChunk('IEND', new Uint8Array(0))];
  return Buffer.concat(parts);
}

const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

// ---------------------------------------------------------------------------------------------
const reads = suite('no input hangs or reads without bound');

reads('a FIFO as input fails at once, by name, and the other inputs are written', async () => {
  if (!hasMkfifo) return console.log('  (mkfifo missing: FIFO cases skipped)');
  const dir = tempDir();
  try {
    spawnSync('mkfifo', [join(dir, 'pipe.png')]);
    writeFileSync(join(dir, 'ok.png'), encodePng(randomGray(1, 8, 6)));
    const run = await cli(dir, ['pipe.png', 'ok.png', '--out-dir', 'out']);
    assert.is(run.hung, false, 'the CLI hung on a FIFO');
    assert.is(run.status, 1);
    assert.match(run.stderr, /pipe\.png: .*FIFO/);
    assert.ok(existsSync(join(dir, 'out', 'ok.png')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

reads('a .png symlink to a FIFO inside a walked directory fails alone', async () => {
  if (!hasMkfifo) return;
  const dir = tempDir();
  try {
    mkdirSync(join(dir, 'in'));
    spawnSync('mkfifo', [join(dir, 'fifo')]);
    symlinkSync(join(dir, 'fifo'), join(dir, 'in', 'link.png'));
    writeFileSync(join(dir, 'in', 'ok.png'), encodePng(randomGray(2, 5, 5)));
    const run = await cli(dir, ['in', '--out-dir', 'out']);
    assert.is(run.hung, false, 'the CLI hung on a FIFO in a walked directory');
    assert.is(run.status, 1);
    assert.match(run.stderr, /link\.png: .*FIFO/);
    assert.ok(existsSync(join(dir, 'out', 'ok.png')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

reads('/dev/zero, as an input or as -k @/dev/zero, is refused without being read', async () => {
  const dir = tempDir();
  try {
    const input = await cli(dir, ['/dev/zero', '-o', 'x.png']);
    assert.is(input.hung, false);
    assert.is(input.status, 1);
    assert.match(input.stderr, /\/dev\/zero: .*character device/);
    writeFileSync(join(dir, 'a.png'), encodePng(randomGray(3, 4, 4)));
    const kernel = await cli(dir, ['a.png', '-k', '@/dev/zero']);
    assert.is(kernel.hung, false);
    assert.is(kernel.status, 2);
    assert.match(kernel.stderr, /-k @\/dev\/zero: .*character device/);
    assert.throws(() => readPng('/dev/zero'), (e) => /\/dev\/zero/.test(e.message) && /character device/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

reads('a 1.9 GB file that is not a PNG is refused by its signature, not read whole (RSS stays flat)', () => {
  const dir = tempDir();
  try {
    const big = join(dir, 'big.png');
    writeFileSync(big, 'not a png');
    spawnSync('truncate', ['-s', String(1900 << 20), big]); // sparse: costs no disk
    const before = process.memoryUsage().rss;
    assert.throws(() => readPng(big), (e) => /big\.png: Invalid PNG: bad signature/.test(e.message));
    assert.ok(process.memoryUsage().rss - before < 64 << 20, 'readPng read the whole file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

reads('a PNG header over any limit is refused before its pixels are decoded', () => {
  const dir = tempDir();
  try {
    const wide = join(dir, 'wide.png');
    writeFileSync(wide, claimingPng(268402689, 1)); // within limitInputPixels, wider than any image
    assert.throws(() => readPng(wide), (e) => e instanceof RangeError && /side longer than 1048576/.test(e.message) && /wide\.png/.test(e.message));
    const huge = join(dir, 'huge.png');
    writeFileSync(huge, claimingPng(100000, 100000));
    assert.throws(() => readPng(huge), (e) => e instanceof RangeError && /limitInputPixels/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

reads('an output under /proc fails cleanly instead of spinning', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'a.png'), encodePng(randomGray(4, 4, 4)));
    const run = await cli(dir, ['a.png', '-o', '/proc/nope/x.png'], 15_000);
    assert.is(run.hung, false, 'the CLI spun on mkdir under /proc');
    assert.is(run.status, 1);
    assert.match(run.stderr, /cannot create directory \/proc\/nope/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

reads.run();

// ---------------------------------------------------------------------------------------------
const outputs = suite('no output replaces an input; temp files never outlive a run');

outputs('--out-dir naming an input directory is a usage error, and nothing is written', async () => {
  const dir = tempDir();
  try {
    mkdirSync(join(dir, 'in'));
    mkdirSync(join(dir, 'in2'));
    const x = encodePng(randomGray(5, 6, 6));
    const other = encodePng(randomGray(6, 6, 6));
    writeFileSync(join(dir, 'in', 'x.png'), x);
    writeFileSync(join(dir, 'in2', 'x.png'), other);
    const run = await cli(dir, ['in/x.png', 'in2', '--out-dir', 'in2']);
    assert.is(run.status, 2);
    assert.match(run.stderr, /--out-dir/);
    assert.ok(readFileSync(join(dir, 'in2', 'x.png')).equals(other), 'an input was overwritten');
    // Through a symbolic link to it, too.
    symlinkSync(join(dir, 'in2'), join(dir, 'link'));
    const linked = await cli(dir, ['in/x.png', 'in2', '--out-dir', 'link']);
    assert.is(linked.status, 2);
    assert.ok(readFileSync(join(dir, 'in2', 'x.png')).equals(other));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

outputs('an output directory reached through a symbolic link is never walked as input', async () => {
  const dir = tempDir();
  try {
    mkdirSync(join(dir, 'in', 'out'), { recursive: true });
    writeFileSync(join(dir, 'in', 'a.png'), encodePng(randomGray(7, 5, 4)));
    symlinkSync(join(dir, 'in', 'out'), join(dir, 'outlink'));
    const first = await cli(dir, ['in', '--out-dir', 'outlink']);
    assert.is(first.status, 0, first.stderr);
    const second = await cli(dir, ['in', '--out-dir', 'outlink', '--json']);
    assert.is(second.status, 0, second.stderr);
    const report = JSON.parse(second.stdout);
    assert.equal(report.results.map((r) => r.input), [join('in', 'a.png')], 'the outputs were read back as inputs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

outputs('an output name of 250 bytes is written (its temp name is shortened)', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'a.png'), encodePng(randomGray(8, 4, 4)));
    const name = `${'n'.repeat(246)}.png`;
    const run = await cli(dir, ['a.png', '-o', name]);
    assert.is(run.status, 0, run.stderr);
    assert.ok(existsSync(join(dir, name)));
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

outputs('--skip-existing removes the temp files a killed run left, and only those of dead processes', async () => {
  const dir = tempDir();
  try {
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'a.png'), encodePng(randomGray(9, 4, 4)));
    // A pid that is certainly not running: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const stale = `.a.png.${dead}.0123456789ab.tmp`;
    const live = `.a.png.${process.pid}.0123456789ab.tmp`;
    writeFileSync(join(dir, 'out', stale), 'half');
    writeFileSync(join(dir, 'out', live), 'in progress');
    const run = await cli(dir, ['a.png', '--out-dir', 'out', '--skip-existing']);
    assert.is(run.status, 0, run.stderr);
    assert.not.ok(existsSync(join(dir, 'out', stale)), 'a stale temp file was left');
    assert.ok(existsSync(join(dir, 'out', live)), "a live process's temp file was removed");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

outputs.run();

// ---------------------------------------------------------------------------------------------
const words = suite('the CLI speaks in flags: bad values are usage errors (exit 2, one line, the flag named)');

const usageCases = [
  [['--padding', '1048576'], /--padding/],
  [['--stride', '2000000'], /--stride/],
  [['--jobs', '5000'], /--jobs/],
  [['-k', '[[1e39]]'], /-k/],
  [['-k', JSON.stringify([Array(5000).fill(1)])], /at most 4096 a side.*-k/],
];
for (const [flags, pattern] of usageCases) {
  words(`${flags.join(' ').slice(0, 40)}`, async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir, 'a.png'), encodePng(randomGray(10, 4, 4)));
      const run = await cli(dir, ['a.png', ...flags]);
      assert.is(run.status, 2, run.stderr);
      assert.match(run.stderr, pattern);
      assert.not.match(run.stderr, /options\.|batch\.|unexpected error|\n\s+at /);
      assert.equal(readdirSync(dir), ['a.png'], 'something was written');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

words('a 5000-deep kernel JSON is a usage error', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'k.json'), `${'['.repeat(5000)}1${']'.repeat(5000)}`);
    writeFileSync(join(dir, 'a.png'), encodePng(randomGray(11, 4, 4)));
    const run = await cli(dir, ['a.png', '-k', '@k.json']);
    assert.is(run.status, 2);
    assert.match(run.stderr, /-k @k\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

words('-k @FILE on a non-JSON file does not quote its contents', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'secret'), 'root:$6$secret-hash:19000:0:99999:7:::\n');
    writeFileSync(join(dir, 'a.png'), encodePng(randomGray(12, 4, 4)));
    const run = await cli(dir, ['a.png', '-k', '@secret']);
    assert.is(run.status, 2);
    assert.match(run.stderr, /not valid JSON/);
    assert.not.match(run.stderr, /root|secret-hash/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

words('--limit-input-pixels 0 lifts the output-size check too', async () => {
  const dir = tempDir();
  try {
    // The run gets past the argument checks (padding 12000 makes a 24001² output, over the
    // default limit) and fails only on the missing input, without writing a 576-MP image.
    const run = await cli(dir, ['missing.png', '--padding', '12000', '--limit-input-pixels', '0', '-o', 'x.png']);
    assert.is(run.status, 1, run.stderr);
    assert.match(run.stderr, /missing\.png: no such file/);
    const limited = await cli(dir, ['missing.png', '--padding', '12000', '-o', 'x.png']);
    assert.is(limited.status, 2);
    assert.match(limited.stderr, /--limit-input-pixels/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

words('control characters in file names are escaped on the terminal', async () => {
  const dir = tempDir();
  try {
    const name = 'evil\x1b]0;pwned\x07\x1b[2J.png';
    writeFileSync(join(dir, name), 'not a png');
    const run = await cli(dir, [name, '-o', 'x.png']);
    assert.is(run.status, 1);
    assert.not.match(run.stderr, /\x1b|\x07/);
    assert.match(run.stderr, /evil\\x1b\]0;pwned\\x07\\x1b\[2J\.png: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

words('a second SIGINT ends a run at once (exit 130)', async () => {
  const dir = tempDir();
  try {
    mkdirSync(join(dir, 'in'));
    const image = encodePng(randomGray(17, 1500, 1000));
    for (let i = 0; i < 200; i++) writeFileSync(join(dir, 'in', `p${i}.png`), image);
    const child = spawn(process.execPath, [MAIN, 'in', '--out-dir', 'out', '--jobs', '1', '-k', 'gaussian:3'], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // Signalled once the run is under way (its first image written), not after a fixed time: a
    // fast machine finishes a small batch before any fixed wait ends.
    const written = () => { try { return readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.png')).length; } catch { return 0; } };
    const deadline = Date.now() + 20_000;
    while (written() < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(written() < 200, 'the run was still going when signalled');
    child.kill('SIGINT');
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const { code, signal } = await exited;
    clearTimeout(timer);
    assert.is(signal, null, 'the CLI did not exit by itself');
    assert.is(code, 130);
    // A forced exit may leave an image's temp file; a resumed run (--skip-existing) clears it.
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

words.run();

// ---------------------------------------------------------------------------------------------
const async = suite('convolve2dAsync: the same bits for every thread count and path; queued calls are safe');

async('the FFT path gives convolve2d bits whatever the split (tile grid independent of the rows asked for)', async () => {
  const r = rng(13);
  // Exact sums that are multiples of 1/8 near 1e8, where float32's spacing is 8: many lie exactly
  // on a rounding midpoint, so the float64 transform's last-bit noise (which depends on where a
  // tile starts) picks the float32 result. Only a tile grid that ignores the split agrees.
  const image = { width: 1024, height: 768, channels: 1, data: Float32Array.from({ length: 1024 * 768 }, () => r.int(0, (1 << 20) - 1)) };
  const kernel = Array.from({ length: 15 }, () => Array.from({ length: 15 }, () => r.int(-32, 32) / 8));
  const options = { padding: 'same', method: 'fft' };
  const whole = convolve2d(image, kernel, options).data;
  for (const threads of [2, 3, 7]) {
    const split = (await convolve2dAsync(image, kernel, { ...options, threads })).data;
    let diff = -1;
    for (let i = 0; i < whole.length && diff < 0; i++) if (!Object.is(whole[i], split[i])) diff = i;
    assert.is(diff, -1, `threads ${threads}: first difference at ${diff}`);
  }
  const rgba = { width: 117, height: 163, channels: 4, data: Uint8Array.from({ length: 117 * 163 * 4 }, () => r.int(0, 255)) };
  const big = Array.from({ length: 21 }, () => Array.from({ length: 21 }, () => r()));
  const one = convolve2d(rgba, big, { padding: 'same' }).data;
  const two = (await convolve2dAsync(rgba, big, { padding: 'same', threads: 2 })).data;
  assert.ok(one.every((v, i) => Object.is(v, two[i])), 'u8 RGBA 21×21 differs between 1 and 2 threads');
});

async('a queued call computes the image as it was when called, even if its buffer is transferred', async () => {
  const image = randomGray(14, 300, 200);
  const kernel = [[1, 2, 1], [0, 0, 0], [-1, -2, -1]];
  const expected = convolve2d(image, kernel).data;
  // Fill the workers, then queue one more and take its buffer away at once.
  const busy = Array.from({ length: 8 }, (_, i) => convolve2dAsync(randomGray(20 + i, 600, 400), kernel, { threads: 1 }));
  const pending = convolve2dAsync(image, kernel, { threads: 1 });
  structuredClone(image.data.buffer, { transfer: [image.data.buffer] });
  assert.is(image.data.length, 0, 'the buffer was not detached');
  const result = await pending;
  assert.ok(result.data.every((v, i) => v === expected[i]));
  await Promise.all(busy);
  // The pool goes on.
  const again = await convolve2dAsync(randomGray(15, 30, 20), kernel, { threads: 2 });
  assert.equal(again.data, convolve2d(randomGray(15, 30, 20), kernel).data);
});

async('method "fft" with a kernel reaching across a small image takes the direct sum instead of seconds', () => {
  const r = rng(16);
  const signal = { width: 1024, height: 1, channels: 1, data: Float32Array.from({ length: 1024 }, () => r()) };
  const long = [Array.from({ length: 1024 }, () => r())];
  const fft = convolve2d(signal, long, { padding: 'same', method: 'fft' }).data;
  const direct = convolve2d(signal, long, { padding: 'same', method: 'direct' }).data;
  assert.ok(fft.every((v, i) => Object.is(v, direct[i])));
  const small = { width: 64, height: 48, channels: 1, data: Float32Array.from({ length: 64 * 48 }, () => r()) };
  const dilated = convolve2d(small, [[1, 2, 3], [4, 5, 6], [7, 8, 9]], { padding: 'same', dilation: 2000, method: 'fft' }).data;
  const reference = convolve2d(small, [[1, 2, 3], [4, 5, 6], [7, 8, 9]], { padding: 'same', dilation: 2000, method: 'direct' }).data;
  assert.ok(dilated.every((v, i) => Object.is(v, reference[i])));
});

async.run();

// ---------------------------------------------------------------------------------------------
const api = suite('convolveFiles: argument checks use the limits the images will get');

api('batch.limitInputPixels false lifts the output check of options (padding beyond the default limit)', async () => {
  const dir = tempDir();
  try {
    const report = await convolveFiles([join(dir, 'missing.png')], [[1]], { padding: 12000 }, { outDir: join(dir, 'out'), limitInputPixels: false });
    assert.is(report.results[0].status, 'failed');
    assert.match(report.results[0].error, /no such file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

api.run();
