// Shared test helpers: a seeded PRNG, random inputs (never zeros), float32-aware comparison.
import * as assert from 'uvu/assert';
import { referenceConvolve2d } from '../dist/core/reference.js';

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
