/**
 * The WebAssembly boundary: the only module that loads the kernels or touches linear memory.
 *
 * Loading: the .wasm is embedded as base64 (see scripts/embed-wasm.mjs for why), instantiated
 * with @assemblyscript/loader behind a memoised `init()`; in Node (and workers) a synchronous
 * instantiate on first use means `init()` is optional there.
 *
 * Memory: every call lays out its buffers from `heapBase()` upwards (see the memory map in
 * assembly/index.ts), grows memory once if it is too small, and keeps no state between calls,
 * so a throw at any point leaks nothing and memory only grows to the largest job seen.
 */
import { instantiate, instantiateSync } from '@assemblyscript/loader';
import { KERNELS_WASM_BASE64 } from './kernels-wasm.generated.js';
import type { ConvolvePlan } from './options.js';
import type { Image } from './types.js';
import { borderMap } from './border.js';
import { orientedKernel } from './options.js';
import type { KernelMatrix } from './validate.js';

type Ptr = number;
type PadFn = (src: Ptr, srcW: number, channels: number, channel: number, rowMap: Ptr, padH: number,
  colMap: Ptr, padW: number, cval: number, plane: Ptr) => void;

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): Ptr;
  padPlaneU8: PadFn;
  padPlaneU16: PadFn;
  padPlaneF32: PadFn;
  convolvePlane(plane: Ptr, padW: number, kernel: Ptr, kH: number, kW: number, dy: number, dx: number,
    sy: number, sx: number, outH: number, outW: number, dst: Ptr, channels: number, channel: number): void;
}

const PAGE = 65536;
/** wasm32 addresses are 32-bit: 65536 pages of 64 KiB. */
const MAX_MEMORY = 65536 * PAGE;

let kernels: KernelExports | undefined;
let loading: Promise<void> | undefined;

function wasmBytes(): Uint8Array {
  // atob exists in Node ≥ 16, browsers and workers, so core needs no Buffer.
  const text = atob(KERNELS_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Loads the WebAssembly kernels. Idempotent: later calls return the same promise. Required once
 * before the synchronous functions in browsers' main threads; optional in Node.
 * @example
 * await init();
 * const out = convolve2d(image, kernels.sobelX);
 */
export function init(): Promise<void> {
  if (kernels) return Promise.resolve();
  loading ??= instantiate(wasmBytes()).then(
    (result) => { kernels ??= result.exports as unknown as KernelExports; },
    (error: unknown) => {
      loading = undefined; // let a later init() try again
      throw new Error('conv2d-wasm: could not load the WebAssembly kernels', { cause: error });
    },
  );
  return loading;
}

function getKernels(): KernelExports {
  if (kernels) return kernels;
  try {
    kernels = instantiateSync(wasmBytes()).exports as unknown as KernelExports;
  } catch (error) {
    // Browsers refuse synchronous compilation of larger modules on the main thread.
    throw new Error('conv2d-wasm: the WebAssembly kernels are not loaded; call `await init()` first', { cause: error });
  }
  return kernels;
}

/** Current size of linear memory in bytes (for tests that check nothing leaks). */
export function wasmMemoryBytes(): number {
  return getKernels().memory.buffer.byteLength;
}

/** Hands out aligned addresses upwards from a base; the layout of one call. */
class Layout {
  constructor(public end: number) {}
  take(bytes: number): Ptr {
    const ptr = Math.ceil(this.end / 16) * 16; // 16-byte alignment suits f32 and v128 loads
    this.end = ptr + bytes;
    return ptr;
  }
}

/** Makes linear memory at least `end` bytes, growing it once. */
function reserve(k: KernelExports, end: number, what: string): void {
  if (end > MAX_MEMORY) {
    throw new RangeError(`${what} needs ${end} bytes of WebAssembly memory, more than the 4 GiB a wasm32 module can address`);
  }
  const have = k.memory.buffer.byteLength;
  if (end <= have) return;
  try {
    k.memory.grow(Math.ceil((end - have) / PAGE));
  } catch (cause) {
    throw new RangeError(`${what} needs ${end} bytes of WebAssembly memory and the engine refused to grow it`, { cause });
  }
}

function padFunction(k: KernelExports, data: Image['data']): PadFn {
  if (data instanceof Float32Array) return k.padPlaneF32;
  if (data instanceof Uint16Array) return k.padPlaneU16;
  return k.padPlaneU8;
}

/**
 * Runs a planned convolution of a checked image and kernel in WebAssembly.
 * Returns a fresh Float32Array (interleaved like the input) that the caller owns.
 */
export function convolveWasm(image: Image, kernel: KernelMatrix, plan: ConvolvePlan): Float32Array {
  const k = getKernels();
  const { width: W, height: H, channels: C, data } = image;
  const padH = H + plan.top + plan.bottom, padW = W + plan.left + plan.right;
  const { outH, outW } = plan;

  const layout = new Layout(k.heapBase());
  const srcPtr = layout.take(data.byteLength);
  const rowMapPtr = layout.take(padH * 4);
  const colMapPtr = layout.take(padW * 4);
  const kernelPtr = layout.take(kernel.data.length * 4);
  const planePtr = layout.take(padH * padW * 4);
  const dstPtr = layout.take(outH * outW * C * 4);
  reserve(k, layout.end, `A ${W}×${H}×${C} image padded to ${padW}×${padH}`);

  // Views are made after growing: growth detaches the old ArrayBuffer.
  const buffer = k.memory.buffer;
  new Uint8Array(buffer, srcPtr, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  new Int32Array(buffer, rowMapPtr, padH).set(borderMap(H, plan.top, plan.bottom, plan.border));
  new Int32Array(buffer, colMapPtr, padW).set(borderMap(W, plan.left, plan.right, plan.border));
  new Float32Array(buffer, kernelPtr, kernel.data.length).set(orientedKernel(kernel.data, plan.correlation));

  const pad = padFunction(k, data);
  for (let c = 0; c < C; c++) {
    pad(srcPtr, W, C, c, rowMapPtr, padH, colMapPtr, padW, plan.cval, planePtr);
    k.convolvePlane(planePtr, padW, kernelPtr, kernel.height, kernel.width, plan.dy, plan.dx, plan.sy, plan.sx,
      outH, outW, dstPtr, C, c);
  }
  return new Float32Array(buffer, dstPtr, outH * outW * C).slice();
}
