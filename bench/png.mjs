// PNG codec benchmark (npm run bench:png): decode of a 1280×1000 RGB photo PNG (as sharp writes it,
// without filters, and as libpng does by default, filtered adaptively) and encode of its
// convolved 8-bit gray result, by this library (node:zlib), by pngjs (the old Node codec) and by
// sharp (libspng/libpng + zlib), medians of runs in turn in one process (decode: 41 runs, so that
// both sides reach the steady state where freed output buffers are reused; the first runs of a
// fresh process pay page faults on every new output, ~13 µs a 4 KiB page on our VM, which favours
// whoever returns fewer bytes: sharp's RGB against our RGBA); then the encoder's filter and level
// choices, time and bytes, which set encodePng's defaults.
import { constants, deflateSync, inflateSync } from 'node:zlib';
import { loadavg } from 'node:os';
import sharp from 'sharp';
import pngjs from 'pngjs';
import { convolveToUint8, decodePng, encodePng, kernels, PNG_FILTERS } from '../dist/node/index.js';

const RUNS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
sharp.concurrency(1);

const sample = new URL('../assets/astronaut.png', import.meta.url).pathname;
const wide = await sharp(sample).extend({ right: 1280, bottom: 1000, extendWith: 'mirror' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const photoPng = await sharp(wide.data, { raw: wide.info }).extract({ left: 0, top: 0, width: 1280, height: 1000 }).png().toBuffer();
const gray = convolveToUint8(decodePng(photoPng), kernels.edge, { grayscale: true, padding: 'same', map: 'abs' });
const grayRaw = { raw: { width: gray.width, height: gray.height, channels: 1 } };

const faults = () => process.resourceUsage().minorPageFault;
/** Page faults per run of the last `race`'s jobs (medians): fresh memory being touched. */
let lastFaults = {};

/**
 * Runs each job `runs` times, in turn, after one warm-up; returns median ms per job. With `collect`
 * a full collection runs (untimed) before each timed run, so that outputs dropped by earlier runs
 * are freed and new ones land on memory already faulted in: first-touch costs left out, on both sides.
 */
async function race(jobs, runs = RUNS, collect = false) {
  const times = Object.fromEntries(Object.keys(jobs).map((k) => [k, []]));
  const faulted = Object.fromEntries(Object.keys(jobs).map((k) => [k, []]));
  for (const f of Object.values(jobs)) await f();
  for (let r = 0; r < runs; r++) {
    for (const [name, f] of Object.entries(jobs)) {
      if (collect) globalThis.gc();
      const f0 = faults();
      const t = performance.now();
      await f();
      times[name].push(performance.now() - t);
      faulted[name].push(faults() - f0);
    }
  }
  lastFaults = Object.fromEntries(Object.entries(faulted).map(([k, v]) => [k, median(v)]));
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

console.log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}; photo PNG ${photoPng.length} bytes (1280×1000 RGB)`);
// Two races: ours against sharp, then ours against pngjs. pngjs makes megabytes of JavaScript
// garbage a decode, and in a three-way race the collections it causes land on whoever allocates
// next (measured: our median rose from ~13 to 19–21 ms with pngjs in the same race).
/** Ours against sharp on `png`; the same output as decodePng's (RGBA) is sharp's ensureAlpha(): like for like. */
const decodeJobs = (png, out = new Uint8Array(decodePng(png).data.length)) => ({
  'conv2d-wasm decodePng': () => decodePng(png),
  // The caller's array reused (options.out): no new output to fault in, whatever the allocator does.
  'conv2d-wasm decodePng, reused out': () => decodePng(png, { out }),
  'sharp raw()': () => sharp(png).raw().toBuffer(),
  'sharp ensureAlpha().raw()': () => sharp(png).ensureAlpha().raw().toBuffer(),
});
// sharp writes without filters by default; libpng's own default (and most PNGs in the wild) filters
// each row adaptively, mostly Paeth and Average on photos. Unfiltering is then real work.
const adaptivePng = await sharp(photoPng).png({ adaptiveFiltering: true }).toBuffer();
const tables = [];
for (const [what, png] of [['the photo as sharp writes it (no filters)', photoPng], [`the same photo filtered adaptively (${adaptivePng.length} bytes)`, adaptivePng]]) {
  for (const collect of [false, true]) {
    const times = await race(decodeJobs(png), 41, collect);
    const how = collect ? 'a collection before each run, first-touch costs left out' : 'first-touch costs included as they fall';
    tables.push({ title: `decode of ${what} (medians of 41, ${how}) | ms | × sharp raw() | page faults a run`, times, faults: lastFaults });
  }
}
const reference = await race({
  'conv2d-wasm decodePng': () => decodePng(photoPng),
  'pngjs PNG.sync.read': () => pngjs.PNG.sync.read(photoPng),
}, 21);
for (const { title, times, faults: counts } of tables) {
  console.log(`\n${title}`);
  for (const [k, v] of Object.entries(times)) console.log(`${k} | ${v.toFixed(1)} | ${(v / times['sharp raw()']).toFixed(2)} | ${counts[k]}`);
}
console.log('\ndecode, the old Node codec (medians of 21) | ms | × decodePng');
for (const [k, v] of Object.entries(reference)) console.log(`${k} | ${v.toFixed(1)} | ${(v / reference['conv2d-wasm decodePng']).toFixed(2)}`);

/** The 5×5 sharpening kernel of bench/batch.mjs: a smooth result, where the edge map is noisy. */
const SHARPEN = [[-1, -1, -1, -1, -1], [-1, 2, 2, 2, -1], [-1, 2, 8, 2, -1], [-1, 2, 2, 2, -1], [-1, -1, -1, -1, -1]].map((r) => r.map((v) => v / 8));
const results = {
  'edge map': gray,
  'sharpened (bench:batch)': convolveToUint8(decodePng(photoPng), SHARPEN, { grayscale: true, padding: 'same', border: 'reflect' }),
};
const STRATEGIES = { rle: constants.Z_RLE, default: constants.Z_DEFAULT_STRATEGY, filtered: constants.Z_FILTERED };

for (const [what, image] of Object.entries(results)) {
  const sizes = {};
  const jobs = {
    'sharp png() default': async () => { sizes['sharp png() default'] = (await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } }).png().toBuffer()).length; },
  };
  // encodePng at level 0 is the filter pass plus a memcpy; the same filtered rows deflated with
  // each zlib strategy show what the strategy costs and saves (node:zlib is what encodePng uses).
  for (const filter of PNG_FILTERS) {
    const stored = encodePng(image, { filter, compressionLevel: 0 });
    const rows = inflateSync(stored.subarray(41, stored.length - 16));
    for (const [strategyName, strategy] of Object.entries(STRATEGIES)) {
      for (const level of strategyName === 'rle' ? [6] : [1, 3, 6]) {
        const name = `${filter}, ${strategyName} level ${level}`;
        jobs[name] = () => {
          encodePng(image, { filter, compressionLevel: 0 });
          sizes[name] = deflateSync(rows, { level, strategy }).length + 57;
        };
      }
    }
  }
  jobs['encodePng defaults'] = () => { sizes['encodePng defaults'] = encodePng(image).length; };
  const times = await race(jobs);
  const s = 'sharp png() default';
  console.log(`\nencode 8-bit gray, ${what} | ms | bytes | × sharp time | × sharp bytes`);
  for (const [k, v] of Object.entries(times)) {
    console.log(`${k} | ${v.toFixed(1)} | ${sizes[k]} | ${(v / times[s]).toFixed(2)} | ${(sizes[k] / sizes[s]).toFixed(3)}`);
  }
}
