/**
 * Benchmark of the edge functions against what people use today, ratios in one run:
 * - convolveBank([sobelX, sobelY]) vs two convolve2d calls (float32 gray, 1024² and 4096²);
 * - gradient (Sobel 3, L2 magnitude) vs opencv.js Sobel ×2 + magnitude, end to end (8-bit gray in,
 *   float32 gx, gy and magnitude out; opencv.js's Mats made from and read back to JS arrays);
 *   both again with outputs made once: `options.out` against Mats kept in OpenCV's heap. Rows
 *   with new arrays include first-touch page faults of those arrays (this VM: about 13 µs per
 *   4 KiB page once an array is too big for malloc to reuse freed memory, from 2048²); rows with
 *   outputs made once do not;
 * - canny (50, 150, ksize 3) vs opencv.js Canny on a photo (assets/astronaut.png, gray, mirrored
 *   tiles to 1024² and 4096²), one thread each; the outputs are checked equal first. Again with
 *   outputs made once (`options.out` / Mats kept in OpenCV's heap).
 * Medians of 11 runs (5 at 4096²), each contender run in turn with the other after two warm-ups. The machine is shared (2 cores, other agents):
 * the load average is printed at start and end, and only ratios from the same run mean anything.
 *
 * Usage: npm run bench:edges [-- --quick | --sizes 1024]   (--quick: 256² only: keeps the script alive)
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { allocImage, canny, convolve2d, convolveBank, gradient, kernels, toGrayscale } from '../dist/core/index.js';
import { decodePng } from '../dist/node/index.js';
import { random } from './lib/random.mjs';

const quick = process.argv.includes('--quick');
const sizes = quick ? [256] : process.argv.includes('--sizes') ? process.argv[process.argv.indexOf('--sizes') + 1].split(',').map(Number) : [1024, 4096];
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

const cv = (await import('@techstark/opencv-js')).default;
if (!cv.Mat) await new Promise((resolve) => { cv.onRuntimeInitialized = resolve; });

/**
 * Medians of `ours` and `theirs`, run in turn (ours, theirs, ours...) after two warm-ups each, so
 * that load from other processes, GC and memory growth fall on both alike.
 */
function paired(ours, theirs, runs) {
  for (let i = 0; i < 2; i++) { ours(); theirs(); }
  const a = [], b = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    ours();
    a.push(performance.now() - t);
    t = performance.now();
    theirs();
    b.push(performance.now() - t);
  }
  const median = (x) => x.sort((p, q) => p - q)[runs >> 1];
  return [median(a), median(b)];
}

/** The photo's gray, mirrored tile by tile to side × side, so edges stay as dense as in the photo. */
function photo(side) {
  const gray = toGrayscale(decodePng(readFileSync(new URL('../assets/astronaut.png', import.meta.url))));
  const { width: w, height: h } = gray;
  const data = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) {
    const ty = Math.floor(y / h), sy = ty % 2 ? h - 1 - (y % h) : y % h;
    for (let x = 0; x < side; x++) {
      const tx = Math.floor(x / w), sx = tx % 2 ? w - 1 - (x % w) : x % w;
      data[y * side + x] = gray.data[sy * w + sx];
    }
  }
  return { width: side, height: side, channels: 1, data };
}

function opencvGradient(img) {
  const src = cv.matFromArray(img.height, img.width, cv.CV_8UC1, img.data);
  const gx = new cv.Mat(), gy = new cv.Mat(), mag = new cv.Mat();
  try {
    cv.Sobel(src, gx, cv.CV_32F, 1, 0, 3, 1, 0, cv.BORDER_DEFAULT);
    cv.Sobel(src, gy, cv.CV_32F, 0, 1, 3, 1, 0, cv.BORDER_DEFAULT);
    cv.magnitude(gx, gy, mag);
    return { gx: gx.data32F.slice(), gy: gy.data32F.slice(), magnitude: mag.data32F.slice() };
  } finally {
    src.delete(); gx.delete(); gy.delete(); mag.delete();
  }
}

/**
 * The same with every output made once, as a caller running it over many frames would: Mats
 * allocated once and left in OpenCV's heap, only the input copied in each call.
 */
function opencvGradientInto(mats, img) {
  const { src, gx, gy, mag } = mats;
  src.data.set(img.data);
  cv.Sobel(src, gx, cv.CV_32F, 1, 0, 3, 1, 0, cv.BORDER_DEFAULT);
  cv.Sobel(src, gy, cv.CV_32F, 0, 1, 3, 1, 0, cv.BORDER_DEFAULT);
  cv.magnitude(gx, gy, mag);
}

function opencvCanny(img) {
  const src = cv.matFromArray(img.height, img.width, cv.CV_8UC1, img.data);
  const dst = new cv.Mat();
  try {
    cv.Canny(src, dst, 50, 150, 3, false);
    return dst.data.slice();
  } finally {
    src.delete(); dst.delete();
  }
}

/** Canny into Mats made once, as opencvGradientInto. */
function opencvCannyInto(mats, img) {
  mats.src.data.set(img.data);
  cv.Canny(mats.src, mats.dst, 50, 150, 3, false);
}

const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

console.log(`conv2d-wasm edges bench: Node ${process.version}, ${os.cpus()[0].model} (${os.cpus().length} cores), ` +
  `load average at start ${load()}`);
const rows = [];
for (const side of sizes) {
  const runs = side >= 4096 ? 5 : 11;
  const next = random(side);
  const float = { width: side, height: side, channels: 1, data: Float32Array.from({ length: side * side }, next) };
  const options = { padding: 'same', border: 'reflect' };
  const [bank, two] = paired(() => convolveBank(float, [kernels.sobelX, kernels.sobelY], options),
    () => { convolve2d(float, kernels.sobelX, options); convolve2d(float, kernels.sobelY, options); }, runs);
  rows.push({ side, what: 'bank sobelX+sobelY vs 2× convolve2d (float32), new arrays', ours: bank, theirs: two, target: 1.6 });
  const o1 = new Float32Array(side * side), o2 = new Float32Array(side * side);
  const [bankOut, twoOut] = paired(() => convolveBank(float, [kernels.sobelX, kernels.sobelY], { ...options, out: [o1, o2] }),
    () => { convolve2d(float, kernels.sobelX, { ...options, out: o1 }); convolve2d(float, kernels.sobelY, { ...options, out: o2 }); }, runs);
  rows.push({ side, what: 'bank sobelX+sobelY vs 2× convolve2d (float32), `out` reused', ours: bankOut, theirs: twoOut, target: 1.6 });
  // The same with the image and both outputs in linear memory (allocImage): no copies in or out.
  const li = allocImage(side, side), l1 = allocImage(side, side), l2 = allocImage(side, side);
  li.data.set(float.data);
  const [bankLin, twoLin] = paired(() => convolveBank(li, [kernels.sobelX, kernels.sobelY], { ...options, out: [l1.data, l2.data] }),
    () => { convolve2d(li, kernels.sobelX, { ...options, out: l1.data }); convolve2d(li, kernels.sobelY, { ...options, out: l2.data }); }, runs);
  rows.push({ side, what: 'bank sobelX+sobelY vs 2× convolve2d (float32), allocImage image and outs', ours: bankLin, theirs: twoLin, target: 1.6 });
  for (const x of [li, l1, l2]) x.free();

  const img = photo(side);
  const mine = gradient(img), theirs = opencvGradient(img);
  if (!same(mine.gx.data, theirs.gx) || !same(mine.gy.data, theirs.gy)) throw new Error('gradient differs from opencv.js Sobel');
  const [g, o] = paired(() => gradient(img), () => opencvGradient(img), runs);
  rows.push({ side, what: 'gradient (Sobel 3, L2) vs opencv.js Sobel×2 + magnitude, new arrays', ours: g, theirs: o, target: 2 });
  const n = side * side;
  const out = { gx: new Float32Array(n), gy: new Float32Array(n), magnitude: new Float32Array(n) };
  const mats = { src: new cv.Mat(side, side, cv.CV_8UC1), gx: new cv.Mat(), gy: new cv.Mat(), mag: new cv.Mat() };
  opencvGradientInto(mats, img);
  gradient(img, { out });
  if (!same(out.gx, mats.gx.data32F) || !same(out.gy, mats.gy.data32F) || !same(out.magnitude, mats.mag.data32F)) {
    throw new Error('gradient into out differs from opencv.js into its Mats');
  }
  const [gi, oi] = paired(() => gradient(img, { out }), () => opencvGradientInto(mats, img), runs);
  for (const m of Object.values(mats)) m.delete();
  rows.push({ side, what: 'gradient (Sobel 3, L2) vs opencv.js Sobel×2 + magnitude, outputs made once (`out` / Mats)', ours: gi, theirs: oi, target: 2 });

  if (!same(canny(img, { low: 50, high: 150 }).data, opencvCanny(img))) throw new Error('canny differs from opencv.js Canny');
  const [c, oc] = paired(() => canny(img, { low: 50, high: 150 }), () => opencvCanny(img), runs);
  rows.push({ side, what: 'canny (50, 150, ksize 3) vs opencv.js Canny, photo, new arrays', ours: c, theirs: oc, target: 1.5 });
  const edges = new Uint8Array(n);
  const cannyMats = { src: new cv.Mat(side, side, cv.CV_8UC1), dst: new cv.Mat() };
  opencvCannyInto(cannyMats, img);
  canny(img, { low: 50, high: 150, out: edges });
  if (!same(edges, cannyMats.dst.data)) throw new Error('canny into out differs from opencv.js Canny into its Mat');
  const [ci, oci] = paired(() => canny(img, { low: 50, high: 150, out: edges }), () => opencvCannyInto(cannyMats, img), runs);
  for (const m of Object.values(cannyMats)) m.delete();
  rows.push({ side, what: 'canny, outputs made once (`out` / Mats)', ours: ci, theirs: oci, target: 1.5 });
}

console.log('\n| size | comparison | conv2d-wasm ms | baseline ms | speedup | target |\n| --- | --- | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  const ratio = r.theirs / r.ours;
  console.log(`| ${r.side}² | ${r.what} | ${r.ours.toFixed(1)} | ${r.theirs.toFixed(1)} | ${ratio.toFixed(2)}× | ${r.target}× ${ratio >= r.target ? 'met' : 'MISSED'} |`);
}
console.log(`\nload average at end ${load()} (2 cores shared with other agents: every row slows alike, ratios hold best)`);
