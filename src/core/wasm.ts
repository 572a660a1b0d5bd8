/**
 * The WebAssembly boundary. Everything that loads the kernels or touches linear memory is here
 * or in ./wasm/: instance.ts (loading, growth, layout), band.ts (padded rows, a band at a time),
 * direct.ts (the direct and separable paths) and fft.ts (the FFT path). This file picks a path.
 *
 * Memory stays bounded for any image: all paths work a band (or a strip of tiles) of output rows
 * at a time, copying each band's result into the caller's array.
 */
import type { ConvolvePlan } from './options.js';
import type { Factors } from './separable.js';
import type { Image } from './types.js';
import type { KernelMatrix } from './validate.js';
import { convolveDirect } from './wasm/direct.js';
import { convolveFft, fftWork, tileSize } from './wasm/fft.js';
import type { Target } from './wasm/instance.js';

export type { Target } from './wasm/instance.js';

export { init, wasmMemoryBytes } from './wasm/instance.js';

/** The paths `method: "auto"` chooses between. */
export type Path = 'direct' | 'separable' | 'fft';

/**
 * Nanoseconds per unit of work on each path, from bench/core.mjs (one core, Node 20, x86-64):
 * (calibrated 2026-11-25 on 1024² float32 with kernels 5..45; crossover near 13×13)
 * direct: per tap and output (SIMD along rows when sx = 1, scalar otherwise); FFT: per
 * T²·log2(T) of each complex tile transform. Only their ratios matter.
 */
const COST = { tap: 0.072, tapScalar: 0.6, fft: 1.1, pixel: 1.5 };

/** Estimated time of each path, in ns. */
export function pathCosts(image: Image, kernel: KernelMatrix, plan: ConvolvePlan, separable: boolean): Record<Path, number> {
  const { outH, outW, sx, sy, dy, dx } = plan;
  const C = image.channels;
  const padH = image.height + plan.top + plan.bottom, padW = image.width + plan.left + plan.right;
  const perTap = sx === 1 ? COST.tap : COST.tapScalar;
  const outputs = outH * outW * C;
  const copies = (outputs + padW * Math.min(padH, outH * sy + dy * kernel.height) * C) * COST.pixel;
  const direct = outputs * kernel.data.length * perTap + copies;
  const sep = separable
    ? outH * padW * C * kernel.height * COST.tap + outputs * kernel.width * perTap + copies + outH * padW * C * COST.pixel
    : Infinity;
  const sH = dy * (kernel.height - 1) + 1, sW = dx * (kernel.width - 1) + 1;
  const T = tileSize(sH, sW, sy, sx, outH, outW, C);
  const fft = T > 1024 ? Infinity : fftWork(T, sH, sW, sy, sx, outH, outW, C) * COST.fft + copies;
  return { direct, separable: sep, fft };
}

/** The path for a call: the one asked for, or the cheapest that applies. */
export function choosePath(image: Image, kernel: KernelMatrix, plan: ConvolvePlan, factors: Factors | undefined): Path {
  if (plan.method !== 'auto') return plan.method;
  // One-row or one-column kernels are already 1-D; tiny kernels are never worth a transform.
  if (kernel.data.length < 25 && !(factors && kernel.width > 1 && kernel.height > 1 && kernel.data.length >= 9)) return 'direct';
  const costs = pathCosts(image, kernel, plan, factors !== undefined && kernel.width > 1 && kernel.height > 1);
  let best: Path = 'direct';
  for (const path of ['separable', 'fft'] as const) if (costs[path] < costs[best]) best = path;
  return best;
}

/**
 * Runs a planned convolution of a checked image and kernel in WebAssembly on the chosen path.
 * Writes into `target` (outH·outW·channels values).
 */
export function convolveWasm(image: Image, kernel: KernelMatrix, plan: ConvolvePlan, target: Target, factors?: Factors): Path {
  const path = choosePath(image, kernel, plan, factors);
  if (path === 'fft') convolveFft(image, kernel, plan, target);
  else convolveDirect(image, kernel, plan, target, path === 'separable' ? factors : undefined);
  return path;
}
