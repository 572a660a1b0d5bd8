/**
 * Child process of bench/peers.mjs: peak resident memory of one convolve2d call, alone in a fresh
 * process. Prints one JSON line.
 *
 * Usage: node bench/lib/peak-rss.mjs SIDE KERNEL [METHOD]
 *   SIDE    image side (a seeded random SIDE² float32 grayscale image)
 *   KERNEL  an odd side for a random non-separable kernel, 'g15' for the 15×15 Gaussian (σ 2.5),
 *           or 'none' to measure the process without calling convolve2d (the baseline)
 *   METHOD  convolve2d's `method` (default 'auto')
 * maxRSS comes from process.resourceUsage() (KiB, the kernel's peak for this process).
 */
import { convolve2d, init, kernels } from '../../dist/node/index.js';
import { random } from './random.mjs';

const [side, kernelArg, method = 'auto'] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
await init();
const kib = () => process.resourceUsage().maxRSS;
const atStart = kib();

const next = random(side);
const data = new Float32Array(side * side);
for (let i = 0; i < data.length; i++) data[i] = 0.05 + 0.95 * next();
const image = { width: side, height: side, channels: 1, data };
const afterImage = kib();

let path = 'none', checksum = 0;
if (kernelArg !== 'none') {
  const n = Number(kernelArg), w = random(1000 + n);
  const k = kernelArg === 'g15' ? kernels.gaussian(2.5, 15) : Array.from({ length: n }, () => Array.from({ length: n }, () => 2 * w() - 1));
  const out = convolve2d(image, k, { padding: 'same', method });
  checksum = out.data[out.data.length >> 1];
  path = method;
}
console.log(JSON.stringify({ side, kernel: kernelArg, method: path, atStartKiB: atStart, afterImageKiB: afterImage,
  peakKiB: kib(), checksum }));
