/**
 * Argument checking for every public function. Everything is checked here, before any memory is
 * touched, and nothing the caller passed is modified: normalisers return fresh plain values.
 * TypeError = wrong kind of value; RangeError = right kind, bad value (NaN and Infinity included).
 */
import { rangeError, typeError } from './errors.js';
import type { Image, PixelData } from './types.js';
import { fresh } from './wasm/instance.js';
import { addressOf } from './wasm/linear.js';

/** Largest side we accept for an image or a kernel; keeps index maths inside int32. */
export const MAX_SIDE = 1 << 20;

/** An object literal (or Object.create(null)): not an array, a typed array, a Map, a Date... */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A number that survives conversion to float32 (|v| ≤ 3.4e38): kernel taps and cval become float32. */
export function float32Number(value: unknown, name: string): number {
  const v = finiteNumber(value, name);
  if (!Number.isFinite(Math.fround(v))) throw rangeError(name, 'a number within float32 range (|v| < 3.4e38)', value);
  return v;
}

/** A finite number, else TypeError (not a number) or RangeError (NaN, ±Infinity). */
export function finiteNumber(value: unknown, name: string): number {
  if (typeof value !== 'number') throw typeError(name, 'a finite number', value);
  if (!Number.isFinite(value)) throw rangeError(name, 'a finite number', value);
  return value;
}

/** An integer within [min, max], else TypeError / RangeError naming `name`. */
export function integer(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const expected = max === Number.MAX_SAFE_INTEGER
    ? (min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer >= ${min}`)
    : `an integer from ${min} to ${max}`;
  if (typeof value !== 'number') throw typeError(name, expected, value);
  if (!Number.isInteger(value) || value < min || value > max) throw rangeError(name, expected, value);
  return value;
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  const expected = `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
  if (typeof value !== 'string') throw typeError(name, expected, value);
  if (!(allowed as readonly string[]).includes(value)) throw rangeError(name, expected, value);
  return value as T;
}

/** One of a fixed set of numbers (an aperture size...). */
export function oneOfNumbers<T extends number>(value: unknown, name: string, allowed: readonly T[]): T {
  const expected = allowed.join(', ').replace(/, (\S+)$/, ' or $1');
  if (typeof value !== 'number') throw typeError(name, expected, value);
  if (!(allowed as readonly number[]).includes(value)) throw rangeError(name, expected, value);
  return value as T;
}

/** An options argument: undefined or a plain object whose keys are all known. */
export function optionsObject(value: unknown, name: string, known: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw typeError(name, 'an object', value);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw typeError(`${name}.${key}`, `no such option (known: ${known.join(', ')})`, value[key]);
    }
  }
  return value;
}

const PIXEL_TYPES = 'a Uint8Array, Uint8ClampedArray, Uint16Array or Float32Array';

function isPixelData(value: unknown): value is PixelData {
  return value instanceof Uint8Array || value instanceof Uint8ClampedArray ||
    value instanceof Uint16Array || value instanceof Float32Array;
}

/** A channel count: 1, 2, 3 or 4. */
export function channelCount(value: unknown, name: string): 1 | 2 | 3 | 4 {
  if (typeof value !== 'number') throw typeError(name, '1, 2, 3 or 4', value);
  if (value !== 1 && value !== 2 && value !== 3 && value !== 4) throw rangeError(name, '1, 2, 3 or 4', value);
  return value;
}

/** Checks an `Image` and returns it unchanged. */
export function checkImage(value: unknown, name = 'image'): Image {
  if (!isPlainObject(value)) throw typeError(name, 'an Image object { width, height, channels, data }', value);
  const width = integer(value.width, `${name}.width`, 1, MAX_SIDE);
  const height = integer(value.height, `${name}.height`, 1, MAX_SIDE);
  const channels = channelCount(value.channels, `${name}.channels`);
  if (!isPixelData(value.data)) throw typeError(`${name}.data`, PIXEL_TYPES, value.data);
  // A view the library handed out (an allocImage image's data) and growth has since detached:
  // the same pixels, viewed on the current memory.
  const data = fresh(value.data);
  const expected = width * height * channels;
  if (data.length !== expected) {
    throw rangeError(`${name}.data`, `length ${expected} (width × height × channels = ${width} × ${height} × ${channels})`, data);
  }
  addressOf(data, `${name}.data`); // an allocImage image's pixels: checked, and pinned (instance.ts `fresh`)
  return (data === value.data ? value : { ...value, data }) as unknown as Image;
}

/** A kernel as plain numbers, row-major, after checking every entry. */
export interface KernelMatrix {
  width: number;
  height: number;
  data: Float64Array;
}

/** A kernel row: an array, or a typed array (rows of a Float32Array matrix are common). */
function isRow(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** Kernels larger than this are refused before anything is allocated (see limits.ts). */
const MAX_KERNEL_SIDE = 4096;
const MAX_KERNEL_TAPS = 1 << 20;

function checkKernelSize(width: number, height: number, name: string): void {
  if (width > MAX_KERNEL_SIDE || height > MAX_KERNEL_SIDE || width * height > MAX_KERNEL_TAPS) {
    throw new RangeError(`Expected a kernel of at most ${MAX_KERNEL_SIDE} a side and ${MAX_KERNEL_TAPS} taps ` +
      `(the kernel size limit) for ${name} but received a ${height}×${width} kernel`);
  }
}

/** Checks either kernel form and copies it into a `KernelMatrix`. */
export function checkKernel(value: unknown, name = 'kernel'): KernelMatrix {
  if (Array.isArray(value)) {
    const height = value.length;
    if (height === 0) throw rangeError(name, 'a non-empty array of rows', value);
    if (height > MAX_SIDE) throw rangeError(name, `at most ${MAX_SIDE} rows`, value);
    const first: unknown = value[0];
    if (!isRow(first)) throw typeError(`${name}[0]`, 'an array of numbers', first);
    const width = first.length;
    if (width === 0) throw rangeError(`${name}[0]`, 'a non-empty array of numbers', first);
    if (width > MAX_SIDE) throw rangeError(`${name}[0]`, `at most ${MAX_SIDE} numbers`, first);
    checkKernelSize(width, height, name);
    const data = new Float64Array(width * height);
    for (let y = 0; y < height; y++) {
      const row: unknown = value[y];
      if (!isRow(row)) throw typeError(`${name}[${y}]`, 'an array of numbers', row);
      if (row.length !== width) throw rangeError(`${name}[${y}]`, `a row of length ${width} like ${name}[0]`, row);
      for (let x = 0; x < width; x++) data[y * width + x] = float32Number(row[x], `${name}[${y}][${x}]`);
    }
    return { width, height, data };
  }
  if (isPlainObject(value)) {
    const width = integer(value.width, `${name}.width`, 1, MAX_SIDE);
    const height = integer(value.height, `${name}.height`, 1, MAX_SIDE);
    const src = value.data as ArrayLike<unknown> | undefined;
    if (src === null || (typeof src !== 'object' && typeof src !== 'string') || typeof src.length !== 'number' || typeof src === 'string') {
      throw typeError(`${name}.data`, 'an array or typed array of numbers', src);
    }
    checkKernelSize(width, height, name);
    if (src.length !== width * height) {
      throw rangeError(`${name}.data`, `length ${width * height} (width × height)`, src);
    }
    const data = new Float64Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = float32Number(src[i], `${name}.data[${i}]`);
    return { width, height, data };
  }
  throw typeError(name, 'an array of rows or { width, height, data }', value);
}
