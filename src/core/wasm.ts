/**
 * The WebAssembly boundary: the only module that loads the kernels or touches linear memory.
 *
 * Loading: the .wasm is embedded as base64 (see scripts/embed-wasm.mjs for why), instantiated
 * with @assemblyscript/loader behind a memoised `init()`; in Node (and workers) a synchronous
 * instantiate on first use means `init()` is optional there.
 *
 * Memory: an image is processed in horizontal bands of output rows. For each band, the padded
 * input rows it needs (its rows plus the kernel's reach, the "halo") are built in a float32
 * plane, convolved, and the band's output is copied into the caller's result. So linear memory
 * holds a few MB whatever the image size (a 20000² image works in a wasm32 module), bands stay
 * cache-sized, and every output still sees exactly the pixels the formula names: banding changes
 * no bits. Each call lays out its buffers from `heapBase()` upwards and keeps no state, so a throw
 * at any point leaks nothing; memory only grows to the largest band seen.
 */
import { instantiate, instantiateSync } from '@assemblyscript/loader';
import { KERNELS_WASM_BASE64 } from './kernels-wasm.generated.js';
import { borderMap } from './border.js';
import { orientedKernel, type ConvolvePlan } from './options.js';
import type { Image } from './types.js';
import type { Factors } from './separable.js';
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
/**
 * Aim for padded bands of about this many bytes: big enough that the halo re-read stays small,
 * small enough to sit in a core's L2 cache.
 */
const BAND_BYTES = 1 << 20;

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

/** Output rows per band, so that a band's padded input is about BAND_BYTES. */
export function bandRows(plan: ConvolvePlan, padW: number, channels: number, kH: number): number {
  const spanH = plan.dy * (kH - 1);
  const rowBytes = padW * 4 * Math.max(1, channels / 2);
  const rows = Math.floor((BAND_BYTES / rowBytes - spanH) / plan.sy);
  return Math.max(8, Math.min(plan.outH, rows));
}

/**
 * Below this many taps a rank-1 kernel still goes the direct way: the second pass's extra trip
 * through memory costs more than the taps it saves (measured with bench/core.mjs).
 */
const SEPARABLE_MIN_TAPS = 9;

/**
 * Runs a planned convolution of a checked image and kernel in WebAssembly, in two 1-D passes
 * when `factors` are given and it pays. Writes into `out` (length outH·outW·channels).
 */
export function convolveWasm(image: Image, kernel: KernelMatrix, plan: ConvolvePlan, out: Float32Array, factors?: Factors): void {
  const k = getKernels();
  const { width: W, height: H, channels: C, data } = image;
  const { outH, outW, sy, dy } = plan;
  const padW = W + plan.left + plan.right;
  const spanH = dy * (kernel.height - 1);
  const band = bandRows(plan, padW, C, kernel.height);
  const bandPadH = (band - 1) * sy + spanH + 1; // padded rows one band reads
  const bytes = data.BYTES_PER_ELEMENT;

  const layout = new Layout(k.heapBase());
  const colMapPtr = layout.take(padW * 4);
  const rowMapPtr = layout.take(bandPadH * 4);
  const kernelPtr = layout.take(kernel.data.length * 4);
  const planePtr = layout.take(bandPadH * padW * 4);
  // Multi-channel input is copied in raw, one source row per padded row, and de-interleaved in WASM.
  const srcPtr = C === 1 ? 0 : layout.take(bandPadH * W * C * bytes);
  const dstPtr = layout.take(band * outW * C * 4);
  const twoPass = factors !== undefined && (plan.method === 'separable' ||
    (kernel.width > 1 && kernel.height > 1 && kernel.data.length >= SEPARABLE_MIN_TAPS));
  // Two passes: the vertical one writes `band` rows of the full padded width into tmp.
  const tmpPtr = twoPass ? layout.take(band * padW * 4) : 0;
  const columnPtr = twoPass ? layout.take(kernel.height * 4) : 0;
  const rowPtr = twoPass ? layout.take(kernel.width * 4) : 0;
  reserve(k, layout.end, `A ${W}×${H}×${C} image (band of ${band} rows)`);

  // Views are made after growing: growth detaches the old ArrayBuffer.
  const buffer = k.memory.buffer;
  const colMap = borderMap(W, plan.left, plan.right, plan.border);
  new Int32Array(buffer, colMapPtr, padW).set(colMap);
  new Float32Array(buffer, kernelPtr, kernel.data.length).set(orientedKernel(kernel.data, plan.correlation));
  if (twoPass) {
    new Float32Array(buffer, columnPtr, kernel.height).set(orientedKernel(factors.column, plan.correlation));
    new Float32Array(buffer, rowPtr, kernel.width).set(orientedKernel(factors.row, plan.correlation));
  }
  const rowMap = borderMap(H, plan.top, plan.bottom, plan.border);
  const plane = new Float32Array(buffer, planePtr, bandPadH * padW);
  const bandRowMap = new Int32Array(buffer, rowMapPtr, bandPadH);
  const cval = Math.fround(plan.cval);
  const pad = padFunction(k, data);

  for (let i0 = 0; i0 < outH; i0 += band) {
    const rows = Math.min(band, outH - i0);
    const first = i0 * sy; // first padded row this band reads
    const count = (rows - 1) * sy + spanH + 1;
    if (C === 1) {
      fillPlaneRows(plane, data, W, rowMap, colMap, first, count, plan.left, cval);
    } else {
      const src = new Uint8Array(buffer, srcPtr, count * W * C * bytes);
      const rowBytes = W * C * bytes;
      const whole = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      for (let r = 0; r < count; r++) {
        const from = rowMap[first + r];
        bandRowMap[r] = from < 0 ? -1 : r;
        if (from >= 0) src.set(whole.subarray(from * rowBytes, (from + 1) * rowBytes), r * rowBytes);
      }
    }
    for (let c = 0; c < C; c++) {
      if (C !== 1) pad(srcPtr, W, C, c, rowMapPtr, count, colMapPtr, padW, cval, planePtr);
      if (twoPass) {
        // The same kernel loop twice: a kH×1 kernel down the plane (every column, stride sy), then
        // a 1×kW kernel along the result (stride sx).
        k.convolvePlane(planePtr, padW, columnPtr, kernel.height, 1, dy, 1, sy, 1, rows, padW, tmpPtr, 1, 0);
        k.convolvePlane(tmpPtr, padW, rowPtr, 1, kernel.width, 1, plan.dx, 1, plan.sx, rows, outW, dstPtr, C, c);
      } else {
        k.convolvePlane(planePtr, padW, kernelPtr, kernel.height, kernel.width, dy, plan.dx, sy, plan.sx,
          rows, outW, dstPtr, C, c);
      }
    }
    out.set(new Float32Array(buffer, dstPtr, rows * outW * C), i0 * outW * C);
  }
}

/**
 * Builds padded rows [first, first + count) of a one-channel image straight from the caller's
 * array: a typed-array copy (with conversion to float32) for the image part of each row, the
 * column map for the few border pixels, cval for constant rows.
 */
function fillPlaneRows(
  plane: Float32Array, data: Image['data'], W: number, rowMap: Int32Array, colMap: Int32Array,
  first: number, count: number, left: number, cval: number,
): void {
  const padW = colMap.length;
  for (let r = 0; r < count; r++) {
    const from = rowMap[first + r];
    const o = r * padW;
    if (from < 0) {
      plane.fill(cval, o, o + padW);
      continue;
    }
    const s = from * W;
    plane.set(data.subarray(s, s + W), o + left);
    for (let j = 0; j < left; j++) plane[o + j] = colMap[j] < 0 ? cval : data[s + colMap[j]];
    for (let j = left + W; j < padW; j++) plane[o + j] = colMap[j] < 0 ? cval : data[s + colMap[j]];
  }
}
