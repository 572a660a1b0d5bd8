/**
 * The library's words, written once: the option values every entry point accepts (core, batch,
 * CLI and docs read them from here) and the PNG constants both PNG paths use.
 */
import type { BorderMode, Uint8Map } from './types.js';

/** Border modes, named as `numpy.pad` names them. */
export const BORDERS: readonly BorderMode[] = ['constant', 'edge', 'reflect', 'symmetric', 'wrap'];
/** `options.mode`: convolution rotates the kernel 180°, correlation does not. */
export const MODES = ['convolution', 'correlation'] as const;
/** `options.method`: how a convolution is computed. */
export const METHODS = ['auto', 'direct', 'separable', 'fft'] as const;
export type Method = (typeof METHODS)[number];
/** How float results become bytes (`toUint8`'s `map`). */
export const MAPS: readonly Uint8Map[] = ['clamp', 'abs', 'normalize'];

/** The eight bytes every PNG file starts with (PNG spec §5.2). */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** PNG colour type for an image of 1–4 channels: gray, gray + alpha, RGB, RGBA. */
export const PNG_COLOR_TYPES = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

/** PNG row filters (PNG spec §9.2), by filter-type byte: `encodePng`'s `filter` option. */
export const PNG_FILTERS = ['none', 'sub', 'up', 'average', 'paeth'] as const;
export type PngFilter = (typeof PNG_FILTERS)[number];

/** Whether `bytes` starts with the PNG signature. */
export function hasPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}
