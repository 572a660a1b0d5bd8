// The 8-bit pipeline (npm run bench:pipeline): convolveToUint8 (fused, band by band in WASM)
// beside the composition it replaces, toUint8(convolve2d(toGrayscale(image))), on a 1280×1000
// photo as 1, 3 and 4 channels of 8 bits; and toUint8 / toGrayscale alone. Median of 31 runs, in
// turn, in one process, with the page faults of a run: both sides return fresh arrays, and on our
// VM a fresh page costs ~13 µs, so whether the allocator hands back memory a collection has just
// freed decides more than the arithmetic does (the fused call allocates one byte a pixel, the
// composition 1 + 4 + 1). Many runs average over the collections.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { convolve2d, convolveToUint8, decodePng, kernels, toGrayscale, toUint8 } from '../dist/node/index.js';

const RUNS = 31;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The sample photo mirrored out to 1280×1000 RGBA. */
function photo() {
  const src = decodePng(readFileSync(new URL('../assets/astronaut.png', import.meta.url)));
  const W = 1280, H = 1000;
  const data = new Uint8Array(W * H * 4);
  const fold = (v, n) => { const p = v % (2 * n); return p < n ? p : 2 * n - 1 - p; };
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const s = (fold(y, src.height) * src.width + fold(x, src.width)) * 4;
      data.set(src.data.subarray(s, s + 4), (y * W + x) * 4);
    }
  }
  return { width: W, height: H, channels: 4, data };
}

function withChannels(rgba, channels) {
  const n = rgba.width * rgba.height;
  const data = new Uint8Array(n * channels);
  if (channels === 1) return toGrayscale(rgba);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = rgba.data[i * 4 + c];
  return { ...rgba, channels, data };
}

const pageFaults = () => process.resourceUsage().minorPageFault;

/** Median ms and median page faults of each job, run in turn. */
async function race(jobs) {
  const times = Object.fromEntries(Object.keys(jobs).map((k) => [k, []]));
  const faults = Object.fromEntries(Object.keys(jobs).map((k) => [k, []]));
  for (const f of Object.values(jobs)) f();
  for (let r = 0; r < RUNS; r++) {
    for (const [name, f] of Object.entries(jobs)) {
      const f0 = pageFaults();
      const t = performance.now();
      f();
      times[name].push(performance.now() - t);
      faults[name].push(pageFaults() - f0);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]).concat(Object.entries(faults).map(([k, v]) => [`${k} faults`, median(v)])));
}

console.log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
const rgba = photo();
const options = { padding: 'same' };
console.log('\nchannels | kernel | convolveToUint8 ms | composition ms | composition / fused | page faults a run, fused / composed');
for (const channels of [1, 3, 4]) {
  const image = withChannels(rgba, channels);
  for (const [name, kernel] of [['edge 3×3', kernels.edge], ['box 5×5', Array.from({ length: 5 }, () => Array(5).fill(1 / 25))]]) {
    const t = await race({
      fused: () => convolveToUint8(image, kernel, { ...options, grayscale: true, map: 'abs' }),
      composed: () => toUint8(convolve2d(toGrayscale(image), kernel, options), { map: 'abs' }),
    });
    console.log(`${channels} | ${name} | ${t.fused.toFixed(1)} | ${t.composed.toFixed(1)} | ${(t.composed / t.fused).toFixed(2)} | ${t['fused faults']} / ${t['composed faults']}`);
  }
}
const float = convolve2d(toGrayscale(rgba), kernels.edge, options);
const wide = { ...rgba, data: Uint16Array.from(rgba.data, (v) => v * 257) };
const t = await race({
  'toUint8 clamp': () => toUint8(float),
  'toUint8 abs': () => toUint8(float, { map: 'abs' }),
  'toUint8 normalize': () => toUint8(float, { map: 'normalize' }),
  'toGrayscale 8-bit RGBA': () => toGrayscale(rgba),
  'toGrayscale 16-bit RGBA': () => toGrayscale(wide),
});
console.log('\nstep (1.28 MP) | ms');
for (const [k, v] of Object.entries(t)) if (!k.endsWith(' faults')) console.log(`${k} | ${v.toFixed(1)}`);
