// Shared test helpers: a seeded PRNG, random inputs (never zeros), float32-aware comparison.
import * as assert from 'uvu/assert';
import { crc32, referenceConvolve2d } from '../dist/internal.js';

/** mulberry32: small, fast, seeded. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
  next.pick = (list) => list[Math.floor(next() * list.length)];
  next.chance = (p) => next() < p;
  return next;
}

export const PIXEL_TYPES = [Uint8Array, Uint8ClampedArray, Uint16Array, Float32Array];

/** A random image; float images get negative and fractional values too. */
export function randomImage(r, width, height, channels, Type = Float32Array) {
  const data = new Type(width * height * channels);
  const max = Type === Uint16Array ? 65535 : 255;
  for (let i = 0; i < data.length; i++) {
    data[i] = Type === Float32Array ? (r() - 0.3) * 200 : r.int(0, max);
  }
  return { width, height, channels, data };
}

export function randomKernel(r, kh, kw) {
  return Array.from({ length: kh }, () => Array.from({ length: kw }, () => Math.round((r() * 4 - 2) * 1000) / 1000 || 0.5));
}

function absImage(img) {
  return { ...img, data: Float32Array.from(img.data, Math.abs) };
}

/**
 * Asserts `got` equals the reference result within float32 accumulation error: per output,
 * |got − ref| ≤ 1e-5 · Σ|K'|·|P| + 1e-6 (the bound is the same convolution on absolute values).
 */
export function assertMatchesReference(got, image, kernel, options = {}, label = '') {
  const want = referenceConvolve2d(image, kernel, options);
  assert.is(got.width, want.width, `${label} width`);
  assert.is(got.height, want.height, `${label} height`);
  assert.is(got.channels, want.channels, `${label} channels`);
  assert.instance(got.data, Float32Array, `${label} data type`);
  const absKernel = kernel.map((row) => row.map(Math.abs));
  const bound = referenceConvolve2d(absImage(image), absKernel, { ...options, cval: Math.abs(options.cval ?? 0) });
  for (let i = 0; i < want.data.length; i++) {
    const err = Math.abs(got.data[i] - want.data[i]);
    if (!(err <= 1e-5 * bound.data[i] + 1e-6)) {
      const c = i % want.channels, px = (i - c) / want.channels;
      assert.unreachable(`${label} output (${px % want.width}, ${Math.floor(px / want.width)}) channel ${c}: got ${got.data[i]}, reference ${want.data[i]} (options ${JSON.stringify(options)})`);
    }
  }
}

/** Asserts `fn` throws an instance of `Class` whose message matches `pattern`. */
export function assertThrows(fn, Class, pattern, label = String(pattern)) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `${label}: expected a throw`);
  assert.ok(error instanceof Class, `${label}: expected ${Class.name}, got ${error?.constructor?.name}: ${error?.message}`);
  assert.match(error.message, pattern, label);
  return error;
}

/** Like assertThrows for a function returning a promise. */
export async function assertRejects(fn, Class, pattern, label = String(pattern)) {
  let error;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `${label}: expected a rejection`);
  assert.ok(error instanceof Class, `${label}: expected ${Class.name}, got ${error?.constructor?.name}: ${error?.message}`);
  assert.match(error.message, pattern, label);
  return error;
}

/**
 * The contract's formula evaluated the way the WASM direct path evaluates it: float32 values,
 * float32 kernel and cval, each tap a float32 multiply then a float32 add, taps in row-major
 * order from 0. The direct path must match it bit for bit, wherever SIMD blocks start and end.
 */
export function float32Convolve(image, kernel, options = {}) {
  const ref = referenceConvolve2d(image, kernel, options); // sizes and argument checks
  const kh = kernel.length, kw = kernel[0].length;
  const corr = options.mode === 'correlation';
  const K = Float32Array.from(kernel.flat());
  const taps = Float32Array.from(K, (_, i) => K[corr ? i : K.length - 1 - i]);
  const fr = Math.fround;
  const cval = fr(options.cval ?? 0);
  const { width: W, height: H, channels: C, data } = image;
  const [sy, sx] = pair(options.stride), [dy, dx] = pair(options.dilation);
  const { top, left } = sides(options.padding, dy * (kh - 1), dx * (kw - 1));
  const out = new Float32Array(ref.data.length);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < ref.height; i++) {
      for (let j = 0; j < ref.width; j++) {
        let s = 0;
        for (let m = 0; m < kh; m++) {
          for (let n = 0; n < kw; n++) {
            const y = borderIndexFor(i * sy + m * dy - top, H, options.border);
            const x = borderIndexFor(j * sx + n * dx - left, W, options.border);
            const v = y < 0 || x < 0 ? cval : fr(data[(y * W + x) * C + c]);
            s = fr(s + fr(taps[m * kw + n] * v));
          }
        }
        out[(i * ref.width + j) * C + c] = s;
      }
    }
  }
  return { ...ref, data: out };
}

const pair = (v) => (v === undefined ? [1, 1] : Array.isArray(v) ? v : [v, v]);

function sides(p, spanH, spanW) {
  if (p === undefined || p === 'valid') return { top: 0, left: 0 };
  if (p === 'full') return { top: spanH, left: spanW };
  if (p === 'same') return { top: Math.floor(spanH / 2), left: Math.floor(spanW / 2) };
  if (typeof p === 'number') return { top: p, left: p };
  if (Array.isArray(p)) return { top: p[0], left: p[1] };
  return { top: p.top ?? 0, left: p.left ?? 0 };
}

/** numpy.pad's index for padded position p on a side of n pixels (-1: the constant), written independently of src/core/convolve/border.ts. */
export function borderIndexFor(p, n, border = 'constant') {
  if (p >= 0 && p < n) return p;
  const mod = (a, m) => ((a % m) + m) % m;
  switch (border) {
    case 'constant': return -1;
    case 'edge': return p < 0 ? 0 : n - 1;
    case 'wrap': return mod(p, n);
    case 'symmetric': { const q = mod(p, 2 * n); return q < n ? q : 2 * n - 1 - q; }
    default: { if (n === 1) return 0; const q = mod(p, 2 * n - 2); return q < n ? q : 2 * n - 2 - q; }
  }
}

/** One PNG chunk (length, type, data, CRC), for building files by hand that reach past the CRC checks. */
export function pngChunk(type, data = []) {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}
