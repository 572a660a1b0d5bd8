/**
 * Benchmark of the core convolution: what `convolve2d` costs end to end (a JS Float32Array in, a
 * fresh Float32Array out, so checking, copying into linear memory, padding and copying out are all
 * included), next to the baselines it has to beat.
 *
 * Rows: the pure-TS reference (float64, slow on purpose), an optimized pure-JS convolution written
 * below, conv2d-wasm (default options: constant border, method 'auto', a fresh output array; then
 * with border 'reflect', with method 'direct', and writing into a reused `out` buffer), a memcpy floor
 * (`Float32Array.prototype.set` of the image into a preallocated array: no convolution is faster),
 * and a copy into a fresh array (`slice`), the floor for any API that returns a new array: it adds
 * the cost of the allocator handing out (and the OS faulting in) fresh pages.
 * Columns: seeded random grayscale float32 images (1024², 4096²) × seeded random non-separable kernels
 * (3×3, 7×7, 15×15), all with `{ padding: 'same' }`.
 *
 * Method: every implementation is first checked against the reference on a small random case (the
 * run aborts if one is wrong); then each cell is warmed up and timed with performance.now(), and the
 * median is reported with the number of runs it used (fewer for slow cells: 3 when a run takes over
 * 2 s, the single first run when it takes over 10 s). After timing, the WASM outputs of every cell are
 * compared with the optimized JS output. Ratios are speedups: baseline time / this row's time.
 *
 * Usage: node bench/core.mjs [--quick] [--json FILE] [--sizes 1024,4096] [--kernels 3,7,15]
 *   --quick   256² only, one warm-up and one run each: for CI, so the bench never rots.
 *   --json    also write the raw numbers (every run of every cell) and the machine to FILE.
 * Run it through `npm run bench`, which builds first: it imports the built code in dist/.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { convolve2d } from '../dist/core/index.js';
import { referenceConvolve2d } from '../dist/internal.js';
import { optimizedJs } from './lib/js-baselines.mjs';
import { random } from './lib/random.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const list = (text) => text.split(',').map(Number);
const quick = flag('--quick');
const sizes = list(value('--sizes') ?? (quick ? '256' : '1024,4096'));
const kernelSizes = list(value('--kernels') ?? '3,7,15');
const jsonFile = value('--json');

const grayImage = (width, height, seed) => {
  const next = random(seed);
  return { width, height, channels: 1, data: Float32Array.from({ length: width * height }, next) };
};
/** Uniform in [-1, 1): almost surely full rank, so no separable shortcut applies. */
const randomKernel = (height, width, seed) => {
  const next = random(seed);
  return { height, width, data: Float32Array.from({ length: height * width }, () => 2 * next() - 1) };
};

// optimizedJs, the baseline a user could write, lives in bench/lib/js-baselines.mjs (shared with peers.mjs).

const same = { padding: 'same' };
const reflect = { padding: 'same', border: 'reflect' };
/** One preallocated image-sized Float32Array per image and row, for the rows that reuse their output. */
const buffers = { out: new Map(), memcpy: new Map() };
const reused = (row, img) => buffers[row].get(img) ?? buffers[row].set(img, new Float32Array(img.data.length)).get(img);
/** `options`: what the row asks of convolve2d, checked against the reference with the same padding and border. */
const wasmRow = (id, name, options) => ({ id, name, options, run: (img, k) => convolve2d(img, k, options(img)) });
const implementations = [
  { id: 'reference', name: 'reference (pure TS, float64)', run: (img, k) => referenceConvolve2d(img, k, same) },
  { id: 'optimized-js', name: 'optimized pure JS (4 accumulators)', run: (img, k) => optimizedJs(img, k) },
  wasmRow('wasm', 'conv2d-wasm', () => same),
  wasmRow('wasm-reflect', "conv2d-wasm, border 'reflect'", () => reflect),
  wasmRow('wasm-direct', "conv2d-wasm, method 'direct'", () => ({ ...same, method: 'direct' })),
  wasmRow('wasm-out', 'conv2d-wasm, reused `out` buffer', (img) => ({ ...same, out: reused('out', img) })),
  { id: 'memcpy', name: 'memcpy floor (set into a reused array)', run: (img) => reused('memcpy', img).set(img.data) },
  { id: 'copy-fresh', name: 'copy into a fresh array (slice)', run: (img) => img.data.slice() },
];

/** Largest |a − b|, and a float32 error bound for a sum of `taps` products: (taps + 2)·2⁻²⁴·Σ|k|·max|x|. */
function compare(a, b, kernel, image) {
  let diff = 0, kSum = 0, xMax = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  for (const w of kernel.data) kSum += Math.abs(w);
  for (const x of image.data) xMax = Math.max(xMax, Math.abs(x));
  return { diff, tol: (kernel.data.length + 2) * 2 ** -24 * kSum * xMax, ok: a.length === b.length };
}
function verify(label, got, want, kernel, image) {
  const { diff, tol, ok } = compare(got.data, want.data, kernel, image);
  const pass = ok && diff <= tol;
  console.log(`${pass ? 'ok  ' : 'FAIL'} ${label}: max |Δ| ${diff.toExponential(1)} (tolerance ${tol.toExponential(1)})`);
  if (!pass) {
    console.error('Aborting: an implementation disagrees with the reference, so its timings would mean nothing.');
    process.exit(1);
  }
  return { label, diff, tol };
}

console.log('Checking every implementation against the reference (61×47 image, seeded):');
const checks = [];
const small = grayImage(61, 47, 1); // a width that is not a multiple of 4
for (const k of [3, 4, 7, 15]) {
  const kernel = randomKernel(k, k + 1, 100 + k); // k×(k+1): even sides and a non-square kernel
  const want = referenceConvolve2d(small, kernel, same);
  checks.push(verify(`optimized JS ${k}×${k + 1}`, optimizedJs(small, kernel), want, kernel, small));
  for (const impl of implementations.filter((i) => i.options)) {
    const { border } = impl.options(small);
    const wantHere = border ? referenceConvolve2d(small, kernel, { ...same, border }) : want;
    checks.push(verify(`${impl.name} ${k}×${k + 1}`, impl.run(small, kernel), wantHere, kernel, small));
  }
}

/** Warm up, then time runs; returns every run's ms and the last result. */
function measure(fn) {
  let start = performance.now();
  let result = fn();
  const first = performance.now() - start;
  if (!quick && first > 10_000) return { times: [first], result };
  const runs = quick ? 1 : first > 2_000 ? 3 : 5;
  const minMs = quick ? 0 : 1_000;
  const warmUntil = performance.now() + (quick || first > 2_000 ? 0 : 500);
  while (performance.now() < warmUntil) fn();
  const times = [];
  const begun = performance.now();
  while (times.length < runs || (performance.now() - begun < minMs && times.length < 50)) {
    start = performance.now();
    result = fn();
    times.push(performance.now() - start);
  }
  return { times, result };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length,
  memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version, v8: process.versions.v8,
  loadAverageAtStart: os.loadavg().map((x) => +x.toFixed(2)),
};
console.log(`\n${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}; ` +
  `load average ${machine.loadAverageAtStart.join(' ')}`);

const cells = [];
const columns = [];
for (const side of sizes) {
  const image = grayImage(side, side, side);
  for (const k of kernelSizes) {
    const kernel = randomKernel(k, k, 1000 + k);
    const column = `${side}² ${k}×${k}`;
    columns.push(column);
    const outputs = {};
    for (const impl of implementations) {
      const { times, result } = measure(() => impl.run(image, kernel));
      outputs[impl.id] = result;
      const ms = median(times);
      cells.push({ implementation: impl.id, column, side, kernel: k, runs: times.length, medianMs: ms, timesMs: times,
        mpxPerS: (side * side) / 1e6 / (ms / 1e3) });
      process.stdout.write(`  ${column.padEnd(12)} ${impl.name.padEnd(40)} ${ms.toFixed(2).padStart(10)} ms  (${times.length} runs)\n`);
    }
    // The timed WASM outputs must agree with the timed optimized JS output (same border).
    for (const id of ['wasm', 'wasm-direct', 'wasm-out']) {
      checks.push(verify(`${column}: ${id} vs optimized JS`, outputs[id], outputs['optimized-js'], kernel, image));
    }
  }
}

const cell = (id, column) => cells.find((c) => c.implementation === id && c.column === column);
for (const c of cells) {
  c.vsReference = cell('reference', c.column).medianMs / c.medianMs;
  c.vsOptimizedJs = cell('optimized-js', c.column).medianMs / c.medianMs;
}
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(2));
const rows = implementations.map((impl) => [impl.name, ...columns.map((column) => {
  const c = cell(impl.id, column);
  return `${fmt(c.medianMs)} ms · ${fmt(c.mpxPerS)} Mpx/s · ${fmt(c.vsReference)}× ref · ${fmt(c.vsOptimizedJs)}× JS · n=${c.runs}`;
})]);
const header = ['implementation', ...columns];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cols) => `| ${cols.map((s, i) => s.padEnd(widths[i])).join(' | ')} |`;
console.log(`\nMedian end-to-end time, output Mpx/s, speedup over the reference and over optimized JS, runs used ` +
  `(grayscale float32, padding 'same', random non-separable kernels):\n`);
console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
console.log(`\nThe 'reflect' row's ratios are to the constant-border baselines. Optimized JS sums in float64 ` +
  `(JS numbers) and stores float32; conv2d-wasm sums in float32.`);
machine.loadAverageAtEnd = os.loadavg().map((x) => +x.toFixed(2));
console.log(`\nload average at end ${machine.loadAverageAtEnd.join(' ')}`);

if (jsonFile) {
  const report = { date: new Date().toISOString(), command: `node bench/core.mjs ${args.join(' ')}`.trim(), quick, machine,
    checks, cells };
  writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`raw numbers written to ${jsonFile}`);
}
