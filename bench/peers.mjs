/**
 * conv2d-wasm against what people use today: opencv.js, sharp, TensorFlow.js (wasm backend), jimp,
 * a naive JS port and an optimized pure-JS convolution, with a memcpy floor (issue 6's benchmark).
 *
 * What is timed: one call end to end, a JS array in and a JS array out (a Float32Array for the
 * float peers; a Uint8Array/Buffer for the 8-bit ones), with everything the caller must do around
 * it (building an opencv Mat or a tf tensor and reading it back, freeing it; jimp's RGBA bitmap).
 * Inputs: seeded random grayscale float32 images (values in [0.05, 1), never zero), 1024² and
 * 4096²; seeded random non-separable kernels 3, 5, 7, 15, 31 (weights in [-1, 1)) and a Gaussian
 * 15×15 with σ 2.5; 'same' output size; convolution (correlation-only peers get the kernel
 * rotated 180°). Median of 5 runs after a warm-up, fewer for slow cells (the count is printed).
 *
 * Before timing, every peer is checked against conv2d-wasm on a small case (67×53) for every
 * kernel, with its own border rule (constant 0 where it has the choice; sharp and jimp can only
 * extend the edge) and, for the 8-bit peers, their own rounding (clamp to 0..255, then truncate);
 * after timing, each timed output is checked again against a conv2d-wasm direct-path result for
 * the same cell. A peer that disagrees is left out of that column with the reason printed.
 *
 * Then: one table of medians with speedups over opencv.js and over optimized JS, which path
 * conv2d-wasm's cost model picked next to the measured time of each path, issue 6's targets
 * (met or not, with the numbers), peak RSS of one 4096² call in a child process
 * (bench/lib/peak-rss.mjs), and a log-log plot (bench/peers.svg).
 *
 * Usage: node bench/peers.mjs [--quick] [--sizes 1024,4096] [--kernels 3,5,7,15,31,g15]
 *                             [--only id,id] [--json FILE] [--svg FILE] [--no-rss]
 *   --quick   256² only, one run per cell, cheap peers only, no targets: for CI, so it never rots.
 *             A peer whose package fails to load is skipped with a message, in any mode.
 * Run it through `npm run bench:peers`, which builds first: it imports the built code in dist/.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allocImage, convolve2d, convolve2dAsync, convolveToUint8, init, kernels } from '../dist/node/index.js';
import { choosePath, pathCosts } from '../dist/internal.js';
import { planConvolution } from '../dist/internal.js';
import { factorsFor } from '../dist/internal.js';
import { checkImage, checkKernel } from '../dist/internal.js';
import { referenceConvolve2d } from '../dist/internal.js';
import { naiveJs, optimizedJs, optimizedJsScratch, toRows } from './lib/js-baselines.mjs';
import { linePlot } from './lib/svg-plot.mjs';
import { random } from './lib/random.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const quick = flag('--quick');
const sizes = (value('--sizes') ?? (quick ? '256' : '1024,4096')).split(',').map(Number);
const kernelIds = (value('--kernels') ?? '3,5,7,15,31,g15').split(',');
const only = value('--only')?.split(',');
const jsonFile = value('--json');
const svgFile = value('--svg') ?? (quick ? undefined : path.join(here, 'peers.svg'));
const SAME = { padding: 'same' };


/** A width×height grayscale float32 image in [0.05, 1), plus its 8-bit and nested-array forms. */
function makeInput(width, height, seed) {
  const next = random(seed);
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = 0.05 + 0.95 * next();
  const u8 = Uint8Array.from(data, (x) => Math.round(x * 255));
  return { width, height, image: { width, height, channels: 1, data }, u8, u8AsFloat: Float32Array.from(u8), rows: undefined };
}

/** A kernel: '3'..'31' random uniform in [-1, 1) (full rank), 'g15' the 15×15 Gaussian with σ 2.5. */
function makeKernel(id) {
  const gaussian = id === 'g15';
  const side = gaussian ? 15 : Number(id);
  const next = random(1000 + side);
  const given = gaussian ? kernels.gaussian(2.5, 15) : Array.from({ length: side }, () => Array.from({ length: side }, () => 2 * next() - 1));
  const forms = kernelForms(given.map((row) => row.map(Math.fround))); // every peer gets the same float32 weights...
  // ...but conv2d-wasm gets the Gaussian as kernels.gaussian returns it (float64): rounded to float32
  // first, its entries are no longer rank 1 to within separable.ts's tolerance (see the 'f32 weights' row).
  return { id, side, gaussian, label: gaussian ? 'Gaussian 15×15' : `${side}×${side}`, ...forms, wasmKernel: gaussian ? given : forms.kernel };
}
/** Flat, nested and rotated (for correlation-only peers) forms of a kernel given as rows. */
function kernelForms(rows) {
  const flat = Float32Array.from(rows.flat());
  const flipped = rows.map((row) => [...row].reverse()).reverse();
  return { rows, flat, flipped, flippedFlat: Float32Array.from(flipped.flat()), kernel: { height: rows.length, width: rows[0].length, data: flat } };
}
/**
 * What the 8-bit peers are given: the kernel divided by Σ|k| (so results stay mostly inside 0..255
 * and the check sees real values, not clamped ones), plus an offset where the peer has one.
 * (sharp ignores a non-integer `scale`, so the division is done here and scale stays 1.)
 */
function u8Kernel(spec, offset) {
  const sum = spec.flat.reduce((a, w) => a + Math.abs(w), 0);
  return { ...kernelForms(spec.rows.map((row) => row.map((w) => Math.fround(w / sum)))), offset };
}

// ---------------------------------------------------------------------------------------------
// Peers. Each row: `load` (shared by rows of one package; a failure skips the rows), `border` (its
// rule at the image edge), `kind` ('f32' or 'u8': clamp to 0..255 then truncate), `skip(side, spec)`
// (a reason to leave a cell out, or nothing), and `prepare(lib, input, spec)` → the call to time.

const loaders = {
  async opencv() {
    const cv = (await import('@techstark/opencv-js')).default;
    if (!cv.Mat) await new Promise((resolve) => { cv.onRuntimeInitialized = resolve; });
    const info = cv.getBuildInformation();
    const version = /Version control:\s*(\S+)/.exec(info)?.[1] ?? '?';
    const threads = /Parallel framework:\s*(.+)/.exec(info)?.[1]?.trim();
    return { cv, note: `opencv.js ${version} (@techstark/opencv-js ${pkgVersion('@techstark/opencv-js')}); parallel framework: ${threads}, so one thread` };
  },
  async tfjs() {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm files ship inside the package: point the backend at them on disk.
    wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
    await tf.ready();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return { tf, note: `TensorFlow.js ${tf.version_core}, wasm backend, SIMD ${simd ? 'on' : 'OFF'}, threads ${threads ? wasm.getThreadsCount() : '1 (its threaded build cannot start in Node: it makes workers from blob: URLs, which Node refuses)'}` };
  },
  async sharp() {
    const sharp = (await import('sharp')).default;
    sharp.cache(false); // no result cache between runs
    return { sharp, note: `sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}); 8-bit only: given the image as uint8` };
  },
  async jimp() {
    const { Jimp } = await import('jimp');
    return { Jimp, note: `jimp ${pkgVersion('jimp')}: RGBA only, so the gray bytes go in as R=G=B` };
  },
};
/** One source and one result Mat per image size for the "made once" rows, kept for the whole run. */
const matsBySide = new Map();
function keptMats(cv, input) {
  if (!matsBySide.has(input.width)) {
    matsBySide.set(input.width, { src: new cv.Mat(input.height, input.width, cv.CV_32F), dst: new cv.Mat(input.height, input.width, cv.CV_32F) });
  }
  return matsBySide.get(input.width);
}
/** allocImage copies of an input and an output, made once per image size and kept (like keptMats). */
const linearBySide = new Map();
function keptLinear(input) {
  if (!linearBySide.has(input.width)) {
    const image = allocImage(input.width, input.height);
    image.data.set(input.image.data);
    linearBySide.set(input.width, { image, out: allocImage(input.width, input.height) });
  }
  return linearBySide.get(input.width);
}
function pkgVersion(name) {
  try { return require(`${name}/package.json`).version; } catch { return '?'; }
}

const SMALL = 1 << 21; // cells under 2 Mpx·taps count as cheap in quick mode
const peers = [
  { id: 'memcpy', name: 'memcpy floor (Float32Array set, reused target)', kind: 'floor', cheap: true,
    prepare: (_, input) => { const target = new Float32Array(input.image.data.length); return () => target.set(input.image.data); } },
  { id: 'slice', name: 'copy into a fresh array (slice)', kind: 'floor', cheap: true, plot: true,
    prepare: (_, input) => () => input.image.data.slice() },
  { id: 'wasm', name: 'conv2d-wasm convolve2d (auto path)', kind: 'f32', border: 'constant', cheap: true, plot: true,
    prepare: (_, input, spec) => () => convolve2d(input.image, spec.wasmKernel, SAME).data },
  { id: 'wasm-out', name: 'conv2d-wasm convolve2d, reused options.out', kind: 'f32', border: 'constant', cheap: true, plot: true,
    prepare: (_, input, spec) => { const out = new Float32Array(input.image.data.length); return () => convolve2d(input.image, spec.wasmKernel, { ...SAME, out }).data; } },
  { id: 'wasm-linear', name: 'conv2d-wasm convolve2d, image and out in linear memory (allocImage)', kind: 'f32', border: 'constant', cheap: true,
    prepare: (_, input, spec) => { const { image, out } = keptLinear(input); return () => convolve2d(image, spec.wasmKernel, { ...SAME, out: out.data }).data; } },
  { id: 'wasm-direct', name: "conv2d-wasm, method 'direct' (diagnostic)", kind: 'f32', border: 'constant', cheap: true, diagnostic: true,
    prepare: (_, input, spec) => () => convolve2d(input.image, spec.wasmKernel, { ...SAME, method: 'direct' }).data },
  { id: 'wasm-fft', name: "conv2d-wasm, method 'fft' (diagnostic)", kind: 'f32', border: 'constant', cheap: true, diagnostic: true,
    prepare: (_, input, spec) => () => convolve2d(input.image, spec.wasmKernel, { ...SAME, method: 'fft' }).data },
  { id: 'wasm-separable', name: "conv2d-wasm, method 'separable' (diagnostic)", kind: 'f32', border: 'constant', cheap: true, diagnostic: true,
    skip: (_, spec) => (spec.gaussian ? undefined : 'not separable'),
    prepare: (_, input, spec) => () => convolve2d(input.image, spec.wasmKernel, { ...SAME, method: 'separable' }).data },
  { id: 'wasm-async-1', name: 'conv2d-wasm convolve2dAsync, threads 1', kind: 'f32', border: 'constant', cheap: true,
    prepare: (_, input, spec) => async () => (await convolve2dAsync(input.image, spec.wasmKernel, { ...SAME, threads: 1 })).data },
  { id: 'wasm-async-1-out', name: 'conv2d-wasm convolve2dAsync, threads 1, reused options.out', kind: 'f32', border: 'constant', cheap: true,
    prepare: (_, input, spec) => { const out = new Float32Array(input.image.data.length); return async () => (await convolve2dAsync(input.image, spec.wasmKernel, { ...SAME, threads: 1, out })).data; } },
  { id: 'wasm-async-2', name: 'conv2d-wasm convolve2dAsync, threads 2', kind: 'f32', border: 'constant', cheap: true, plot: true,
    prepare: (_, input, spec) => async () => (await convolve2dAsync(input.image, spec.wasmKernel, { ...SAME, threads: 2 })).data },
  { id: 'wasm-async-2-out', name: 'conv2d-wasm convolve2dAsync, threads 2, reused options.out', kind: 'f32', border: 'constant', cheap: true,
    prepare: (_, input, spec) => { const out = new Float32Array(input.image.data.length); return async () => (await convolve2dAsync(input.image, spec.wasmKernel, { ...SAME, threads: 2, out })).data; } },
  { id: 'wasm-async-2-shared', name: 'conv2d-wasm convolve2dAsync, threads 2, image and options.out in SharedArrayBuffers', kind: 'f32', border: 'constant', cheap: true,
    prepare: (_, input, spec) => {
      const data = new Float32Array(new SharedArrayBuffer(input.image.data.byteLength));
      data.set(input.image.data);
      const image = { ...input.image, data };
      const out = new Float32Array(new SharedArrayBuffer(input.image.data.byteLength));
      return async () => (await convolve2dAsync(image, spec.wasmKernel, { ...SAME, threads: 2, out })).data;
    } },
  { id: 'wasm-f32-gauss', name: 'conv2d-wasm convolve2d, Gaussian as float32 weights (diagnostic)', kind: 'f32', border: 'constant', cheap: true, diagnostic: true,
    skip: (_, spec) => (spec.gaussian ? undefined : 'Gaussian only'),
    prepare: (_, input, spec) => () => convolve2d(input.image, spec.kernel, SAME).data },
  { id: 'opencv', name: 'opencv.js filter2D', lib: 'opencv', kind: 'f32', border: 'constant', cheap: true, plot: true,
    prepare: ({ cv }, input, spec) => () => {
      const src = new cv.Mat(input.height, input.width, cv.CV_32F);
      const dst = new cv.Mat();
      const k = cv.matFromArray(spec.side, spec.side, cv.CV_32F, spec.flippedFlat); // filter2D correlates
      try {
        src.data32F.set(input.image.data);
        cv.filter2D(src, dst, cv.CV_32F, k, new cv.Point(-1, -1), 0, cv.BORDER_CONSTANT);
        return dst.data32F.slice();
      } finally { src.delete(); dst.delete(); k.delete(); }
    } },
  // Like for like with allocImage images: the input stays in opencv.js's heap too (set once).
  { id: 'opencv-kept', name: 'opencv.js filter2D, input and output Mats kept (no copy in)', lib: 'opencv', kind: 'f32', border: 'constant', cheap: true,
    prepare: ({ cv }, input, spec) => {
      const { src, dst } = keptMats(cv, input);
      const k = cv.matFromArray(spec.side, spec.side, cv.CV_32F, spec.flippedFlat);
      src.data32F.set(input.image.data);
      return () => {
        cv.filter2D(src, dst, cv.CV_32F, k, new cv.Point(-1, -1), 0, cv.BORDER_CONSTANT);
        return dst.data32F;
      };
    } },
  // Like for like with a reused options.out: Mats made once per image size and kept (as a caller
  // filtering many frames would), the input copied in each call, the result read where it is.
  { id: 'opencv-out', name: 'opencv.js filter2D into Mats made once', lib: 'opencv', kind: 'f32', border: 'constant', cheap: true,
    prepare: ({ cv }, input, spec) => {
      const { src, dst } = keptMats(cv, input);
      const k = cv.matFromArray(spec.side, spec.side, cv.CV_32F, spec.flippedFlat); // a few bytes, kept
      return () => {
        src.data32F.set(input.image.data);
        cv.filter2D(src, dst, cv.CV_32F, k, new cv.Point(-1, -1), 0, cv.BORDER_CONSTANT);
        return dst.data32F;
      };
    } },
  { id: 'opencv-gauss-out', name: 'opencv.js GaussianBlur into Mats made once', lib: 'opencv', kind: 'f32', border: 'constant', cheap: true,
    skip: (_, spec) => (spec.gaussian ? undefined : 'Gaussian only'),
    prepare: ({ cv }, input) => {
      const { src, dst } = keptMats(cv, input);
      return () => {
        src.data32F.set(input.image.data);
        cv.GaussianBlur(src, dst, new cv.Size(15, 15), 2.5, 2.5, cv.BORDER_CONSTANT);
        return dst.data32F;
      };
    } },
  { id: 'opencv-gauss', name: 'opencv.js GaussianBlur', lib: 'opencv', kind: 'f32', border: 'constant', cheap: true, plot: false,
    skip: (_, spec) => (spec.gaussian ? undefined : 'Gaussian only'),
    prepare: ({ cv }, input) => () => {
      const src = new cv.Mat(input.height, input.width, cv.CV_32F);
      const dst = new cv.Mat();
      try {
        src.data32F.set(input.image.data);
        cv.GaussianBlur(src, dst, new cv.Size(15, 15), 2.5, 2.5, cv.BORDER_CONSTANT);
        return dst.data32F.slice();
      } finally { src.delete(); dst.delete(); }
    } },
  { id: 'tfjs', name: 'TensorFlow.js wasm tf.conv2d', lib: 'tfjs', kind: 'f32', border: 'constant', cheap: true, plot: true,
    prepare: ({ tf }, input, spec) => () => {
      const y = tf.tidy(() => {
        const x = tf.tensor4d(input.image.data, [1, input.height, input.width, 1]); // NHWC
        const f = tf.tensor4d(spec.flippedFlat, [spec.side, spec.side, 1, 1]); // conv2d correlates
        return tf.conv2d(x, f, 1, 'same');
      });
      try { return y.dataSync(); } finally { y.dispose(); } // (tidy would walk a returned array element by element)
    } },
  ...[1, 2].map((threads) => ({
    id: `sharp-${threads}`, name: `sharp convolve (uint8), concurrency ${threads}`, lib: 'sharp', kind: 'u8', border: 'edge', cheap: true, plot: true,
    offset: 128,
    prepare: ({ sharp }, input, spec) => {
      const k = u8Kernel(spec, 128);
      return async () => {
        sharp.concurrency(threads);
        return sharp(input.u8, { raw: { width: input.width, height: input.height, channels: 1 } })
          .convolve({ width: spec.side, height: spec.side, kernel: Array.from(k.flippedFlat), scale: 1, offset: 128 }) // correlates
          .toColourspace('b-w').raw().toBuffer();
      };
    },
  })),
  // sharp's and jimp's job (bytes in, bytes out) done the same way: the fused 8-bit pipeline.
  { id: 'wasm-u8', name: 'conv2d-wasm convolveToUint8 (uint8 in and out), 1 thread', kind: 'u8', border: 'edge', cheap: true, offset: 0,
    prepare: (_, input, spec) => {
      const { kernel } = u8Kernel(spec, 0);
      const image = { width: input.width, height: input.height, channels: 1, data: input.u8 };
      return () => convolveToUint8(image, kernel, { ...SAME, border: 'edge', map: 'clamp' }).data;
    } },
  { id: 'jimp', name: 'jimp convolution (uint8 RGBA)', lib: 'jimp', kind: 'u8', border: 'edge', plot: true, offset: 0,
    skip: (side, spec) => (spec.gaussian || spec.side > 7 || side > 1024 ? 'too slow: 1024² and kernels ≤ 7 only' : undefined),
    prepare: ({ Jimp }, input, spec) => {
      const k = u8Kernel(spec, 0);
      return () => {
        const n = input.width * input.height, rgba = Buffer.alloc(4 * n);
        for (let i = 0; i < n; i++) { const v = input.u8[i]; rgba[4 * i] = v; rgba[4 * i + 1] = v; rgba[4 * i + 2] = v; rgba[4 * i + 3] = 255; }
        const image = Jimp.fromBitmap({ data: rgba, width: input.width, height: input.height });
        image.convolution({ kernel: k.flipped }); // correlates
        const out = new Uint8Array(n), data = image.bitmap.data;
        for (let i = 0; i < n; i++) out[i] = data[4 * i];
        return out;
      };
    } },
  { id: 'optimized-js', name: 'optimized pure JS (Float32Array, 4 accumulators)', kind: 'f32', border: 'constant', cheap: true, plot: true,
    prepare: (_, input, spec) => () => optimizedJs(input.image, spec.kernel).data },
  { id: 'optimized-js-out', name: 'optimized pure JS, padded copy and output made once', kind: 'f32', border: 'constant', cheap: true,
    prepare: (_, input, spec) => {
      const reuse = optimizedJsScratch(input.width, input.height, spec.side, spec.side);
      return () => optimizedJs(input.image, spec.kernel, reuse).data;
    } },
  { id: 'naive-js', name: 'naive JS port (nested number arrays)', kind: 'f32', border: 'constant', cheap: true, plot: true,
    prepare: (_, input, spec) => {
      input.rows ??= toRows(input.image.data, input.width, input.height); // its natural input, made once
      return () => naiveJs(input.rows, spec.rows);
    } },
].filter((peer) => !only || only.includes(peer.id));

// ---------------------------------------------------------------------------------------------
// Checking.

/** Largest |a − b| and a float32 bound for a sum of `taps` products: (taps + 2)·2⁻²⁴·Σ|k|·max|x|. */
function compareFloat(got, want, spec, image) {
  const a = got instanceof Float32Array ? got : Float32Array.from(got.flat ? got.flat() : got);
  if (a.length !== want.length) return { ok: false, text: `length ${a.length}, expected ${want.length}` };
  let diff = 0, xMax = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - want[i]);
    if (!(d <= diff)) diff = Number.isNaN(d) ? Infinity : d;
  }
  for (const x of image.data) xMax = Math.max(xMax, Math.abs(x));
  const kSum = spec.flat.reduce((s, w) => s + Math.abs(w), 0);
  const tol = (spec.flat.length + 2) * 2 ** -24 * kSum * xMax;
  return { ok: diff <= tol, text: `max |Δ| ${diff.toExponential(1)} (tolerance ${tol.toExponential(1)})` };
}
/** The bytes an 8-bit peer should give: conv2d-wasm on the same bytes, + offset, clamped, truncated. */
function expectedU8(input, spec, offset, border) {
  const k = u8Kernel(spec, offset);
  const f = convolve2d({ width: input.width, height: input.height, channels: 1, data: input.u8AsFloat }, k.kernel,
    { ...SAME, border, method: 'direct' }).data;
  return Uint8Array.from(f, (v) => Math.trunc(Math.min(255, Math.max(0, v + offset))));
}
/** 8-bit results may differ by one where a sum lands within float error of an integer. */
function compareU8(got, want) {
  if (got.length !== want.length) return { ok: false, text: `length ${got.length}, expected ${want.length}` };
  let diff = 0, off = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (d) off++;
    diff = Math.max(diff, d);
  }
  return { ok: diff <= 1, text: `max |Δ| ${diff} (≤ 1 allowed), ${off} of ${got.length} bytes off by one` };
}

// ---------------------------------------------------------------------------------------------
// Timing.

/** Runs `fn` (sync or async) once; returns [ms, result]. */
async function once(fn) {
  const start = performance.now();
  let result = fn();
  if (result && typeof result.then === 'function') result = await result;
  return [performance.now() - start, result];
}
/**
 * Warm up, then the median of 5 runs; slow cells: the first run counts and 3 runs in all when it
 * takes over 2 s, the first run alone over 10 s. Quick mode: the first run alone.
 */
async function measure(fn) {
  let [first, result] = await once(fn);
  if (quick || first > 10_000) return { times: [first], result };
  const times = [];
  if (first > 2_000) times.push(first);
  else for (const until = performance.now() + 300; performance.now() < until;) await once(fn); // warm-up
  while (times.length < (first > 2_000 ? 3 : 5)) {
    const [ms, r] = await once(fn);
    times.push(ms);
    result = r;
  }
  return { times, result };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(2));

// ---------------------------------------------------------------------------------------------
// Run.

await init();
const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
  node: process.version, v8: process.versions.v8, platform: `${os.platform()} ${os.release()}`,
  loadAverageAtStart: os.loadavg().map((x) => +x.toFixed(2)),
};
console.log(`${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}; load average ${machine.loadAverageAtStart.join(' ')}`);
console.log(quick ? 'Quick mode: 256², one run per cell, cheap peers only, no targets.\n' : '');

const libs = {};
const notes = [];
for (const name of new Set(peers.map((p) => p.lib).filter(Boolean))) {
  if (quick && !peers.some((p) => p.lib === name && p.cheap)) continue;
  try {
    const start = performance.now();
    libs[name] = await loaders[name]();
    notes.push(libs[name].note);
    console.log(`loaded ${name} in ${fmt(performance.now() - start)} ms: ${libs[name].note}`);
  } catch (error) {
    console.log(`SKIP ${name}: its package failed to load (${error.message.split('\n')[0]}); its rows are left out`);
  }
}
const active = peers.filter((p) => (!p.lib || libs[p.lib]) && (!quick || p.cheap));
const specs = kernelIds.map(makeKernel);
/** Why a peer's cell is left out, by `${peer.id} ${spec.id}` (from the small check) or with the side. */
const excluded = new Map();

console.log('\nChecking every peer against conv2d-wasm on a 67×53 image (seeded), for every kernel:');
const small = makeInput(67, 53, 7); // an odd width, not a multiple of 4
const checks = [];
let wasmBroken = false;
for (const spec of specs) {
  // conv2d-wasm itself first, against the float64 reference of src/core/convolve/reference.ts.
  const want = convolve2d(small.image, spec.wasmKernel, SAME).data;
  const ref = referenceConvolve2d(small.image, spec.wasmKernel, SAME).data;
  const self = compareFloat(want, ref, spec, small.image);
  checks.push({ peer: 'wasm vs reference', kernel: spec.id, ...self });
  console.log(`  ${self.ok ? 'ok  ' : 'FAIL'} ${spec.label.padEnd(15)} conv2d-wasm vs the pure-TS reference: ${self.text}`);
  if (!self.ok) wasmBroken = true;
  for (const peer of active) {
    if (peer.kind === 'floor' || peer.skip?.(small.width, spec) === 'not separable' || peer.skip?.(small.width, spec) === 'Gaussian only') continue;
    let verdict;
    try {
      const [, got] = await once(peer.prepare(libs[peer.lib], small, spec));
      verdict = peer.kind === 'u8'
        ? compareU8(got, expectedU8(small, spec, peer.offset, peer.border))
        : compareFloat(got, want, spec, small.image);
    } catch (error) {
      verdict = { ok: false, text: `threw ${error.message.split('\n')[0]}` };
    }
    checks.push({ peer: peer.id, kernel: spec.id, ...verdict });
    if (!verdict.ok) excluded.set(`${peer.id} ${spec.id}`, `disagrees on the small case: ${verdict.text}`);
    if (!verdict.ok || !quick) console.log(`  ${verdict.ok ? 'ok  ' : 'FAIL'} ${spec.label.padEnd(15)} ${peer.name}: ${verdict.text}`);
  }
}
if (quick) console.log(`  ${checks.filter((c) => c.ok).length} of ${checks.length} checks agree`);
if (wasmBroken) {
  console.error('Aborting: conv2d-wasm disagrees with its reference, so no timing would mean anything.');
  process.exit(1);
}

const cells = [];
const paths = [];
/** A cell whose time, scaled by pixels from the same peer's cell at a smaller size, exceeds 100 s is not run. */
const BUDGET_MS = 100_000;
function tooSlow(peer, side, spec) {
  const before = cells.filter((c) => c.peer === peer.id && c.kernel === spec.id && c.side < side && c.medianMs !== undefined).pop();
  const estimate = before && before.medianMs * (side / before.side) ** 2;
  return estimate > BUDGET_MS ? `too slow: about ${fmt(estimate / 1000)} s per call (scaled from ${before.side}²)` : undefined;
}
for (const side of sizes) {
  const input = makeInput(side, side, side);
  for (const spec of specs) {
    const column = `${side}² ${spec.label}`;
    // What method 'auto' will do here, and what the cost model expected of each path.
    const img = checkImage(input.image), k = checkKernel(spec.wasmKernel);
    const plan = planConvolution(SAME, side, side, spec.side, spec.side);
    const factors = factorsFor(k, plan);
    const chosen = choosePath(img, k, plan, factors);
    const predicted = pathCosts(img, k, plan, factors !== undefined);
    paths.push({ side, kernel: spec.id, chosen, predictedMs: Object.fromEntries(Object.entries(predicted).map(([p, ns]) => [p, ns / 1e6])) });
    const want = convolve2d(input.image, spec.wasmKernel, { ...SAME, method: 'direct' }).data; // what every float peer must give
    const wantU8 = {};
    console.log(`\n${column}: conv2d-wasm's cost model picks '${chosen}'`);
    for (const peer of active) {
      const skip = peer.skip?.(side, spec) ?? excluded.get(`${peer.id} ${spec.id}`) ?? tooSlow(peer, side, spec);
      if (skip) {
        if (!['Gaussian only', 'not separable'].includes(skip)) console.log(`  ${peer.name.padEnd(52)} left out: ${skip}`);
        cells.push({ peer: peer.id, side, kernel: spec.id, excluded: skip });
        continue;
      }
      if (quick && !peer.cheap) continue;
      let measured;
      try {
        measured = await measure(peer.prepare(libs[peer.lib], input, spec));
      } catch (error) {
        const why = `threw ${error.message.split('\n')[0]}`;
        console.log(`  ${peer.name.padEnd(52)} ${why}`);
        cells.push({ peer: peer.id, side, kernel: spec.id, excluded: why });
        continue;
      }
      const { times, result } = measured;
      const ms = median(times);
      let check = { ok: true, text: '' };
      if (peer.kind === 'f32') check = compareFloat(result, want, spec, input.image);
      if (peer.kind === 'u8') check = compareU8(result, wantU8[`${peer.border} ${peer.offset}`] ??= expectedU8(input, spec, peer.offset, peer.border));
      const cell = { peer: peer.id, side, kernel: spec.id, medianMs: ms, runs: times.length, timesMs: times.map((t) => +t.toFixed(3)), check: check.text,
        load1: +os.loadavg()[0].toFixed(2) }; // 1-min load average after the cell: this run's threads count, up to 2
      if (!check.ok) cell.excluded = `wrong output at full size: ${check.text}`;
      cells.push(cell);
      console.log(`  ${peer.name.padEnd(52)} ${fmt(ms).padStart(9)} ms  (n=${times.length})${check.ok ? '' : `  WRONG OUTPUT: ${check.text}`}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The table: rows are peers, columns kernels, one block per image size.

const cellOf = (peer, side, kernel) => cells.find((c) => c.peer === peer && c.side === side && c.kernel === kernel);
const timeOf = (peer, side, kernel) => { const c = cellOf(peer, side, kernel); return c && !c.excluded ? c.medianMs : undefined; };
/** opencv.js's time for a column: GaussianBlur for the Gaussian, filter2D for the rest. */
const opencvTime = (side, spec) => timeOf(spec.gaussian ? 'opencv-gauss' : 'opencv', side, spec.id);
const header = ['size', 'implementation', ...specs.map((s) => s.label)];
const rows = [];
for (const side of sizes) {
  rows.push([`${side}²`, "conv2d-wasm: path picked by method 'auto'", ...specs.map((s) => paths.find((p) => p.side === side && p.kernel === s.id).chosen)]);
  for (const peer of active) {
    if (!cells.some((c) => c.peer === peer.id && c.side === side && !(c.excluded === 'Gaussian only' || c.excluded === 'not separable'))) continue;
    rows.push([`${side}²`, peer.name, ...specs.map((spec) => {
      const c = cellOf(peer.id, side, spec.id);
      if (!c) return '';
      if (c.excluded) return ['Gaussian only', 'not separable'].includes(c.excluded) ? '' : /^wrong/.test(c.excluded) ? 'wrong output' : /^too slow/.test(c.excluded) ? 'not run' : /^threw/.test(c.excluded) ? 'error' : 'disagrees';
      const cv = opencvTime(side, spec), js = timeOf('optimized-js', side, spec.id);
      const ratios = [cv && `cv ${fmt(cv / c.medianMs)}×`, js && `js ${fmt(js / c.medianMs)}×`].filter(Boolean).join(', ');
      return `${fmt(c.medianMs)}${ratios ? ` (${ratios})` : ''}${c.runs === 5 || quick ? '' : ` n=${c.runs}`}`;
    })]);
  }
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cols) => `| ${cols.map((s, i) => s.padEnd(widths[i])).join(' | ')} |`;
const table = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
console.log(`\nMedian end-to-end ms per call (n=5 unless shown; quick mode: n=1). In brackets: speedup over opencv.js ` +
  `(filter2D; GaussianBlur in the Gaussian column) and over optimized pure JS; above 1× means faster.\n`);
console.log(table);
const legend = ['Float rows: float32 in and out, constant 0 border. sharp and jimp: the image as uint8 (round(x·255)), ' +
  'their only border rule (edge extend), output clamped to 0..255 and truncated; the kernel is divided by Σ|k| (sharp adds 128).',
  'The naive port takes and returns nested number arrays (made once, outside the timing); every other row takes and returns typed arrays.',
  ...notes];
console.log(`\n${legend.join('\n')}`);

// Cost model: predicted time of each path next to the measured one.
const modelRows = [];
for (const p of paths) {
  const measuredMs = { direct: timeOf('wasm-direct', p.side, p.kernel), fft: timeOf('wasm-fft', p.side, p.kernel), separable: timeOf('wasm-separable', p.side, p.kernel) };
  const fastest = Object.entries(measuredMs).filter(([, ms]) => ms !== undefined).sort((a, b) => a[1] - b[1])[0]?.[0];
  p.measuredMs = measuredMs;
  p.fastest = fastest;
  const show = (path) => `${Number.isFinite(p.predictedMs[path]) ? fmt(p.predictedMs[path]) : '—'} / ${measuredMs[path] === undefined ? '—' : fmt(measuredMs[path])}`;
  modelRows.push(`| ${p.side}² | ${specs.find((s) => s.id === p.kernel).label} | ${show('direct')} | ${show('separable')} | ${show('fft')} | ${p.chosen} | ${fastest ?? '?'}${fastest && fastest !== p.chosen ? ` (${fmt(measuredMs[p.chosen] / measuredMs[fastest])}× faster than the pick)` : ''} |`);
}
console.log(`\nconv2d-wasm's cost model (wasm/paths.ts pathCosts): predicted ms / measured ms (forced method) per path:\n`);
console.log(['| size | kernel | direct | separable | fft | picked | fastest measured |', '| --- | --- | --- | --- | --- | --- | --- |', ...modelRows].join('\n'));

// ---------------------------------------------------------------------------------------------
// Peak RSS of one 4096² (quick: 256²) convolve2d in a fresh process.

const rss = [];
if (!flag('--no-rss')) {
  const side = quick ? 256 : 4096;
  const imageMiB = (side * side * 4) / 2 ** 20;
  console.log(`\nPeak RSS of one ${side}² float32 convolve2d in a fresh process (image: ${fmt(imageMiB)} MiB${quick ? '' : `; target ≤ 3× = ${fmt(3 * imageMiB)} MiB`}):`);
  for (const [kernel, method] of [['none', 'auto'], ['3', 'auto'], ['31', 'auto'], ['g15', 'auto'], ['31', 'direct']]) {
    if (quick && !['none', '3'].includes(kernel)) continue;
    // Through sh, which forks: a child forked straight from this process would inherit its peak RSS
    // (Linux keeps the pre-exec high-water mark in maxRSS).
    const child = spawnSync('/bin/sh', ['-c', '"$@"; exit $?', 'sh', process.execPath, path.join(here, 'lib/peak-rss.mjs'), String(side), kernel, method],
      { encoding: 'utf8' });
    if (child.status !== 0) { console.log(`  ${kernel}: the child failed: ${child.stderr.trim().split('\n').pop()}`); continue; }
    const r = JSON.parse(child.stdout.trim().split('\n').pop());
    const mib = (kib) => kib / 1024;
    const entry = { side, kernel, method, peakMiB: mib(r.peakKiB), startMiB: mib(r.atStartKiB), afterImageMiB: mib(r.afterImageKiB), imageMiB };
    rss.push(entry);
    const label = kernel === 'none' ? 'no call (Node + conv2d-wasm + the input image)' : `${kernel === 'g15' ? 'Gaussian 15×15' : `${kernel}×${kernel}`}, method '${method}'`;
    console.log(`  ${label.padEnd(48)} peak ${fmt(entry.peakMiB)} MiB = ${fmt(entry.peakMiB / imageMiB)}× the image; ` +
      `above the process before the image: ${fmt(entry.peakMiB - entry.startMiB)} MiB = ${fmt((entry.peakMiB - entry.startMiB) / imageMiB)}×`);
  }
}

// ---------------------------------------------------------------------------------------------
// Issue 6's targets (single thread unless said, end to end). Not evaluated in quick mode.

const targets = [];
function target(what, ratio, goal, higherIsBetter = true, detail = '') {
  if (ratio === undefined || Number.isNaN(ratio)) { targets.push({ what, met: undefined, text: `${what}: not measured${detail ? ` (${detail})` : ''}` }); return; }
  const met = higherIsBetter ? ratio >= goal : ratio <= goal;
  targets.push({ what, ratio, goal, met, text: `${met ? 'met   ' : 'MISSED'} ${what}: ${fmt(ratio)}× (target ${higherIsBetter ? '≥' : '≤'} ${goal}×)${detail ? `; ${detail}` : ''}` });
}
if (!quick) {
  const big = Math.max(...sizes);
  const w3 = timeOf('wasm', big, '3');
  target(`3×3 on ${big}²: faster than opencv.js filter2D`, timeOf('opencv', big, '3') / w3, 4);
  target(`3×3 on ${big}²: faster than optimized pure JS`, timeOf('optimized-js', big, '3') / w3, 20);
  target(`3×3 on ${big}²: faster than the naive port`, timeOf('naive-js', big, '3') / w3, 80);
  target(`3×3 on ${big}²: time over the memcpy floor`, w3 / timeOf('memcpy', big, '3'), 2, false,
    `with a reused options.out: ${fmt(timeOf('wasm-out', big, '3') / timeOf('memcpy', big, '3'))}×; a bare fresh-array copy (slice) is ${fmt(timeOf('slice', big, '3') / timeOf('memcpy', big, '3'))}×`);
  for (const side of sizes) {
    for (const k of ['15', '31']) target(`${k}×${k} on ${side}²: faster than opencv.js filter2D`, timeOf('opencv', side, k) / timeOf('wasm', side, k), 1.5);
    target(`Gaussian 15×15 on ${side}²: faster than opencv.js GaussianBlur`, timeOf('opencv-gauss', side, 'g15') / timeOf('wasm', side, 'g15'), 3);
  }
  for (const spec of specs.filter((s) => s.side >= 5)) {
    target(`2 threads vs 1, ${spec.label} on ${big}², fresh result arrays`, timeOf('wasm', big, spec.id) / timeOf('wasm-async-2', big, spec.id), 1.8, true,
      `convolve2dAsync threads 1 → 2: ${fmt(timeOf('wasm-async-1', big, spec.id) / timeOf('wasm-async-2', big, spec.id))}×`);
    target(`2 threads vs 1, ${spec.label} on ${big}², reused options.out`, timeOf('wasm-out', big, spec.id) / timeOf('wasm-async-2-out', big, spec.id), 1.8, true,
      `image and out in SharedArrayBuffers: ${fmt(timeOf('wasm-out', big, spec.id) / timeOf('wasm-async-2-shared', big, spec.id))}×`);
  }
  for (const side of sizes) {
    for (const spec of specs) {
      target(`2 threads, ${spec.label} on ${side}²: faster than sharp with 2 threads`, timeOf('sharp-2', side, spec.id) / timeOf('wasm-async-2', side, spec.id), 1, true,
        `bytes in and out like sharp, one thread (convolveToUint8): ${fmt(timeOf('sharp-2', side, spec.id) / timeOf('wasm-u8', side, spec.id))}×`);
    }
  }
  for (const r of rss.filter((x) => x.kernel !== 'none' && x.side === 4096)) {
    target(`peak RSS, one 4096² call, ${r.kernel === 'g15' ? 'Gaussian 15×15' : `${r.kernel}×${r.kernel}`} ${r.method}, whole process, in image sizes`, r.peakMiB / r.imageMiB, 3, false,
      `above the process before the input image: ${fmt((r.peakMiB - r.startMiB) / r.imageMiB)}×`);
  }
  // Issue 12: like for like, every implementation writing into an output made once, at 2048²
  // (and 4096² for threads), when those sizes ran.
  const issue12 = [];
  const like = (what, ratio, goal, higher = true, detail = '') => {
    const before = targets.length;
    target(what, ratio, goal, higher, detail);
    issue12.push(targets.splice(before, 1)[0]);
  };
  if (sizes.includes(2048)) {
    const w3 = timeOf('wasm-out', 2048, '3');
    like('3×3 on 2048², outputs made once: faster than opencv.js filter2D', timeOf('opencv-out', 2048, '3') / w3, 4);
    like('3×3 on 2048², outputs made once: faster than optimized pure JS', timeOf('optimized-js-out', 2048, '3') / w3, 20);
    like('3×3 on 2048²: faster than the naive port', timeOf('naive-js', 2048, '3') / w3, 80);
    like('3×3 on 2048², outputs made once: time over the memcpy floor', w3 / timeOf('memcpy', 2048, '3'), 2, false);
    const l3 = timeOf('wasm-linear', 2048, '3');
    like('3×3 on 2048², allocImage images: faster than opencv.js filter2D into Mats made once', timeOf('opencv-out', 2048, '3') / l3, 4, true,
      `against opencv.js with its input kept in its heap too: ${fmt(timeOf('opencv-kept', 2048, '3') / l3)}×`);
    like('3×3 on 2048², allocImage images: faster than optimized pure JS', timeOf('optimized-js-out', 2048, '3') / l3, 20);
    like('3×3 on 2048², allocImage images: time over the memcpy floor', l3 / timeOf('memcpy', 2048, '3'), 2, false);
    like('Gaussian 15×15 on 2048², outputs made once: faster than opencv.js GaussianBlur', timeOf('opencv-gauss-out', 2048, 'g15') / timeOf('wasm-out', 2048, 'g15'), 3);
    like('15×15 on 2048², outputs made once: faster than opencv.js filter2D', timeOf('opencv-out', 2048, '15') / timeOf('wasm-out', 2048, '15'), 2);
  }
  for (const side of sizes.filter((x) => x === 2048 || x === 4096)) {
    like(`convolve2dAsync 7×7 on ${side}², new arrays: threads 2 vs threads 1`, timeOf('wasm-async-1', side, '7') / timeOf('wasm-async-2', side, '7'), 1.8);
    like(`convolve2dAsync 7×7 on ${side}², reused options.out: threads 2 vs threads 1`, timeOf('wasm-async-1-out', side, '7') / timeOf('wasm-async-2-out', side, '7'), 1.8);
  }
  if (issue12.length) {
    console.log(`\nIssue 12's targets (from this run; speedups unless said; "outputs made once" rows include no first-touch page faults, "new arrays" rows do):`);
    for (const t of issue12) console.log(`  ${t.text}`);
  }
  console.log(`\nIssue 6's targets (from this run; ratios are speedups unless said):`);
  for (const t of targets) console.log(`  ${t.text}`);
  console.log(`  ${targets.filter((t) => t.met).length} met, ${targets.filter((t) => t.met === false).length} missed, ${targets.filter((t) => t.met === undefined).length} not measured`);
  targets.push(...issue12); // for --json
}

machine.loadAverageAtEnd = os.loadavg().map((x) => +x.toFixed(2));
const loads = cells.filter((c) => c.load1 !== undefined).map((c) => c.load1);
machine.maxCellLoad = Math.max(0, ...loads);
console.log(`\nload average at end ${machine.loadAverageAtEnd.join(' ')}; highest 1-min load after a cell ${machine.maxCellLoad}` +
  `${loads.some((l) => l > 3) ? ` (${loads.filter((l) => l > 3).length} cells above 3: something else was running)` : ''}`);

if (svgFile) {
  const panels = sizes.map((side) => ({
    title: `${side}² grayscale float32 (sharp, jimp: uint8)`,
    series: active.filter((p) => p.plot || p.id === 'memcpy').map((p) => ({
      name: p.name,
      points: specs.filter((s) => !s.gaussian).map((s) => [s.side, timeOf(p.id, side, s.id)]).filter(([, ms]) => ms !== undefined),
    })).filter((s) => s.points.length),
  }));
  writeFileSync(svgFile, linePlot({
    title: `2-D convolution, median ms per call vs kernel size (random non-separable kernels), ${new Date().toISOString().slice(0, 10)}`,
    note: `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}. End to end (array in, array out). Missing points: not run, or wrong output. Source: bench/peers.mjs`,
    panels,
  }));
  console.log(`plot written to ${path.relative(process.cwd(), svgFile)}`);
}
if (jsonFile) {
  writeFileSync(jsonFile, `${JSON.stringify({ date: new Date().toISOString(), command: `node bench/peers.mjs ${args.join(' ')}`.trim(),
    quick, machine, notes, checks, cells, paths, rss, targets, table }, null, 2)}\n`);
  console.log(`raw numbers written to ${jsonFile}`);
}
