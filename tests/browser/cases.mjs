// Fixed inputs for the browser tests, shared by Node (which computes the expected results) and the
// pages (which compute the same in Chromium). `makeImage` is self-contained on purpose: the tests
// send its source text into the page, so both sides build the very same pixels.

/** A seeded image: mulberry32 values, scaled to the array type (float ones signed, fractional). */
export function makeImage({ seed, width, height, channels, type }) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const Type = { Uint8Array, Uint8ClampedArray, Uint16Array, Float32Array }[type];
  const data = new Type(width * height * channels);
  const max = type === 'Uint16Array' ? 65535 : 255;
  for (let i = 0; i < data.length; i++) data[i] = type === 'Float32Array' ? (next() - 0.3) * 200 : Math.floor(next() * (max + 1));
  return { width, height, channels, data };
}

/** Kernels by name: a named kernel (`sobelX`, `gaussian:1.2`) or explicit rows / { width, height, data }. */
export const SYNC_CASES = [
  { image: { seed: 1, width: 37, height: 23, channels: 1, type: 'Float32Array' }, kernel: 'sobelX', options: { padding: 'same', border: 'reflect' } },
  { image: { seed: 2, width: 64, height: 48, channels: 3, type: 'Uint8Array' }, kernel: 'gaussian:1.2', options: { padding: [2, 3], stride: [2, 1], border: 'wrap', mode: 'correlation' } },
  { image: { seed: 3, width: 31, height: 29, channels: 4, type: 'Uint16Array' }, kernel: { width: 3, height: 4, data: [1, -2, 3, 0.5, 2, 1, 0, -1, 4, 0.25, 3, -3] }, options: { padding: 'full', dilation: 2, border: 'constant', cval: 7.5 } },
  { image: { seed: 4, width: 50, height: 40, channels: 2, type: 'Uint8ClampedArray' }, kernel: 'edge', options: { padding: 'valid', border: 'symmetric' } },
  { image: { seed: 5, width: 19, height: 61, channels: 1, type: 'Uint8Array' }, kernel: [[1, 2, 1, 0, -1]], options: { padding: { top: 3, bottom: 0, left: 9, right: 1 }, stride: 3, border: 'edge', method: 'direct' } },
];

/** Big enough to be split over workers (outputs × taps ≥ 2^22). */
export const ASYNC_CASES = [
  { threads: 2, image: { seed: 11, width: 300, height: 200, channels: 1, type: 'Float32Array' }, kernel: 'gaussian:1', options: { padding: 'same', border: 'reflect' } },
  { threads: 3, image: { seed: 12, width: 500, height: 420, channels: 3, type: 'Uint8Array' }, kernel: [[1, -2, 3, 0.5, 2], [2, 1, 0, -1, 4], [0.25, 3, -3, 1, 1]], options: { padding: [4, 2], stride: [2, 1], border: 'wrap' } },
  { threads: 4, image: { seed: 13, width: 600, height: 450, channels: 2, type: 'Uint16Array' }, kernel: 'sharpen', options: { padding: 'full', dilation: [3, 1], border: 'constant', cval: 7.5, mode: 'correlation' } },
];

/** Resolves a case's kernel against a `kernels` object (the library's). */
export function kernelOf(spec, kernels) {
  if (typeof spec !== 'string') return spec;
  const [name, arg] = spec.split(':');
  return arg === undefined ? kernels[name] : kernels[name](Number(arg));
}
