// Batch benchmark (npm run bench:batch): 200 photo-sized PNGs, each read, made grayscale,
// convolved with a 5×5 kernel and written as PNG, by convolveFiles with jobs 1 and 2, beside the
// same pipeline written with sharp, the baseline a user would write today.
//
//   npm run bench:batch                 the table (about 2 minutes on 2 cores)
//   npm run bench:batch -- --large      also the 20000×20000 check: peak memory (RSS) of
//                                       convolve2d alone and of the PNG pipeline (a few minutes)
//   npm run bench:batch -- --large-only only that check
//   npm run bench:batch -- --large-only --side 50000
//                                       that check at another size; past 20000 without the
//                                       convolve2d-alone row (its float32 output would be 10 GB)
//   npm run bench:batch -- --filtered   the table on inputs filtered row by row as libpng does
//                                       by default (sharp's own default writes no filters, so
//                                       the plain table's decoders never unfilter)
//
// The inputs are made from the shipped sample assets/astronaut.png: mirrored out to 1–2 MP,
// cropped at different offsets, flipped, so no two are alike. Each configuration runs 3 times,
// in turn with the others; the median is shown. Times are wall-clock for the whole batch, pool
// start-up included.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { constants as zlibConstants, deflateSync, inflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { convolveFiles, decodePng, kernels } from '../dist/node/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE = join(ROOT, 'assets', 'astronaut.png');
const COUNT = 200;
const RUNS = 3;
const LARGE = process.argv.includes('--large') || process.argv.includes('--large-only');
const TABLE = !process.argv.includes('--large-only');
const FILTERED = process.argv.includes('--filtered');
const SIDE = process.argv.includes('--side') ? Number(process.argv[process.argv.indexOf('--side') + 1]) : 20000;
if (!Number.isInteger(SIDE) || SIDE < 1024) throw new RangeError('--side: expected an integer of at least 1024');

/** A 5×5 sharpening kernel that is not separable (sum 1, so sharp's default scale is 1). */
const KERNEL = [
  [-1, -1, -1, -1, -1],
  [-1, 2, 2, 2, -1],
  [-1, 2, 8, 2, -1],
  [-1, 2, 2, 2, -1],
  [-1, -1, -1, -1, -1],
].map((row) => row.map((v) => v / 8));
const OPTIONS = { padding: 'same', border: 'reflect' };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** 200 different 1–2 MP RGB PNGs from the sample. */
async function makeInputs(dir) {
  mkdirSync(dir, { recursive: true });
  await Promise.all(Array.from({ length: COUNT }, async (_, i) => {
    const width = 1024 + (i % 5) * 128; // 1024..1536
    const height = 768 + (i % 4) * 128; // 768..1152
    const dx = (i * 37) % 256, dy = (i * 53) % 256;
    const wide = await sharp(SAMPLE)
      .extend({ right: width + dx, bottom: height + dy, extendWith: 'mirror' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    let image = sharp(wide.data, { raw: wide.info }).extract({ left: dx, top: dy, width, height });
    if (i % 2) image = image.flip();
    if (i % 3 === 0) image = image.flop();
    await image.png({ adaptiveFiltering: FILTERED }).toFile(join(dir, `photo-${String(i).padStart(3, '0')}.png`));
  }));
  return readdirSync(dir).sort().map((f) => join(dir, f));
}

async function ours(files, outDir, jobs) {
  rmSync(outDir, { recursive: true, force: true });
  const t = performance.now();
  const report = await convolveFiles(files, KERNEL, OPTIONS, { outDir, jobs });
  const seconds = (performance.now() - t) / 1000;
  if (report.totals.written !== files.length) throw new Error(`wrote ${report.totals.written} of ${files.length}`);
  return seconds;
}

/**
 * The sharp pipeline. `inFlight` images at a time, each with libvips' `threads`: a plain loop is
 * (1, N); one image per thread is (N, 1).
 */
async function withSharp(files, outDir, inFlight, threads) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  sharp.concurrency(threads);
  const kernel = { width: 5, height: 5, kernel: KERNEL.flat(), scale: 1 };
  const t = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < files.length) {
      const file = files[next++];
      // toColourspace('b-w') makes sharp write 1-channel PNGs, as ours are (without it, RGB).
      await sharp(file).greyscale().convolve(kernel).toColourspace('b-w').png().toFile(join(outDir, file.split('/').pop()));
    }
  }));
  return (performance.now() - t) / 1000;
}

function dirBytes(dir) {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

/** Largest |ours − sharp| over interior pixels (borders are handled differently), for one image. */
function agreement(oursDir, sharpDir, name) {
  const a = decodePng(readFileSync(join(oursDir, name)));
  const b = decodePng(readFileSync(join(sharpDir, name)));
  let max = 0, sum = 0, n = 0;
  for (let y = 2; y < a.height - 2; y++) {
    for (let x = 2; x < a.width - 2; x++) {
      const d = Math.abs(a.data[4 * (y * a.width + x)] - b.data[4 * (y * a.width + x)]);
      max = Math.max(max, d);
      sum += d;
      n++;
    }
  }
  return { max, mean: sum / n };
}

async function batchTable() {
  const work = mkdtempSync(join(tmpdir(), 'conv2d-bench-batch-'));
  try {
    const t0 = performance.now();
    const files = await makeInputs(join(work, 'in'));
    const megapixels = (await Promise.all(files.map((f) => sharp(f).metadata()))).reduce((s, m) => s + m.width * m.height, 0) / 1e6;
    console.log(`${files.length} inputs${FILTERED ? ' (filtered adaptively)' : ''}, ${megapixels.toFixed(0)} MP in all (${(megapixels / files.length).toFixed(2)} MP each on average), ` +
      `${(dirBytes(join(work, 'in')) / 1e6).toFixed(0)} MB of PNG, made in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    sharp.cache(false); // every run reads the same files: no cached results
    const rows = [];
    const configs = [
      ['conv2d-wasm convolveFiles', 1, (o) => ours(files, o, 1)],
      ['conv2d-wasm convolveFiles', 2, (o) => ours(files, o, 2)],
      ['sharp, one image at a time, concurrency 1', 1, (o) => withSharp(files, o, 1, 1)],
      ['sharp, one image at a time, concurrency 2', 2, (o) => withSharp(files, o, 1, 2)],
      ['sharp, 2 images at a time, concurrency 1', 2, (o) => withSharp(files, o, 2, 1)],
    ];
    // Round-robin: run i of every configuration before run i + 1 of any, so that a busy moment
    // on the machine hurts them all alike; then the median of each.
    const times = configs.map(() => []);
    const outs = configs.map((_, i) => join(work, `out-${i}`));
    for (let r = 0; r < RUNS; r++) {
      for (const [i, [, , run]] of configs.entries()) times[i].push(await run(outs[i]));
    }
    for (const [i, [name, jobs]] of configs.entries()) {
      const s = median(times[i]);
      rows.push({ name, jobs, seconds: s, perSecond: files.length / s, mpx: megapixels / s, bytes: dirBytes(outs[i]) });
      console.log(`  ${name}, jobs ${jobs}: ${times[i].map((x) => x.toFixed(2)).join(' / ')} s`);
    }
    const agree = agreement(outs[0], outs[2], 'photo-000.png');
    console.log('\n| pipeline (gray + 5×5 + PNG out) | jobs | images/s | Mpx/s | s for 200 | output MB |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) {
      console.log(`| ${r.name} | ${r.jobs} | ${r.perSecond.toFixed(1)} | ${r.mpx.toFixed(1)} | ${r.seconds.toFixed(2)} | ${(r.bytes / 1e6).toFixed(0)} |`);
    }
    const [o1, o2] = rows;
    console.log(`\njobs 2 / jobs 1 (conv2d-wasm): ${(o2.perSecond / o1.perSecond).toFixed(2)}×`);
    // Issue 15's target: ≥ 1.5× sharp's best configuration at the same jobs, in no more than 1.1× its bytes.
    const sharpBest = (jobs) => Math.max(...rows.filter((r) => r.name.startsWith('sharp') && r.jobs === jobs).map((r) => r.perSecond));
    const verdict = (ok) => (ok ? 'met   ' : 'MISSED');
    console.log("Issue 15's targets (from this run):");
    for (const o of [o1, o2]) {
      const ratio = o.perSecond / sharpBest(o.jobs);
      console.log(`  ${verdict(ratio >= 1.5)} jobs ${o.jobs}: ${ratio.toFixed(2)}× sharp's best at jobs ${o.jobs} (target ≥ 1.5×)`);
    }
    const byteRatio = o1.bytes / rows[2].bytes;
    console.log(`  ${verdict(byteRatio <= 1.1)} output bytes ${byteRatio.toFixed(2)}× sharp's (target ≤ 1.1×)`);
    console.log(`interior pixels of photo-000, ours vs sharp: max |diff| ${agree.max}, mean ${agree.mean.toFixed(3)}`);
    await zlibFloor(files, outs[0]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The IDAT stream of a PNG file, its chunks' data joined. */
function idatOf(bytes) {
  const parts = [];
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    if (bytes.toString('latin1', at + 4, at + 8) === 'IDAT') parts.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return Buffer.concat(parts);
}

/**
 * What Node's zlib alone costs per image, beside sharp's whole pipeline, in CPU time (all
 * threads): inflating each input's IDAT stream and deflating its output's filtered rows the way
 * the library does (run-length strategy). Both sides in turn on the same 40 images, one at a time.
 */
async function zlibFloor(files, oursDir) {
  const some = files.slice(0, 40);
  const inputs = some.map((f) => idatOf(readFileSync(f)));
  const outputs = some.map((f) => inflateSync(idatOf(readFileSync(join(oursDir, f.split('/').pop())))));
  const cpu = (f) => {
    const before = process.cpuUsage();
    f();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / some.length;
  };
  const inflateMs = [], deflateMs = [], sharpMs = [];
  sharp.concurrency(1);
  const kernel = { width: 5, height: 5, kernel: KERNEL.flat(), scale: 1 };
  for (let r = 0; r < RUNS; r++) {
    inflateMs.push(cpu(() => inputs.forEach((z) => inflateSync(z))));
    deflateMs.push(cpu(() => outputs.forEach((rows) => deflateSync(rows, { level: 6, strategy: zlibConstants.Z_RLE, memLevel: 9 }))));
    const before = process.cpuUsage();
    for (const f of some) await sharp(f).greyscale().convolve(kernel).toColourspace('b-w').png().toBuffer();
    const used = process.cpuUsage(before);
    sharpMs.push((used.user + used.system) / 1000 / some.length);
  }
  const [inf, def, sh] = [median(inflateMs), median(deflateMs), median(sharpMs)];
  console.log(`
CPU per image (all threads, medians of ${RUNS} over ${some.length} images): node:zlib inflate ${inf.toFixed(1)} ms + ` +
    `deflate ${def.toFixed(1)} ms = ${(inf + def).toFixed(1)} ms; sharp's whole pipeline ${sh.toFixed(1)} ms. ` +
    `1.5× sharp on the same cores allows ${(sh / 1.5).toFixed(1)} ms for everything.`);
}

/** Runs `script` in a fresh node and returns what it prints as JSON. */
function child(script, args = []) {
  const text = execFileSync(process.execPath, ['--input-type=module', '-e', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(text.trim().split('\n').pop());
}

/** Peak resident memory of the process so far (Linux: VmHWM), worker threads included. */
const PEAK = `const { readFileSync } = await import('node:fs');
  const peak = () => Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;`;

async function large() {
  const side = SIDE;
  const work = mkdtempSync(join(tmpdir(), 'conv2d-bench-large-'));
  try {
    const big = join(work, 'big.png');
    let t = performance.now();
    sharp.cache(false);
    await sharp(SAMPLE, { limitInputPixels: false }).greyscale()
      .extend({ right: side - 512, bottom: side - 512, extendWith: 'mirror' })
      .png({ compressionLevel: 6 })
      .toFile(big);
    console.log(`\n${side}×${side} grayscale PNG: ${(statSync(big).size / 1e6).toFixed(0)} MB, made in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const dist = new URL('../dist/node/index.js', import.meta.url).href;

    // convolve2d alone on a Uint8 image (400 MB in, 1.6 GB of float32 out at 20000²).
    const raw = side > 20000 ? undefined : child(`${PEAK}
      const { convolve2d } = await import(${JSON.stringify(dist)});
      const side = ${side};
      const data = new Uint8Array(side * side);
      for (let i = 0; i < data.length; i += 4096) data[i] = i & 255;
      const before = peak();
      const t = performance.now();
      const out = convolve2d({ width: side, height: side, channels: 1, data }, ${JSON.stringify(KERNEL)},
        { padding: 'same', border: 'reflect', limitInputPixels: false });
      console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000, before, peak: peak(), outBytes: out.data.byteLength }));`);
    if (raw) {
      console.log(`convolve2d, ${side}² Uint8 → Float32, 5×5: ${raw.seconds.toFixed(1)} s, peak RSS ${(raw.peak / 2 ** 30).toFixed(2)} GiB ` +
        `(input + output arrays alone: ${((side * side + raw.outBytes) / 2 ** 30).toFixed(2)} GiB)`);
    }

    // The PNG pipeline through convolveFiles (read → gray → convolve → 8 bits → write), jobs 1.
    const out = join(work, 'out');
    t = performance.now();
    const pipe = child(`${PEAK}
      const { convolveFiles } = await import(${JSON.stringify(dist)});
      const t = performance.now();
      const report = await convolveFiles([process.argv[1]], ${JSON.stringify(KERNEL)}, { padding: 'same', border: 'reflect' },
        { outDir: process.argv[2], jobs: 1, limitInputPixels: false });
      console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000, peak: peak(), report: report.totals, error: report.results[0].error }));`,
    [big, out]);
    if (pipe.report.written !== 1) throw new Error(`the pipeline failed: ${pipe.error}`);
    console.log(`convolveFiles, ${side}² gray PNG → PNG, 5×5: ${pipe.seconds.toFixed(1)} s, peak RSS ${(pipe.peak / 2 ** 30).toFixed(2)} GiB ` +
      `(output PNG ${(statSync(join(out, 'big.png')).size / 1e6).toFixed(0)} MB)`);
    if (existsSync('/usr/bin/time')) {
      // The same through the CLI, measured from outside by GNU time.
      const cli = join(ROOT, 'dist', 'cli', 'main.js');
      const r = spawnSync('/usr/bin/time', ['-f', 'TIME %M %e', process.execPath, cli, big, '-o', join(work, 'cli.png'), '-q',
        '--limit-input-pixels', '0', '-k', JSON.stringify(KERNEL)], { encoding: 'utf8' });
      const m = /TIME (\d+) ([\d.]+)/.exec(r.stderr);
      if (r.status !== 0 || !m) throw new Error(`the CLI failed: ${r.stderr}`);
      console.log(`conv2d ${side}² PNG -o out.png (CLI, /usr/bin/time): ${Number(m[2]).toFixed(1)} s, max RSS ${(Number(m[1]) / 2 ** 10).toFixed(0)} MiB`);
      // sharp on the same job (gray, 5×5, 1-channel PNG out), measured the same way.
      const sharpScript = `const sharp = (await import('sharp')).default;
        const kernel = { width: 5, height: 5, kernel: ${JSON.stringify(KERNEL.flat())}, scale: 1 };
        await sharp(process.argv[1], { limitInputPixels: false }).greyscale().convolve(kernel).toColourspace('b-w').png().toFile(process.argv[2]);`;
      const s = spawnSync('/usr/bin/time', ['-f', 'TIME %M %e', process.execPath, '--input-type=module', '-e', sharpScript, big, join(work, 'sharp.png')], { encoding: 'utf8', cwd: join(ROOT, 'bench') });
      const sm = /TIME (\d+) ([\d.]+)/.exec(s.stderr);
      if (s.status !== 0 || !sm) throw new Error(`sharp failed: ${s.stderr}`);
      console.log(`sharp ${side}² PNG → PNG (same job, /usr/bin/time): ${Number(sm[2]).toFixed(1)} s, max RSS ${(Number(sm[1]) / 2 ** 10).toFixed(0)} MiB`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
console.log(`conv2d-wasm batch benchmark — Node ${process.version}, ${cpus()[0].model}, ${availableParallelism()} cores, ` +
  `${(totalmem() / 2 ** 30).toFixed(0)} GiB; sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}); load average ${load()}\n`);
if (TABLE) await batchTable();
if (LARGE) await large();
console.log(`\nload average at the end: ${load()} (other work on the machine slows every row alike)`);
