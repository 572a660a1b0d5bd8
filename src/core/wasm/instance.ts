/**
 * The WebAssembly instance and its linear memory: loading, growth, and address layout.
 *
 * The .wasm is embedded as a string, one character per byte (scripts/embed-wasm.mjs says why),
 * and instantiated with the plain WebAssembly API behind a memoised `init()`; in Node and
 * workers a synchronous instantiate on first use makes `init()` optional. The module imports
 * nothing (runtime "stub", no asserts, so no `env.abort`; embed-wasm.mjs checks) and its exports
 * take and return only numbers, so @assemblyscript/loader's glue (5.6 KB of minified JS in every
 * browser copy) is not needed. Every call lays out its buffers upwards from above the last
 * allocImage image (linear.ts `scratchLayout`; `heapBase()` when there is none) and keeps no
 * state between calls, so a throw leaks nothing; memory only grows, to the largest working set
 * seen.
 */
import { MODULE_WASM } from './module.generated.js';
import { setRow } from './shared-copy.js';

export type Ptr = number;
export type PadFn = (src: Ptr, srcW: number, channels: number, channel: number, rowMap: Ptr, padH: number,
  colMap: Ptr, padW: number, cval: number, plane: Ptr, left: number) => void;

/** The exports of assembly/index.ts. */
export interface ModuleExports {
  memory: WebAssembly.Memory;
  heapBase(): Ptr;
  padPlaneU8: PadFn;
  padPlaneU16: PadFn;
  padPlaneF32: PadFn;
  convolvePlane(plane: Ptr, padW: number, kernel: Ptr, kH: number, kW: number, dy: number, dx: number,
    sy: number, sx: number, outH: number, outW: number, dst: Ptr, channels: number, channel: number,
    scratch: Ptr): void;
  expandRows(plane: Ptr, count: number, w: number, padW: number, left: number, rowMap: Ptr, colMap: Ptr,
    cval: number): void;
  fftColumns(re: Ptr, im: Ptr, n: number, tw: Ptr, inverse: boolean): void;
  transpose(p: Ptr, n: number): void;
  multiplySpectra(re: Ptr, im: Ptr, hr: Ptr, hi: Ptr, count: number): void;
  gatherTile(src: Ptr, n: number, row0: number, rowStep: number, rows: number, col0: number, colStep: number,
    cols: number, dst: Ptr, dstRowStride: number, dstPixel: number): void;
  loadTile(src: Ptr, w: number, row0: number, col0: number, rows: number, cols: number, tile: Ptr, n: number): void;
  grayPlaneU8(src: Ptr, srcW: number, channels: number, rowMap: Ptr, padH: number, colMap: Ptr, padW: number,
    cval: number, plane: Ptr, left: number): void;
  mapToU8(p: Ptr, count: number, absolute: boolean): void;
  finiteRangeF32(p: Ptr, count: number, out: Ptr): void;
  magnitudeF32(p: Ptr, count: number, out: Ptr): void;
  normalizeToU8(p: Ptr, count: number, lo: number, range: number): void;
  grayQ15U8(src: Ptr, dst: Ptr, n: number, channels: number): void;
  grayQ15U16(src: Ptr, dst: Ptr, n: number, channels: number): void;
  grayWeighted(src: Ptr, dst: Ptr, n: number, channels: number, wide: boolean, wr: number, wg: number, wb: number): void;
  cannyEdges(src: Ptr, w: number, h: number, taps: Ptr, k: number, shift16: boolean, l2: boolean, low: number,
    high: number, work: Ptr, map: Ptr, stack: Ptr): void;
  gradientMaps(gx: Ptr, gy: Ptr, count: number, l2: boolean, mag: Ptr, dir: Ptr, scale: number): void;
  derivPair3(plane: Ptr, padW: number, a: number, b: number, outH: number, outW: number, gx: Ptr, gy: Ptr, mag: Ptr,
    l2: boolean): void;
  // The PNG codec's row work: in Node's module only (assembly/node.ts); browsers' lacks them.
  filterRows(src: Ptr, rows: number, n: number, type: number, bpp: number, out: Ptr): void;
  unfilterRows(src: Ptr, rows: number, n: number, bpp: number): number;
  rgbaRows(src: Ptr, stride: number, rows: number, w: number, channels: number, dst: Ptr): void;
}

/**
 * Where results go: float32 (convolve2d), or bytes mapped as toUint8's "clamp"/"abs" (the fused
 * pipeline). `channels` is the output's channel count.
 */
export interface Target {
  data: Float32Array | Uint8Array;
  channels: number;
  /** Fuse BT.601 grayscale into the padding (8-bit RGB(A) input only). */
  gray?: boolean;
  absolute?: boolean;
}

/**
 * Output rows `first` (inclusive) to `end` (exclusive): the part of the output one call computes.
 * A streaming caller holds only a window of the image: its `data` starts at source row
 * `sourceRow0` (it must hold every row the range reads), and `target.data` at output row
 * `outputRow0`. Both default to 0: the whole image, the whole output.
 */
export interface RowRange { first: number; end: number; sourceRow0?: number; outputRow0?: number }

/** Copies a finished band of `count` float32 outputs at `ptr` to `target.data` at `offset`. */
export function writeBand(wasm: ModuleExports, target: Target, ptr: Ptr, count: number, offset: number): void {
  const data = fresh(target.data);
  if (data instanceof Float32Array) {
    if (data.buffer === wasm.memory.buffer && data.byteOffset + offset * 4 === ptr) return; // computed in place
    setRow(data, new Float32Array(wasm.memory.buffer, ptr, count), offset);
  } else {
    wasm.mapToU8(ptr, count, target.absolute === true);
    setRow(data, new Uint8Array(wasm.memory.buffer, ptr, count), offset);
  }
}

/**
 * Where output value `offset` of `target` is in linear memory, when the target is a float32 array
 * there (an allocImage image's data): drivers then compute each band in place, with no copy out.
 * 0 otherwise. Read before `reserve` or after; addresses survive growth.
 */
export function targetAddress(target: Target, offset: number): Ptr {
  const at = target.data instanceof Float32Array ? addressIn(target.data) : -1;
  return at < 0 ? 0 : at + offset * 4;
}

/** Where `view` starts in linear memory, or -1 when it is an ordinary array. */
export function addressIn(view: ArrayBufferView): number {
  const v = fresh(view);
  return loaded !== undefined && v.buffer === loaded.memory.buffer ? v.byteOffset : -1;
}

const PAGE = 65536;
/** wasm32 addresses are 32-bit: 65536 pages of 64 KiB. */
const MAX_MEMORY = 65536 * PAGE;

let loaded: ModuleExports | undefined;
let loading: Promise<void> | undefined;

function wasmBytes(): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(MODULE_WASM.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = MODULE_WASM.charCodeAt(i);
  return bytes;
}

/**
 * Loads the WebAssembly module. Idempotent: later calls return the same promise. Required once
 * before the synchronous functions in browsers' main threads; optional in Node.
 * @example
 * await init();
 * const out = convolve2d(image, kernels.sobelX);
 */
export function init(): Promise<void> {
  if (loaded) return Promise.resolve();
  loading ??= WebAssembly.instantiate(wasmBytes()).then(
    (result) => { loaded ??= result.instance.exports as unknown as ModuleExports; },
    (error: unknown) => {
      loading = undefined; // let a later init() try again
      throw new Error('conv2d-wasm: could not load the WebAssembly module', { cause: error });
    },
  );
  return loading;
}

/** The instance, instantiated synchronously on first use where the platform allows it. */
export function getModule(): ModuleExports {
  if (loaded) return loaded;
  try {
    loaded = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes())).exports as unknown as ModuleExports;
  } catch (error) {
    // Browsers refuse synchronous compilation of larger modules on the main thread.
    throw new Error('conv2d-wasm: the WebAssembly module is not loaded; call `await init()` first', { cause: error });
  }
  return loaded;
}

/** The instance if it is loaded, without loading it (checks of arguments must not instantiate). */
export function loadedModule(): ModuleExports | undefined {
  return loaded;
}

/** Current size of linear memory in bytes (for tests that check nothing leaks). */
export function wasmMemoryBytes(): number {
  return getModule().memory.buffer.byteLength;
}

/** Hands out 16-byte-aligned addresses upwards from a base: the memory map of one call. */
export class Layout {
  end: number;
  constructor(base: number) {
    this.end = base;
  }
  take(bytes: number): Ptr {
    const ptr = Math.ceil(this.end / 16) * 16; // suits f32 and v128 loads
    this.end = ptr + bytes;
    return ptr;
  }
}

/** Every view of linear memory an argument brought or the library handed out: address, length. */
const pinned = new WeakMap<ArrayBufferView, [Ptr, number]>();

/**
 * Records `view`, when it views linear memory, so that `fresh` can view the same bytes again once
 * growth has detached it. Returns `view`.
 */
export function pin<V extends ArrayBufferView>(view: V): V {
  if (view.buffer === loaded?.memory.buffer) pinned.set(view, [view.byteOffset, (view as unknown as Uint8Array).length]);
  return view;
}

/**
 * `view` itself, or, when it is a pinned view of linear memory, a view of the same bytes on the
 * current buffer: growth detaches every older view (its length becomes 0). Drivers pass the
 * arrays they were given through this after `reserve`.
 */
export function fresh<V extends ArrayBufferView>(view: V): V {
  const p = pinned.get(view);
  if (p === undefined || view.buffer === loaded?.memory.buffer) return view;
  const Type = view.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => V;
  return pin(new Type(getModule().memory.buffer as ArrayBuffer, ...p));
}

/** Makes linear memory at least `end` bytes, growing it once. */
export function reserve(wasm: ModuleExports, end: number, what: string): void {
  if (end > MAX_MEMORY) {
    throw new RangeError(`${what} needs ${end} bytes of WebAssembly memory, more than the 4 GiB a wasm32 module can address`);
  }
  const have = wasm.memory.buffer.byteLength;
  if (end <= have) return;
  try {
    wasm.memory.grow(Math.ceil((end - have) / PAGE));
  } catch (cause) {
    throw new RangeError(`${what} needs ${end} bytes of WebAssembly memory and the engine refused to grow it`, { cause });
  }
}
