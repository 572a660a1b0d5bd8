// convolveFiles: many PNG files on a pool of worker threads. Every written image is checked
// against the library pipeline computed here: toUint8(convolve2d(toGrayscale(decodePng(bytes)))).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d, convolveFiles, decodePng, encodePng, kernels, toGrayscale, toUint8, writePng } from '../dist/node/index.js';
import { removeTempFiles } from '../dist/internal.js';
import { assertRejects, rng } from './helpers.mjs';

const OPTIONS = { padding: 'same', border: 'reflect' };

function randomPng(seed, width, height) {
  const r = rng(seed);
  return encodePng({ width, height, channels: 4, data: Uint8Array.from({ length: width * height * 4 }, () => r.int(0, 255)) });
}

/** The library pipeline the batch must reproduce. */
function expected(bytes, kernel = kernels.edge, options = OPTIONS, { map = 'clamp', color = false } = {}) {
  const rgba = decodePng(bytes);
  let source = toGrayscale(rgba);
  if (color) {
    const n = rgba.width * rgba.height;
    const rgb = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) rgb[3 * i + c] = rgba.data[4 * i + c];
    source = { width: rgba.width, height: rgba.height, channels: 3, data: rgb };
  }
  return toUint8(convolve2d(source, kernel, options), { map });
}

/** Asserts the PNG at `path` decodes to exactly `want` (1 or 3 channels, opaque). */
function assertPng(path, want) {
  const got = decodePng(readFileSync(path));
  assert.equal([got.width, got.height], [want.width, want.height], `${path}: size`);
  for (let i = 0; i < want.width * want.height; i++) {
    for (let c = 0; c < 3; c++) {
      const w = want.data[want.channels * i + (want.channels === 1 ? 0 : c)];
      if (got.data[4 * i + c] !== w) assert.unreachable(`${path}: pixel ${i} channel ${c}: got ${got.data[4 * i + c]}, want ${w}`);
    }
  }
}

/** Every file below `dir`, as sorted relative paths. */
function files(dir) {
  return readdirSync(dir, { recursive: true }).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

const byInput = (report) => Object.fromEntries(report.results.map((r) => [r.input, r]));

let dir;
let bytes;
const setup = () => {
  dir = mkdtempSync(join(tmpdir(), 'conv2d-batch-'));
  bytes = [randomPng(1, 13, 9), randomPng(2, 6, 8), randomPng(3, 10, 10)];
  mkdirSync(join(dir, 'in', 'sub', 'deeper'), { recursive: true });
  mkdirSync(join(dir, 'in', '.hidden'));
  writeFileSync(join(dir, 'in', 'a.png'), bytes[0]);
  writeFileSync(join(dir, 'in', 'sub', 'b.png'), bytes[1]);
  writeFileSync(join(dir, 'in', 'sub', 'deeper', 'c.PNG'), bytes[2]);
  writeFileSync(join(dir, 'in', '.hidden', 'd.png'), bytes[0]);
  writeFileSync(join(dir, 'in', '.e.png'), bytes[0]);
  writeFileSync(join(dir, 'in', 'notes.txt'), 'not an image\n');
};
const teardown = () => rmSync(dir, { recursive: true, force: true });
const at = (...parts) => join(dir, ...parts);

// ---------------------------------------------------------------------------------------------

const batch = suite('convolveFiles');
batch.before.each(setup);
batch.after.each(teardown);

batch('walks a directory, mirrors it under outDir, and writes what the library computes', async () => {
  const report = await convolveFiles([at('in')], kernels.edge, OPTIONS, { outDir: at('out'), jobs: 2 });
  assert.equal(files(at('out')), ['a.png', join('sub', 'b.png'), join('sub', 'deeper', 'c.PNG')]);
  assertPng(at('out', 'a.png'), expected(bytes[0]));
  assertPng(at('out', 'sub', 'b.png'), expected(bytes[1]));
  assertPng(at('out', 'sub', 'deeper', 'c.PNG'), expected(bytes[2]));
  assert.is(report.interrupted, false);
  const t = report.totals;
  assert.equal({ ...t, seconds: 0 }, { inputs: 3, written: 3, skipped: 0, failed: 0, interrupted: 0, pixels: 13 * 9 + 6 * 8 + 100, seconds: 0 });
  assert.ok(t.seconds > 0 && t.seconds < 60);
  assert.equal(byInput(report)[at('in', 'sub', 'b.png')], { input: at('in', 'sub', 'b.png'), output: at('out', 'sub', 'b.png'), status: 'written', width: 6, height: 8 });
});

batch('a mixed folder: good, corrupt, not a PNG, unreadable, too large; the rest is written', async () => {
  writeFileSync(at('in', 'corrupt.png'), bytes[0].subarray(0, 60));
  writeFileSync(at('in', 'text.png'), 'this is not a PNG\n');
  writeFileSync(at('in', 'big.png'), randomPng(4, 40, 40));
  mkdirSync(at('in', 'folder.png')); // a directory with a PNG name is walked, not read
  let unreadable = process.getuid?.() !== 0;
  if (unreadable) {
    writeFileSync(at('in', 'locked.png'), bytes[0]);
    chmodSync(at('in', 'locked.png'), 0o000);
  } else {
    console.log('  (running as root, where chmod 000 does not stop reads: the CLI test covers unreadable files as another user)');
  }
  const report = await convolveFiles([at('in')], kernels.sobelX, OPTIONS, { outDir: at('out'), jobs: 2, limitInputPixels: 1000 });
  const r = byInput(report);
  assert.is(r[at('in', 'corrupt.png')].status, 'failed');
  assert.match(r[at('in', 'corrupt.png')].error, /^Invalid PNG/);
  assert.match(r[at('in', 'text.png')].error, /^Unsupported image format \(the file starts with 74 68 69 73\); supported: PNG, JPEG$/);
  assert.match(r[at('in', 'big.png')].error, /limitInputPixels/);
  if (unreadable) assert.is(r[at('in', 'locked.png')].error, 'permission denied');
  for (const f of Object.values(r)) {
    if (f.status === 'failed') assert.not.ok(f.error.startsWith(f.input), `no file name in the reason: ${f.error}`);
  }
  assert.is(report.totals.written, 3);
  assert.is(report.totals.failed, unreadable ? 4 : 3);
  assert.equal(files(at('out')), ['a.png', join('sub', 'b.png'), join('sub', 'deeper', 'c.PNG')]);
  assertPng(at('out', 'sub', 'b.png'), expected(bytes[1], kernels.sobelX));
});

batch('without outDir: <stem><suffix>.png beside each input; a second run does not read its outputs', async () => {
  const first = await convolveFiles([at('in')], kernels.edge, OPTIONS, { suffix: '-edge', jobs: 1 });
  assert.is(first.totals.written, 3);
  assertPng(at('in', 'sub', 'deeper', 'c-edge.png'), expected(bytes[2]));
  const second = await convolveFiles([at('in')], kernels.edge, OPTIONS, { suffix: '-edge', jobs: 1 });
  assert.equal(second.results.map((x) => x.output).sort(), first.results.map((x) => x.output).sort());
  assert.not.ok(existsSync(at('in', 'a-edge-edge.png')));
});

batch('skipExisting resumes: only missing outputs are made, existing ones are left untouched', async () => {
  await convolveFiles([at('in')], kernels.edge, OPTIONS, { outDir: at('out') });
  rmSync(at('out', 'sub', 'b.png'));
  const before = statSync(at('out', 'a.png')).mtimeMs;
  const report = await convolveFiles([at('in')], kernels.edge, OPTIONS, { outDir: at('out'), skipExisting: true });
  assert.equal({ ...report.totals, seconds: 0, pixels: 0 }, { inputs: 3, written: 1, skipped: 2, failed: 0, interrupted: 0, pixels: 0, seconds: 0 });
  assert.is(byInput(report)[at('in', 'a.png')].status, 'skipped');
  assert.is(statSync(at('out', 'a.png')).mtimeMs, before);
  assertPng(at('out', 'sub', 'b.png'), expected(bytes[1]));
});

batch('never overwrites an input, and two inputs never share an output', async () => {
  mkdirSync(at('two'));
  writeFileSync(at('two', 'a.png'), bytes[1]);
  // outDir = the inputs' own folder: every output would be its input.
  const same = await convolveFiles([at('in', 'a.png')], kernels.edge, OPTIONS, { outDir: at('in') });
  assert.match(same.results[0].error, /would overwrite the input itself/);
  assert.equal(readFileSync(at('in', 'a.png')), Buffer.from(bytes[0]));
  // An output that is another input named on the list, even when it comes first.
  writeFileSync(at('in', 'a-edge.png'), bytes[1]);
  const other = await convolveFiles([at('in', 'a.png'), at('in', 'a-edge.png')], kernels.edge, OPTIONS, { suffix: '-edge' });
  assert.match(byInput(other)[at('in', 'a.png')].error, /would overwrite another input/);
  assert.equal(readFileSync(at('in', 'a-edge.png')), Buffer.from(bytes[1]));
  // Same name from two places into one outDir.
  const clash = await convolveFiles([at('in', 'a.png'), at('two', 'a.png')], kernels.edge, OPTIONS, { outDir: at('out') });
  assert.match(byInput(clash)[at('two', 'a.png')].error, /already the output of/);
  assertPng(at('out', 'a.png'), expected(bytes[0]));
});

batch('an outDir inside the input directory is never read as input', async () => {
  for (let run = 0; run < 2; run++) {
    const report = await convolveFiles([at('in')], kernels.edge, OPTIONS, { outDir: at('in', 'out') });
    assert.is(report.totals.inputs, 3, `run ${run}`);
  }
});

batch('glob patterns: matched while walking their base, mirrored below it', async () => {
  const report = await convolveFiles([at('in', '**', '*.png'), at('in', '*', '*.png'), at('in', 'nothing-*.png')], kernels.edge, OPTIONS, { outDir: at('out') });
  const r = byInput(report);
  assert.is(r[at('in', 'a.png')].output, at('out', 'a.png'));
  assert.not.ok(at('in', 'sub', 'deeper', 'c.PNG') in r, 'case-sensitive *.png, as globs are');
  assert.match(r[at('in', 'nothing-*.png')].error, /no file matches/);
  // in/*/*.png found sub/b.png again: the second claim on out/sub/b.png is refused.
  const b = report.results.filter((x) => x.input === at('in', 'sub', 'b.png'));
  assert.equal(b.map((x) => x.status), ['written', 'failed']);
  assert.match(b[1].error, /already the output/);
  assert.equal(files(at('out')), ['a.png', join('sub', 'b.png')]);
});

batch('a directory with no PNG and a missing file are failures of their own', async () => {
  mkdirSync(at('empty'));
  const report = await convolveFiles([at('empty'), at('nope.png'), at('in', 'a.png')], kernels.edge, OPTIONS, { outDir: at('out') });
  const r = byInput(report);
  assert.equal(r[at('empty')], { input: at('empty'), status: 'failed', error: 'no .png, .jpg or .jpeg files in this directory' });
  assert.is(r[at('nope.png')].error, 'no such file');
  assert.is(r[at('in', 'a.png')].status, 'written');
});

batch('explicit { input, output } pairs, an async iterable, --color and map', async () => {
  async function* pairs() {
    yield { input: at('in', 'a.png'), output: at('x', 'y', 'a-color.png') };
  }
  let last;
  const report = await convolveFiles(pairs(), kernels.sharpen, OPTIONS, { color: true, map: 'abs', onProgress: (p) => { last = p; } });
  assert.is(report.totals.written, 1);
  assert.is(last.total, undefined, 'an async iterable cannot be counted ahead');
  assertPng(at('x', 'y', 'a-color.png'), expected(bytes[0], kernels.sharpen, OPTIONS, { map: 'abs', color: true }));
});

batch('onProgress: done counts every input once and the total arrives', async () => {
  const seen = [];
  await convolveFiles([at('in'), at('nope.png')], kernels.edge, OPTIONS, { outDir: at('out'), onProgress: (p) => seen.push(p) });
  const finished = seen.filter((p) => p.result);
  assert.equal(finished.map((p) => p.done), [1, 2, 3, 4]);
  assert.ok(seen.some((p) => p.total === 4), JSON.stringify(seen.map((p) => p.total)));
  assert.equal(finished.map((p) => p.result.input).sort(), [at('in', 'a.png'), at('in', 'sub', 'b.png'), at('in', 'sub', 'deeper', 'c.PNG'), at('nope.png')].sort());
});

batch('an onProgress that throws stops the run and its error is the rejection', async () => {
  const error = await assertRejects(() => convolveFiles([at('in')], kernels.edge, OPTIONS, {
    outDir: at('out'), jobs: 1, onProgress: (p) => { if (p.result) throw new Error('display broke'); },
  }), Error, /display broke/);
  assert.ok(error);
  assert.ok(!existsSync(at('out')) || files(at('out')).length <= 2, 'stopped early');
});

batch('bad arguments throw before anything is read or written, naming the argument', async () => {
  const cases = [
    [() => convolveFiles(42, kernels.edge), TypeError, /inputs/],
    [() => convolveFiles([7], kernels.edge), TypeError, /inputs\[0\]/],
    [() => convolveFiles([{ input: 'a.png' }], kernels.edge), TypeError, /inputs\[0\]\.output/],
    [() => convolveFiles([at('in')], [[1, NaN]], {}, { outDir: at('out') }), RangeError, /kernel\[0\]\[1\]/],
    [() => convolveFiles([at('in')], kernels.edge, { stride: 0 }, { outDir: at('out') }), RangeError, /options\.stride/],
    [() => convolveFiles([at('in')], kernels.edge, { out: new Float32Array(1) }, { outDir: at('out') }), TypeError, /options\.out/],
    [() => convolveFiles([at('in')], kernels.edge, { method: 'separable' }, { outDir: at('out') }), RangeError, /options\.method/],
    [() => convolveFiles([at('in')], kernels.edge, {}, { outDir: at('out'), jobs: 0 }), RangeError, /batch\.jobs/],
    [() => convolveFiles([at('in')], kernels.edge, {}, { outDir: at('out'), suffix: 'a/b' }), RangeError, /batch\.suffix/],
    [() => convolveFiles([at('in')], kernels.edge, {}, { suffix: '' }), RangeError, /outDir.*batch\.suffix/],
    [() => convolveFiles([at('in')], kernels.edge, {}, { outDir: at('out'), quality: 0 }), RangeError, /batch\.quality/],
    [() => convolveFiles([at('in')], kernels.edge, {}, { outDir: at('out'), quality: '90' }), TypeError, /batch\.quality/],
    [() => convolveFiles([at('in')], kernels.edge, {}, { outDir: at('out'), map: 'log' }), RangeError, /batch\.map/],
    [() => convolveFiles([at('in')], kernels.edge, {}, { outDir: at('out'), threads: 2 }), TypeError, /batch\.threads/],
    [() => convolveFiles([at('in')], kernels.edge, {}, { outDir: at('out'), signal: {} }), TypeError, /batch\.signal/],
  ];
  for (const [call, Class, pattern] of cases) await assertRejects(call, Class, pattern);
  assert.not.ok(existsSync(at('out')), 'nothing written');
  const report = await convolveFiles([at('in', 'a.png')], kernels.edge, OPTIONS, { outDir: at('out') });
  assert.is(report.totals.written, 1, 'a valid call afterwards');
});

batch('signal: a stopped run abandons what is in progress, leaves no temp file, and says so', async () => {
  const photo = randomPng(5, 400, 300);
  mkdirSync(at('many'));
  for (let i = 0; i < 40; i++) writeFileSync(at('many', `p${i}.png`), photo);
  const pre = new AbortController();
  pre.abort();
  const nothing = await convolveFiles([at('many')], kernels.edge, OPTIONS, { outDir: at('out'), signal: pre.signal });
  assert.equal([nothing.interrupted, nothing.results.length], [true, 0]);

  const controller = new AbortController();
  const report = await convolveFiles([at('many')], kernels.gaussian(3), OPTIONS, {
    outDir: at('out'), jobs: 2, signal: controller.signal,
    onProgress: (p) => { if (p.written === 3) controller.abort(); },
  });
  assert.is(report.interrupted, true);
  const t = report.totals;
  assert.ok(t.written >= 3 && t.written < 40, `written ${t.written}`);
  // Two images at once on each of the 2 threads, and one more each queued.
  assert.ok(t.interrupted <= 6, `at most 3 × jobs abandoned, got ${t.interrupted}`);
  assert.is(t.inputs, t.written + t.interrupted);
  const out = readdirSync(at('out'));
  assert.equal(out.filter((f) => !f.endsWith('.png')), [], 'no temp files');
  // Outputs are complete or absent: every file there decodes.
  for (const f of out) decodePng(readFileSync(at('out', f)));
  for (const r of report.results.filter((x) => x.status === 'written')) assert.ok(out.includes(r.output.split('/').pop()));
});

batch.run();

// ---------------------------------------------------------------------------------------------

const temps = suite('removeTempFiles');
temps.before.each(setup);
temps.after.each(teardown);

temps('removes writePng temp files of these outputs made by this process, nothing else', async () => {
  const names = [
    `.a.png.${process.pid}.0123456789ab.tmp`, // ours: removed
    `.a.png.${process.pid + 1}.0123456789ab.tmp`, // another process's
    `.b.png.${process.pid}.0123456789ab.tmp`, // another output's
    'a.png',
    `.a.png.${process.pid}.tmp`, // not writePng's pattern
  ];
  for (const n of names) writeFileSync(at(n), 'x');
  const removed = await removeTempFiles([at('a.png'), at('missing', 'x.png')]);
  assert.equal(removed, [at(names[0])]);
  assert.equal(readdirSync(dir).filter((f) => f !== 'in').sort(), names.slice(1).sort());
});

temps('matches the temp files writePng really makes (seen with fs.watch)', async () => {
  const names = new Set();
  const watcher = watch(dir, (event, name) => { if (name) names.add(String(name)); });
  writePng(at('w.png'), { width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) });
  await new Promise((res) => setTimeout(res, 100));
  watcher.close();
  const temp = [...names].filter((n) => n !== 'w.png');
  assert.is(temp.length, 1, `writePng's temp file: ${[...names]}`);
  // The same name, left behind, is what removeTempFiles removes.
  writeFileSync(at(temp[0]), 'x');
  assert.equal(await removeTempFiles([at('w.png')]), [at(temp[0])]);
});

temps.run();
